package io.rollout4j.engine;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The {@code rollouts-pod-template-hash} of a pod template, as Argo Rollouts computes it: FNV-1a
 * (32 bit) of the template as Go's {@code encoding/json} writes a Kubernetes PodTemplateSpec, plus
 * the collision count as 8 little-endian bytes, written with Kubernetes' safe alphabet. Equal to
 * Argo's, so a rollout moves between the two controllers without a new ReplicaSet; ReplicaSets
 * named by earlier versions' hash (FNV-1a of canonical JSON) are still found by their template.
 */
public final class PodTemplateHash {
  private PodTemplateHash() {}

  // Kubernetes' rand.SafeEncodeString alphabet: no vowels, no easily confused characters.
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private record Key(PodTemplateSpec template, @Nullable Integer collisionCount) {}

  private static final Memo<Key, String> HASHES =
      new Memo<>(4096, key -> compute(key.template(), key.collisionCount()));

  public static String of(PodTemplateSpec template, @Nullable Integer collisionCount) {
    return HASHES.get(new Key(template, collisionCount));
  }

  private static String compute(PodTemplateSpec template, @Nullable Integer collisionCount) {
    return safeFnv(GoJson.encode(Manifests.toTree(template)), collisionCount);
  }

  /**
   * FNV-1a (32 bit) of {@code json} and the optional collision count (8 little-endian bytes), its
   * decimal digits written in Kubernetes' safe alphabet: how Argo turns Go JSON into a hash.
   */
  static String safeFnv(byte[] json, @Nullable Integer collisionCount) {
    int hash = fnv1a(json);
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

  /** FNV-1a, 32 bit. */
  static int fnv1a(byte[] bytes) {
    int hash = 0x811c9dc5;
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return hash;
  }
}
