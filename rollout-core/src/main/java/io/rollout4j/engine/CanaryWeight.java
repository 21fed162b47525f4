package io.rollout4j.engine;

import org.jspecify.annotations.Nullable;

/**
 * The canary's current target: a fixed replica count (from {@code setCanaryScale.replicas}) or a
 * weight in percent of {@code spec.replicas}.
 */
record CanaryWeight(@Nullable Integer replicas, int weight) {

  static CanaryWeight ofWeight(int weight) {
    return new CanaryWeight(null, weight);
  }

  static CanaryWeight ofReplicas(int replicas) {
    return new CanaryWeight(replicas, 0);
  }
}
