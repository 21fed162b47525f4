package io.rollout4j.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The {@code rollouts-pod-template-hash} of a pod template: FNV-1a (32 bit) of the template's
 * canonical JSON (keys sorted), plus the collision count, written with Kubernetes' safe alphabet.
 * The same template gives the same hash in every process and after every restart; byte-identical
 * hashes with Argo would need Go's field order, which no user relies on.
 */
public final class PodTemplateHash {
  private PodTemplateHash() {}

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  // Kubernetes' rand.SafeEncodeString alphabet: no vowels, no easily confused characters.
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private record Key(PodTemplateSpec template, @Nullable Integer collisionCount) {}

  private static final Memo<Key, String> HASHES =
      new Memo<>(4096, key -> compute(key.template(), key.collisionCount()));

  public static String of(PodTemplateSpec template, @Nullable Integer collisionCount) {
    return HASHES.get(new Key(template, collisionCount));
  }

  private static String compute(PodTemplateSpec template, @Nullable Integer collisionCount) {
    byte[] json;
    try {
      json = CANONICAL.writeValueAsBytes(Manifests.toTree(template));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("pod template cannot be written as JSON", e);
    }
    int hash = 0x811c9dc5;
    for (byte b : json) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    if (collisionCount != null) {
      for (int i = 0; i < 8; i++) {
        hash ^= (int) (((long) collisionCount >>> (8 * i)) & 0xff);
        hash *= 0x01000193;
      }
    }
    String decimal = Long.toString(Integer.toUnsignedLong(hash));
    StringBuilder out = new StringBuilder(decimal.length());
    for (byte b : decimal.getBytes(StandardCharsets.US_ASCII)) {
      out.append(ALPHABET.charAt((b & 0xff) % ALPHABET.length()));
    }
    return out.toString();
  }
}
