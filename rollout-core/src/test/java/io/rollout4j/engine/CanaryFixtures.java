package io.rollout4j.engine;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;

/** Rollouts in a given state for arithmetic tests. */
final class CanaryFixtures {
  private CanaryFixtures() {}

  static final String STABLE = "stable-hash";
  static final String CANARY = "canary-hash";

  /** A canary rollout with the given strategy body, mid-update at {@code stepIndex}. */
  static Rollout canary(int replicas, String canaryBody, int stepIndex, boolean aborted) {
    Rollout rollout =
        Manifests.parseOne(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n"
                + "spec:\n  replicas: "
                + replicas
                + "\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n"
                + "  strategy:\n    canary: "
                + canaryBody
                + "\n",
            Rollout.class);
    return rollout.withStatus(
        RolloutStatus.builder()
            .stableRS(STABLE)
            .currentPodHash(CANARY)
            .currentStepIndex(stepIndex)
            .abort(aborted ? Boolean.TRUE : null)
            .build());
  }

  /** A basic canary sitting on a single setWeight step. */
  static Rollout basic(int replicas, int weight, String maxSurge, String maxUnavailable) {
    return canary(
        replicas,
        "{maxSurge: "
            + maxSurge
            + ", maxUnavailable: "
            + maxUnavailable
            + ", steps: [{setWeight: "
            + weight
            + "}, {pause: {}}]}",
        1,
        false);
  }

  static ReplicaSetView stable(int replicas, int available) {
    return ReplicaSetView.of("r-" + STABLE, STABLE, replicas, available);
  }

  static ReplicaSetView canaryRs(int replicas, int available) {
    return ReplicaSetView.of("r-" + CANARY, CANARY, replicas, available);
  }
}
