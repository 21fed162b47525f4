package io.rollout4j.model;

/** The labels and annotations Argo Rollouts writes, which Rollout4j writes identically. */
public final class RolloutLabels {
  private RolloutLabels() {}

  public static final String POD_TEMPLATE_HASH = "rollouts-pod-template-hash";
  public static final String REVISION = "rollout.argoproj.io/revision";
  public static final String DESIRED_REPLICAS = "rollout.argoproj.io/desired-replicas";
  public static final String SCALE_DOWN_DEADLINE = "scale-down-deadline";
  public static final String EPHEMERAL_METADATA = "rollout.argoproj.io/ephemeral-metadata";

  /**
   * Rollout4j's own annotation: the pod template's labels and annotations before ephemeral metadata
   * was injected, so removing that metadata restores values it had overwritten.
   */
  public static final String TEMPLATE_METADATA = "rollout4j.io/pod-template-metadata";

  public static final String MANAGED_BY = "argo-rollouts.argoproj.io/managed-by-rollouts";
  public static final String WORKLOAD_GENERATION = "rollout.argoproj.io/workload-generation";
}
