package io.rollout4j.engine;

import org.jspecify.annotations.Nullable;

/**
 * The canary's current target: a fixed replica count (from {@code setCanaryScale.replicas}) or a
 * weight in percent of {@code spec.replicas}.
 */
record CanaryTarget(@Nullable Integer replicas, int weight) {

  static CanaryTarget ofWeight(int weight) {
    return new CanaryTarget(null, weight);
  }

  static CanaryTarget ofReplicas(int replicas) {
    return new CanaryTarget(replicas, 0);
  }
}
