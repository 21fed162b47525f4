package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one reconcile knows about the revisions once it has worked out which one is current: the pod
 * template and its hash, every ReplicaSet, the new, stable and older ones, the revision numbers and
 * where the update stands. Computed once per reconcile (Argo's {@code rolloutContext}) so the parts
 * of a decision take one argument instead of a long list.
 *
 * @param rollout the rollout with the status as it stands after an update began
 * @param initial no revision has been stable yet: the first deployment, at full size at once
 * @param promoted the current revision is the stable one
 * @param aborted the update is aborted
 */
record Frame(
    Rollout rollout,
    PodTemplateSpec template,
    String hash,
    List<ReplicaSetView> sets,
    @Nullable ReplicaSetView newRs,
    @Nullable ReplicaSetView stableRs,
    List<ReplicaSetView> older,
    int nextRevision,
    int revision,
    boolean initial,
    boolean promoted,
    boolean aborted) {

  /** The pod template the rollout runs: its own, or its workloadRef's; null when unreadable. */
  static @Nullable PodTemplateSpec templateOf(Rollout rollout, Observation observation) {
    return rollout.spec().workloadRef() != null
        ? observation.workloadTemplate()
        : rollout.spec().template();
  }

  /** The observed ReplicaSets that carry a pod-template hash. */
  static List<ReplicaSetView> replicaSets(Observation observation) {
    List<ReplicaSetView> views = new ArrayList<>(observation.replicaSets().size());
    for (GenericResource rs : observation.replicaSets()) {
      ReplicaSetView view = ReplicaSetView.of(rs);
      if (view != null) {
        views.add(view);
      }
    }
    return views;
  }

  /** The hash of the template: an existing ReplicaSet's when one runs the same template. */
  static String hashOf(PodTemplateSpec template, Plan plan, List<ReplicaSetView> sets) {
    return PodTemplateMatch.hashOf(
        template, PodTemplateHash.of(template, plan.status.collisionCount()), sets);
  }

  /**
   * The frame once the strategy has started an update if the template changed: the plan's status
   * names the current hash and, unless there is none yet, the stable one.
   *
   * @param initialWithoutStableSet whether a recorded stable revision whose ReplicaSet is gone
   *     counts as a first deployment (the canary's rule) or not (blue-green's)
   */
  static Frame of(
      Plan plan,
      PodTemplateSpec template,
      String hash,
      List<ReplicaSetView> sets,
      boolean initialWithoutStableSet) {
    int nextRevision = 1;
    for (ReplicaSetView rs : sets) {
      nextRevision = Math.max(nextRevision, rs.revision() + 1);
    }
    String stableHash = plan.status.stableRS();
    ReplicaSetView newRs = find(sets, hash);
    ReplicaSetView stableRs = stableHash == null ? null : find(sets, stableHash);
    List<ReplicaSetView> older = List.of();
    for (ReplicaSetView rs : sets) {
      if (rs != newRs && rs != stableRs) {
        if (older.isEmpty()) {
          older = new ArrayList<>(sets.size());
        }
        older.add(rs);
      }
    }
    boolean initial = initialWithoutStableSet ? stableRs == null : stableHash == null;
    return new Frame(
        plan.stored.withStatus(plan.status),
        template,
        hash,
        sets,
        newRs,
        stableRs,
        older,
        nextRevision,
        newRs == null || newRs.revision() == 0 ? nextRevision : newRs.revision(),
        initial,
        hash.equals(stableHash),
        plan.status.isAborted());
  }

  static @Nullable ReplicaSetView find(List<ReplicaSetView> sets, @Nullable String hash) {
    for (ReplicaSetView rs : sets) {
      if (rs.hash().equals(hash)) {
        return rs;
      }
    }
    return null;
  }

  int replicas() {
    return rollout.spec().effectiveReplicas();
  }

  /** The ReplicaSet with this hash, or null. */
  @Nullable ReplicaSetView find(@Nullable String hash) {
    return find(sets, hash);
  }
}
