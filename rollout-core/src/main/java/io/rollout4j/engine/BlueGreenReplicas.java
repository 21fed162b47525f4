package io.rollout4j.engine;

import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.Rollout;

/** Argo's blue-green replica rules. */
final class BlueGreenReplicas {
  private BlueGreenReplicas() {}

  private static final IntOrString DEFAULT_MAX_UNAVAILABLE = IntOrString.of("25%");

  /**
   * The size of the new ReplicaSet: {@code previewReplicaCount} while it is only the preview, the
   * full {@code replicas} once promotion has begun ({@code fullSize}: the scale-up checkpoint,
   * promote --full, the active Service already on it, or the first deploy).
   */
  static int newReplicaSetSize(BlueGreenStrategy strategy, int replicas, boolean fullSize) {
    Integer preview = strategy.previewReplicaCount();
    return fullSize || preview == null ? replicas : Math.min(preview, replicas);
  }

  /**
   * How many pods a restart ({@code spec.restartAt}) may take down at once: {@code maxUnavailable}
   * (25% by default) of {@code replicas}, rounded down, but at least one so a restart always moves.
   */
  static int maxUnavailable(Rollout rollout) {
    BlueGreenStrategy strategy = rollout.spec().blueGreen();
    IntOrString configured = strategy == null ? null : strategy.maxUnavailable();
    int replicas = rollout.spec().effectiveReplicas();
    int value =
        (configured == null ? DEFAULT_MAX_UNAVAILABLE : configured).scaledValue(replicas, false);
    return Math.max(1, Math.min(value, Math.max(replicas, 1)));
  }
}
