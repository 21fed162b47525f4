package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/**
 * {@code spec.workloadRef}: borrow the pod template from a Deployment, ReplicaSet or PodTemplate.
 * {@code scaleDown} is {@code never} (default), {@code onsuccess} or {@code progressively}.
 */
public record WorkloadRef(
    @Nullable String apiVersion,
    @Nullable String kind,
    @Nullable String name,
    @Nullable String scaleDown) {

  public static WorkloadRef deployment(String name) {
    return new WorkloadRef("apps/v1", "Deployment", name, null);
  }

  public WorkloadRef withScaleDown(String mode) {
    return new WorkloadRef(apiVersion, kind, name, mode);
  }
}
