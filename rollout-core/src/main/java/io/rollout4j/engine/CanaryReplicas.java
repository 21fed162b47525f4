package io.rollout4j.engine;

import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.port.TrafficSplit;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Argo Rollouts' canary replica arithmetic ({@code CalculateReplicaCountsForBasicCanary} and {@code
 * CalculateReplicaCountsForTrafficRoutedCanary}), in both modes.
 *
 * <p>Basic canary (no traffic router): the weight is approximated by pod counts, the total stays
 * within {@code replicas + maxSurge}, availability within {@code replicas - maxUnavailable}, the
 * stable ReplicaSet is scaled up before the canary, and older ReplicaSets are drained first.
 *
 * <p>Traffic-routed canary: the router carries the weight, so the canary gets {@code ceil(replicas
 * × weight / 100)} pods (or the {@code setCanaryScale} count), raised to {@code
 * minPodsPerReplicaSet}; the stable ReplicaSet stays at {@code replicas} so that an abort is
 * instant, unless {@code dynamicStableScale} scales it with its traffic. maxSurge and
 * maxUnavailable are not consulted, as in Argo.
 */
final class CanaryReplicas {
  private CanaryReplicas() {}

  /**
   * The desired {@code spec.replicas} of the canary and stable ReplicaSets for this reconcile.
   *
   * @param rollout spec and status (current step, abort, promoteFull, stableRS, currentPodHash)
   * @param canary the ReplicaSet of the current pod template, if it exists yet
   * @param stable the stable ReplicaSet, if any (may be the same as the canary)
   * @param older every other ReplicaSet of the rollout
   * @param observed the split last written to the router ({@code status.canary.weights}), used by
   *     dynamic stable scaling
   */
  static ReplicaCounts desired(
      Rollout rollout,
      @Nullable ReplicaSetView canary,
      @Nullable ReplicaSetView stable,
      List<ReplicaSetView> older,
      @Nullable TrafficSplit observed) {
    CanaryStrategy strategy = rollout.spec().canary();
    if (strategy == null) {
      throw new IllegalArgumentException("rollout " + rollout.name() + " has no canary strategy");
    }
    if (strategy.trafficRouting() == null) {
      return basic(rollout, strategy, canary, stable, older);
    }
    return trafficRouted(rollout, strategy, canary, stable, observed);
  }

  /**
   * The weight an aborted canary with {@code dynamicStableScale} steps down to next (Argo's {@code
   * GetDesiredCanaryWeight}): the setWeight steps are walked backwards from the last, and the first
   * whose pods are fewer than the canary still carries is the target. Stable then grows one step at
   * a time as the canary shrinks, rather than all at once (a surge of new pods on a large rollout).
   * The canary counts as carrying what stable does not yet serve, or its available pods if more;
   * with an explicit {@code abortScaleDownDelaySeconds} only the former, or the canary's delayed
   * scale-down would hold the weight up forever.
   */
  static int abortStepWeight(Rollout rollout, ReplicaSetView canary, ReplicaSetView stable) {
    CanaryStrategy strategy = java.util.Objects.requireNonNull(rollout.spec().canary());
    int replicas = rollout.spec().effectiveReplicas();
    int expected = replicas - stable.availableReplicas();
    int carried =
        strategy.abortScaleDownDelaySeconds() != null
            ? expected
            : Math.max(expected, canary.availableReplicas());
    List<Step> steps = strategy.steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (steps.get(i) instanceof Step.SetWeight w && podsFor(replicas, w.weight()) < carried) {
        return w.weight();
      }
    }
    return 0;
  }

  /** Whether the abort steps back through the setWeight steps (see {@link #abortStepWeight}). */
  static boolean abortsStepByStep(
      Rollout rollout, @Nullable ReplicaSetView canary, @Nullable ReplicaSetView stable) {
    CanaryStrategy strategy = rollout.spec().canary();
    RolloutStatus status = rollout.status();
    return strategy != null
        && strategy.isDynamicStableScale()
        && status != null
        && status.isAborted()
        && canary != null
        && stable != null
        && !canary.name().equals(stable.name());
  }

  /**
   * The canary's target for the current state: a fixed replica count from a {@code setCanaryScale}
   * in effect, or a weight (Argo's {@code GetCanaryReplicasOrWeight}).
   */
  static CanaryTarget currentTarget(Rollout rollout) {
    RolloutStatus status = rollout.status();
    if ((status != null && Boolean.TRUE.equals(status.promoteFull()))
        || CanarySteps.fullyPromotedOrInitial(status)) {
      return CanaryTarget.ofWeight(100);
    }
    Optional<Step.SetCanaryScale> scale = CanarySteps.setCanaryScaleInEffect(rollout);
    if (scale.isPresent()) {
      if (scale.get().replicas() != null) {
        return CanaryTarget.ofReplicas(scale.get().replicas());
      }
      if (scale.get().weight() != null) {
        return CanaryTarget.ofWeight(scale.get().weight());
      }
    }
    return CanaryTarget.ofWeight(CanarySteps.currentSetWeight(rollout));
  }

  /** maxSurge resolved against {@code spec.replicas}, percentages rounded up. */
  static int maxSurge(Rollout rollout) {
    return fenceposts(rollout)[0];
  }

  /** maxUnavailable resolved against {@code spec.replicas}, rounded down, at most replicas. */
  static int maxUnavailable(Rollout rollout) {
    int replicas = rollout.spec().effectiveReplicas();
    if (replicas == 0) {
      return 0;
    }
    return Math.min(fenceposts(rollout)[1], replicas);
  }

  private static int[] fenceposts(Rollout rollout) {
    CanaryStrategy strategy = rollout.spec().canary();
    if (strategy == null) {
      return new int[] {0, 0};
    }
    int replicas = rollout.spec().effectiveReplicas();
    int surge = strategy.effectiveMaxSurge().scaledValue(replicas, true);
    int unavailable = strategy.effectiveMaxUnavailable().scaledValue(replicas, false);
    if (surge == 0 && unavailable == 0) {
      // Rounding can zero both; Argo then allows one unavailable pod, as surging may hit quota.
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  // ---------------------------------------------------------------- traffic-routed

  private static ReplicaCounts trafficRouted(
      Rollout rollout,
      CanaryStrategy strategy,
      @Nullable ReplicaSetView canary,
      @Nullable ReplicaSetView stable,
      @Nullable TrafficSplit observed) {
    int replicas = rollout.spec().effectiveReplicas();
    CanaryTarget target = currentTarget(rollout);
    if (target.replicas() == null && abortsStepByStep(rollout, canary, stable)) {
      target =
          CanaryTarget.ofWeight(
              abortStepWeight(
                  rollout,
                  java.util.Objects.requireNonNull(canary),
                  java.util.Objects.requireNonNull(stable)));
    }
    int canaryCount =
        target.replicas() != null
            ? target.replicas()
            : withMinPods(strategy, replicas, podsFor(replicas, target.weight()));
    if (!strategy.isDynamicStableScale()) {
      return new ReplicaCounts(canaryCount, replicas);
    }
    // Stable follows the higher of its desired and its actual traffic: going up it must not
    // shrink before traffic leaves it; going down (abort) it must grow before traffic returns.
    int stableCount = podsFor(replicas, 100 - target.weight());
    if (observed != null) {
      stableCount = Math.max(stableCount, podsFor(replicas, observed.stableWeight()));
      RolloutStatus status = rollout.status();
      if (status != null && status.isAborted()) {
        canaryCount = Math.max(canaryCount, podsFor(replicas, observed.canaryWeight()));
      }
    }
    return new ReplicaCounts(
        withMinPods(strategy, replicas, canaryCount), withMinPods(strategy, replicas, stableCount));
  }

  private static int podsFor(int replicas, int weight) {
    return (int) Math.ceil(replicas * (long) weight / 100.0);
  }

  private static int withMinPods(CanaryStrategy strategy, int replicas, int count) {
    Integer min = strategy.minPodsPerReplicaSet();
    if (count == 0 || min == null) {
      return count;
    }
    // Raised to the minimum for high availability, but never beyond spec.replicas (Argo's {@code
    // CheckMinPodsPerReplicaSet}).
    return Math.max(count, Math.min(min, replicas));
  }

  // ---------------------------------------------------------------- basic

  private static ReplicaCounts basic(
      Rollout rollout,
      CanaryStrategy strategy,
      @Nullable ReplicaSetView canary,
      @Nullable ReplicaSetView stable,
      List<ReplicaSetView> older) {
    int replicas = rollout.spec().effectiveReplicas();
    int maxSurge = maxSurge(rollout);
    int weight = currentTarget(rollout).weight();
    int[] split = approximateSplit(replicas, weight, maxSurge);
    int desiredCanary = split[0];
    int desiredStable = split[1];

    // The stable ReplicaSet to shift from, if there is one distinct from the canary.
    ReplicaSetView from =
        stable != null && (canary == null || !canary.name().equals(stable.name())) ? stable : null;
    int canaryCount = canary == null ? 0 : canary.replicas();
    int stableCount = from == null ? 0 : from.replicas();
    if (from == null) {
      // No stable to shift from: the new ReplicaSet simply goes to 100%.
      desiredCanary = replicas;
      desiredStable = 0;
    }

    int maxTotal = replicas + maxSurge;
    int current = sumReplicas(older) + canaryCount + stableCount;
    int scaleUp = maxTotal - current;
    // Stable first, so that capacity is restored before the canary grows.
    if (from != null && from.replicas() < desiredStable && scaleUp > 0) {
      stableCount = Math.min(desiredStable, from.replicas() + scaleUp);
      scaleUp -= stableCount - from.replicas();
    }
    if (canary != null && canary.replicas() < desiredCanary && scaleUp > 0) {
      canaryCount = Math.min(desiredCanary, canary.replicas() + scaleUp);
    }
    if (sumReplicas(older) > 0) {
      // Older ReplicaSets are drained before the canary or stable ever shrink.
      return new ReplicaCounts(canaryCount, stableCount);
    }

    int minAvailable = replicas - maxUnavailable(rollout);
    // Growing the canary: the stable may be drained regardless of its availability (it may be
    // crash-looping); shrinking the canary (abort, lower weight): the canary may be.
    boolean increasing = canary == null || desiredCanary >= canary.replicas();
    int countable = forScaleDown(canary, !increasing) + forScaleDown(from, increasing);
    if (countable <= minAvailable) {
      return new ReplicaCounts(canaryCount, stableCount);
    }
    int scaleDown = countable - minAvailable;
    if (!increasing) {
      canaryCount = drainTowards(canary, desiredCanary, scaleDown, canaryCount);
      int[] adjusted = withinLimits(canary, from, canaryCount, stableCount, maxTotal, minAvailable);
      return new ReplicaCounts(adjusted[0], adjusted[1]);
    }
    if (from != null) {
      stableCount = drainTowards(from, desiredStable, scaleDown, stableCount);
      int[] adjusted = withinLimits(from, canary, stableCount, canaryCount, maxTotal, minAvailable);
      return new ReplicaCounts(adjusted[1], adjusted[0]);
    }
    return new ReplicaCounts(canaryCount, stableCount);
  }

  /**
   * The (canary, stable) pod split closest to the weight. Candidates total {@code replicas}, or
   * {@code replicas + 1} when surge is allowed; a weight of 1..99 never yields zero canary pods
   * unless there is a single pod and no surge. Equidistant floor and ceiling pick the ceiling.
   */
  static int[] approximateSplit(int replicas, int weight, int maxSurge) {
    if (replicas == 0) {
      return new int[] {0, 0};
    }
    long product = (long) replicas * weight;
    int ceil = (int) ((product + 99) / 100);
    int floor = (int) (product / 100);
    boolean zeroAllowed = weight == 100 || weight == 0 || (replicas == 1 && maxSurge == 0);
    int[][] candidates = new int[4][];
    int n = 0;
    boolean ceilAllowed = ceil < replicas || zeroAllowed;
    if (ceilAllowed) {
      candidates[n++] = new int[] {ceil, replicas};
    }
    // On a tie the ceiling wins, but only where it is allowed: 95% of 10 pods without surge is
    // 9 + 1, not 10 + 0.
    if ((!tied(weight, replicas) || !ceilAllowed) && (floor != 0 || zeroAllowed)) {
      candidates[n++] = new int[] {floor, replicas};
    }
    if (maxSurge > 0) {
      candidates[n++] = new int[] {ceil, replicas + 1};
      if (!tied(weight, replicas + 1) && (floor != 0 || zeroAllowed)) {
        candidates[n++] = new int[] {floor, replicas + 1};
      }
    }
    if (n == 0) {
      return new int[] {0, replicas};
    }
    int[] best = candidates[0];
    double bestDelta = delta(weight, best);
    for (int i = 1; i < n; i++) {
      double d = delta(weight, candidates[i]);
      if (d < bestDelta) {
        best = candidates[i];
        bestDelta = d;
      }
    }
    return new int[] {best[0], best[1] - best[0]};
  }

  private static boolean tied(int weight, int total) {
    // The exact share has a fractional part of one half: floor and ceiling are equally close.
    return ((long) total * weight) % 100 == 50;
  }

  private static double delta(int weight, int[] candidate) {
    return Math.abs(candidate[0] * 100.0 / candidate[1] - weight);
  }

  private static int sumReplicas(List<ReplicaSetView> sets) {
    int sum = 0;
    for (ReplicaSetView rs : sets) {
      sum += rs.replicas();
    }
    return sum;
  }

  /**
   * Pods of a ReplicaSet that count when deciding how far to scale down: its spec when it is
   * already shrinking or when availability may be ignored, else its available pods.
   */
  private static int forScaleDown(@Nullable ReplicaSetView rs, boolean ignoreAvailability) {
    if (rs == null) {
      return 0;
    }
    if (rs.replicas() < rs.availableReplicas() || ignoreAvailability) {
      return rs.replicas();
    }
    return rs.availableReplicas();
  }

  private static int drainTowards(
      @Nullable ReplicaSetView rs, int desired, int scaleDown, int current) {
    if (rs != null && rs.replicas() > desired) {
      return Math.max(desired, rs.replicas() - scaleDown);
    }
    return current;
  }

  /**
   * Trims the pair so the total stays within {@code maxTotal} without letting availability fall
   * below {@code minAvailable}: the adjusted ReplicaSet gives back surge first, but keeps pods it
   * needs for availability; whatever is still over the limit comes from the drained one.
   *
   * @return {drained, adjusted}
   */
  private static int[] withinLimits(
      @Nullable ReplicaSetView drained,
      @Nullable ReplicaSetView adjusted,
      int drainedCount,
      int adjustedCount,
      int maxTotal,
      int minAvailable) {
    int over = Math.max(0, adjustedCount + drainedCount - maxTotal);
    int available = drained == null ? 0 : Math.min(drained.availableReplicas(), drainedCount);
    if (adjusted != null) {
      adjustedCount -= over;
      available += Math.min(adjusted.availableReplicas(), adjustedCount);
      int lostAvailability = Math.max(0, adjusted.availableReplicas() - adjustedCount);
      int missing = Math.max(0, minAvailable - available);
      adjustedCount += Math.min(lostAvailability, missing);
      over = Math.max(0, adjustedCount + drainedCount - maxTotal);
      drainedCount -= over;
    }
    return new int[] {drainedCount, adjustedCount};
  }
}
