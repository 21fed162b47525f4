package io.rollout4j.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds and edits ReplicaSets in the shape a Kubernetes API server stores them. */
final class ReplicaSets {
  private ReplicaSets() {}

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  static GenericResource build(
      Rollout rollout,
      PodTemplateSpec template,
      String hash,
      int revision,
      int replicas,
      @Nullable PodMetadata ephemeral) {
    Map<String, String> labels = new LinkedHashMap<>(template.labels());
    labels.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(RolloutLabels.REVISION, Integer.toString(revision));
    annotations.put(
        RolloutLabels.DESIRED_REPLICAS, Integer.toString(rollout.spec().effectiveReplicas()));
    Map<String, String> templateAnnotations =
        template.metadata() == null ? Map.of() : template.metadata().annotations();
    annotations.put(
        RolloutLabels.TEMPLATE_METADATA,
        json(new PodMetadata(template.labels(), templateAnnotations)));
    ObjectMeta metadata =
        ObjectMeta.owned(
            rollout.name() + "-" + hash,
            rollout.namespace(),
            labels,
            annotations,
            List.of(ownerOf(rollout)));
    Map<String, String> selector = new LinkedHashMap<>();
    if (rollout.spec().selector() != null) {
      selector.putAll(rollout.spec().selector().matchLabels());
    } else {
      selector.putAll(template.labels());
    }
    selector.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    Map<String, Object> podMetadata = new LinkedHashMap<>();
    podMetadata.put("labels", labels);
    Map<String, String> podAnnotations =
        template.metadata() == null ? Map.of() : template.metadata().annotations();
    if (!podAnnotations.isEmpty()) {
      podMetadata.put("annotations", podAnnotations);
    }
    Map<String, Object> podTemplate = new LinkedHashMap<>();
    podTemplate.put("metadata", podMetadata);
    podTemplate.put("spec", template.spec());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("replicas", replicas);
    spec.put("selector", Map.of("matchLabels", selector));
    if (rollout.spec().minReadySeconds() != null) {
      spec.put("minReadySeconds", rollout.spec().minReadySeconds());
    }
    spec.put("template", podTemplate);
    GenericResource rs =
        new GenericResource("apps/v1", "ReplicaSet", metadata, Map.of("spec", spec));
    return withEphemeral(rs, ephemeral);
  }

  static GenericResource withReplicas(GenericResource rs, int replicas) {
    if (rs.path("spec", "replicas") instanceof Integer already && already == replicas) {
      return rs;
    }
    Map<String, Object> spec = mutable(rs.get("spec"));
    spec.put("replicas", replicas);
    return rs.withBodyField("spec", spec);
  }

  static GenericResource withAnnotation(GenericResource rs, String key, @Nullable String value) {
    Map<String, String> annotations = new LinkedHashMap<>(rs.metadata().annotations());
    if (value == null) {
      if (annotations.remove(key) == null) {
        return rs;
      }
    } else {
      annotations.put(key, value);
    }
    ObjectMeta m = rs.metadata();
    return rs.withMetadata(
        m.withUserFields(m.labels(), annotations, m.ownerReferences(), m.finalizers()));
  }

  /**
   * Puts the desired ephemeral labels and annotations on the ReplicaSet's pod template and removes
   * the ones injected before but no longer wanted, remembering what was injected in an annotation
   * so that labels owned by others are never touched.
   */
  static GenericResource withEphemeral(GenericResource rs, @Nullable PodMetadata desired) {
    String recorded = rs.metadata().annotations().get(RolloutLabels.EPHEMERAL_METADATA);
    String wanted =
        desired == null || (desired.labels().isEmpty() && desired.annotations().isEmpty())
            ? null
            : json(desired);
    if (java.util.Objects.equals(recorded, wanted)) {
      return rs;
    }
    PodMetadata previous = parse(recorded);
    Map<String, Object> spec = mutable(rs.get("spec"));
    Map<String, Object> template = mutable(spec.get("template"));
    Map<String, Object> metadata = mutable(template.get("metadata"));
    Map<String, Object> labels = mutable(metadata.get("labels"));
    Map<String, Object> annotations = mutable(metadata.get("annotations"));
    if (previous != null) {
      // Put back what the template itself said for keys the injected metadata had overwritten.
      PodMetadata original =
          parse(rs.metadata().annotations().get(RolloutLabels.TEMPLATE_METADATA));
      for (String key : previous.labels().keySet()) {
        restore(labels, key, original == null ? null : original.labels().get(key));
      }
      for (String key : previous.annotations().keySet()) {
        restore(annotations, key, original == null ? null : original.annotations().get(key));
      }
    }
    if (desired != null) {
      labels.putAll(desired.labels());
      annotations.putAll(desired.annotations());
    }
    metadata.put("labels", labels);
    if (annotations.isEmpty()) {
      metadata.remove("annotations");
    } else {
      metadata.put("annotations", annotations);
    }
    template.put("metadata", metadata);
    spec.put("template", template);
    GenericResource updated = rs.withBodyField("spec", spec);
    return withAnnotation(updated, RolloutLabels.EPHEMERAL_METADATA, wanted);
  }

  private static void restore(Map<String, Object> values, String key, @Nullable String original) {
    if (original == null) {
      values.remove(key);
    } else {
      values.put(key, original);
    }
  }

  private static final Memo<PodMetadata, String> METADATA_JSON =
      new Memo<>(4096, ReplicaSets::writeJson);

  private static String json(PodMetadata metadata) {
    return METADATA_JSON.get(metadata);
  }

  private static String writeJson(PodMetadata metadata) {
    try {
      return JSON.writeValueAsString(Manifests.toTree(metadata));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static @Nullable PodMetadata parse(@Nullable String json) {
    if (json == null) {
      return null;
    }
    try {
      Map<?, ?> tree = JSON.readValue(json, Map.class);
      return new PodMetadata(strings(tree.get("labels")), strings(tree.get("annotations")));
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static Map<String, String> strings(@Nullable Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> mutable(@Nullable Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      out.putAll((Map<String, Object>) m);
    }
    return out;
  }

  /** The owner reference Argo puts on what a rollout creates: controller, blocking deletion. */
  static OwnerReference ownerOf(Rollout rollout) {
    String uid = rollout.metadata().uid();
    return new OwnerReference(
        Rollout.ARGO_API_VERSION,
        Rollout.KIND,
        String.valueOf(rollout.name()),
        uid == null ? "" : uid,
        true,
        true);
  }
}
