package io.rollout4j.engine;

import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The conditions every strategy sets as Argo does (Progressing with the progress deadline, Paused,
 * Available, Completed, Healthy); the strategy says what "minimum availability" and "healthy" mean
 * for it.
 */
final class Conditions {
  private Conditions() {}

  /** The counts the Progressing condition watches for progress. */
  record Counts(int updated, int ready, int available) {}

  /**
   * Progressing, Paused, Available, Completed and Healthy, set as Argo does for every strategy; the
   * strategy says what "minimum availability" and "healthy" mean for it.
   */
  static List<RolloutStatus.Condition> of(
      Plan plan,
      Frame frame,
      boolean deadlineApplies,
      Counts counts,
      boolean minimumAvailable,
      boolean healthy) {
    Rollout rollout = frame.rollout();
    String hash = frame.hash();
    ReplicaSetView newRs = frame.newRs();
    int revision = frame.revision();
    String abortReason = plan.abortReason();
    Instant now = plan.now;
    RolloutStatus status = plan.status;
    List<RolloutStatus.Condition> conditions = status.conditions();
    boolean promoted = hash.equals(status.stableRS());
    boolean paused = rollout.spec().isPaused() || !status.pauseConditions().isEmpty();
    if (status.isAborted()) {
      RolloutStatus.Condition existing = StatusRules.find(conditions, StatusRules.PROGRESSING);
      String abortMessage =
          abortReason != null
              ? "Rollout aborted update to revision " + revision + ": " + abortReason
              : existing != null
                      && "RolloutAborted".equals(existing.reason())
                      && existing.message() != null
                  ? existing.message()
                  : existing != null && "ProgressDeadlineExceeded".equals(existing.reason())
                      // progressDeadlineAbort: the abort says why.
                      ? "Rollout aborted update to revision " + revision + ": " + existing.message()
                      : "Rollout aborted update to revision " + revision;
      conditions =
          StatusRules.set(
              conditions, StatusRules.PROGRESSING, "False", "RolloutAborted", abortMessage, now);
    } else if (healthy && newRs != null) {
      // As Argo: "successfully progressed" only once healthy (for a canary, the older
      // ReplicaSets scaled down too); until then the update is still progressing.
      conditions =
          StatusRules.set(
              conditions,
              StatusRules.PROGRESSING,
              "True",
              "NewReplicaSetAvailable",
              "ReplicaSet \"" + newRs.name() + "\" has successfully progressed.",
              now);
    } else if (paused) {
      conditions =
          StatusRules.set(
              conditions,
              StatusRules.PROGRESSING,
              "Unknown",
              "RolloutPaused",
              "Rollout is paused",
              now);
    } else {
      String name = newRs == null ? rollout.name() + "-" + hash : newRs.name();
      // A promoted revision at full size only waits for older ReplicaSets to drain (their
      // scale-down delay may exceed the deadline): that never times out, let alone aborts.
      boolean drainingOnly =
          promoted
              && newRs != null
              && newRs.availableReplicas() >= rollout.spec().effectiveReplicas();
      conditions =
          progress(
              plan,
              rollout,
              deadlineApplies && !drainingOnly,
              conditions,
              name,
              counts.updated(),
              counts.ready(),
              counts.available());
    }
    // As Argo: the Paused condition appears with the first pause, and stays (False) after it. An
    // abort freezes it as it was (Argo leaves it alone while the abort condition stands, and for
    // the first reconcile after a retry).
    RolloutStatus before = plan.stored.status();
    boolean aborted = plan.status.isAborted();
    RolloutStatus.Condition progressingBefore =
        before == null ? null : StatusRules.find(before.conditions(), StatusRules.PROGRESSING);
    boolean abortStands =
        aborted
            || (progressingBefore != null && "RolloutAborted".equals(progressingBefore.reason()));
    if (!abortStands && (paused || StatusRules.find(conditions, StatusRules.PAUSED) != null)) {
      conditions =
          StatusRules.set(
              conditions,
              StatusRules.PAUSED,
              paused ? "True" : "False",
              "RolloutPaused",
              "Rollout is paused",
              now);
    }
    conditions =
        StatusRules.set(
            conditions,
            StatusRules.AVAILABLE,
            minimumAvailable ? "True" : "False",
            "AvailableReason",
            minimumAvailable
                ? "Rollout has minimum availability"
                : "Rollout does not have minimum availability",
            now);
    conditions =
        StatusRules.set(
            conditions,
            StatusRules.COMPLETED,
            promoted ? "True" : "False",
            "RolloutCompleted",
            "RolloutCompleted",
            now);
    // As Argo: the Healthy condition appears when the rollout first becomes healthy.
    if (!healthy && StatusRules.find(conditions, StatusRules.HEALTHY) == null) {
      return conditions;
    }
    return StatusRules.set(
        conditions,
        StatusRules.HEALTHY,
        healthy ? "True" : "False",
        "RolloutHealthy",
        healthy ? "Rollout is healthy" : "Rollout is not healthy",
        now);
  }

  /**
   * Argo's progress deadline: the {@code Progressing} condition's {@code lastUpdateTime} is the
   * last time the update made progress (counts or step changed). Without progress for {@code
   * progressDeadlineSeconds}, outside pauses and while no analysis is being waited for, the rollout
   * is Degraded with {@code ProgressDeadlineExceeded}, and aborted when {@code
   * progressDeadlineAbort} is set. Unlike Argo with Istio subsets (issue #4626), nothing cuts the
   * reconcile short first.
   */
  private static List<RolloutStatus.Condition> progress(
      Plan plan,
      Rollout rollout,
      boolean deadlineApplies,
      List<RolloutStatus.Condition> conditions,
      String replicaSet,
      int updated,
      int ready,
      int available) {
    RolloutStatus before = plan.stored.status();
    RolloutStatus status = plan.status;
    Instant now = plan.now;
    boolean progressed =
        before == null
            || !Objects.equals(before.currentPodHash(), status.currentPodHash())
            || !Objects.equals(before.currentStepIndex(), status.currentStepIndex())
            || StatusRules.orZero(before.updatedReplicas()) != updated
            || StatusRules.orZero(before.readyReplicas()) != ready
            || StatusRules.orZero(before.availableReplicas()) != available;
    RolloutStatus.Condition previous = StatusRules.find(conditions, StatusRules.PROGRESSING);
    Instant lastProgress = now;
    if (!progressed
        && previous != null
        && previous.lastUpdateTime() != null
        && ("ReplicaSetUpdated".equals(previous.reason())
            || "ProgressDeadlineExceeded".equals(previous.reason()))) {
      lastProgress = Timestamps.parse(previous.lastUpdateTime());
    }
    Duration deadline = Duration.ofSeconds(rollout.spec().effectiveProgressDeadlineSeconds());
    if (deadlineApplies && !now.isBefore(lastProgress.plus(deadline))) {
      String message = "ReplicaSet \"" + replicaSet + "\" has timed out progressing.";
      if (Boolean.TRUE.equals(rollout.spec().progressDeadlineAbort()) && !status.isAborted()) {
        plan.status = status.toBuilder().abort(true).abortedAt(now.toString()).build();
        plan.event("Warning", "RolloutAborted", "Rollout aborted update: " + message);
        plan.wake(now);
      }
      return StatusRules.setAt(
          conditions,
          StatusRules.PROGRESSING,
          "False",
          "ProgressDeadlineExceeded",
          message,
          now,
          lastProgress);
    }
    if (deadlineApplies) {
      plan.wake(lastProgress.plus(deadline));
    }
    return StatusRules.setAt(
        conditions,
        StatusRules.PROGRESSING,
        "True",
        "ReplicaSetUpdated",
        "ReplicaSet \"" + replicaSet + "\" is progressing.",
        now,
        lastProgress);
  }
}
