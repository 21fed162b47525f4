package io.rollout4j.engine;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A ReplicaSet as the engine reads it from its Kubernetes shape. */
record ReplicaSetView(
    GenericResource resource,
    String name,
    String hash,
    int replicas,
    int statusReplicas,
    int readyReplicas,
    int availableReplicas,
    int revision,
    @Nullable Instant scaleDownDeadline) {

  static @Nullable ReplicaSetView of(GenericResource rs) {
    String hash = rs.metadata().labels().get(RolloutLabels.POD_TEMPLATE_HASH);
    String name = rs.metadata().name();
    if (hash == null || name == null) {
      return null;
    }
    Map<String, String> annotations = rs.metadata().annotations();
    return new ReplicaSetView(
        rs,
        name,
        hash,
        intAt(rs, "spec", "replicas"),
        intAt(rs, "status", "replicas"),
        intAt(rs, "status", "readyReplicas"),
        intAt(rs, "status", "availableReplicas"),
        parseInt(annotations.get(RolloutLabels.REVISION)),
        parseInstant(annotations.get(RolloutLabels.SCALE_DOWN_DEADLINE)));
  }

  /**
   * A view from counts alone, for the replica arithmetic: a ReplicaSet about to be created, or one
   * in a test.
   */
  static ReplicaSetView of(String name, String hash, int replicas, int availableReplicas) {
    if (replicas < 0 || availableReplicas < 0) {
      throw new IllegalArgumentException(
          "replica counts must not be negative: " + replicas + ", " + availableReplicas);
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("apiVersion", "apps/v1");
    tree.put("kind", "ReplicaSet");
    tree.put(
        "metadata", Map.of("name", name, "labels", Map.of(RolloutLabels.POD_TEMPLATE_HASH, hash)));
    tree.put("spec", Map.of("replicas", replicas));
    tree.put("status", Map.of("availableReplicas", availableReplicas));
    return new ReplicaSetView(
        (GenericResource) Manifests.fromMap(tree),
        name,
        hash,
        replicas,
        0,
        0,
        availableReplicas,
        0,
        null);
  }

  /** Available pods that will remain once the ReplicaSet reaches its spec. */
  int availableWithinSpec() {
    return Math.min(replicas, availableReplicas);
  }

  boolean fullyAvailable() {
    return replicas > 0 && availableReplicas >= replicas;
  }

  private static int intAt(GenericResource rs, String section, String field) {
    Object value = rs.path(section, field);
    return value instanceof Number n ? n.intValue() : 0;
  }

  private static int parseInt(@Nullable String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static @Nullable Instant parseInstant(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
