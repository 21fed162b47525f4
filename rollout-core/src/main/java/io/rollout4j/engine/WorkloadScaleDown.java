package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;

/** The Deployment a {@code workloadRef} names, scaled down as the rollout takes over. */
final class WorkloadScaleDown {
  private WorkloadScaleDown() {}

  /**
   * {@code workloadRef.scaleDown}: {@code onsuccess} scales the referenced Deployment to 0 once the
   * rollout is healthy; {@code progressively} hands pods over while revision 1 comes up (Deployment
   * replicas = spec.replicas - ready rollout pods) and goes to 0 when healthy. Unlike Argo (issue
   * #4935), a Deployment that GitOps scales back up later is drained again.
   */
  static void scaleDown(Plan plan, Frame frame) {
    Rollout rollout = frame.rollout();
    var ref = rollout.spec().workloadRef();
    GenericResource workload = plan.observation.workload();
    if (ref == null || workload == null || !"Deployment".equals(workload.kind())) {
      return;
    }
    String mode = ref.scaleDown() == null ? "never" : ref.scaleDown();
    boolean healthy = plan.status.phase() == RolloutPhase.HEALTHY;
    Integer target = null;
    if (mode.equals("onsuccess") && healthy) {
      target = 0;
    } else if (mode.equals("progressively")) {
      if (healthy) {
        target = 0;
      } else if (frame.initial()) {
        target =
            Math.max(
                0,
                rollout.spec().effectiveReplicas()
                    - StatusRules.orZero(plan.status.readyReplicas()));
      }
    }
    Object current = workload.path("spec", "replicas");
    int replicas = current instanceof Number n ? n.intValue() : 1;
    if (target != null && target < replicas) {
      plan.actions.add(new Action.UpdateWorkload(ReplicaSets.withReplicas(workload, target)));
      plan.event(
          "Normal",
          "ScalingDeployment",
          "Scaled Deployment "
              + workload.metadata().name()
              + " from "
              + replicas
              + " to "
              + target);
    }
  }
}
