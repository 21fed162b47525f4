package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one reconcile accumulates, whatever the strategy: the actions in the order they are to be
 * applied, the status being built, the earliest instant the rollout wants to be looked at again,
 * and why the update was aborted if this reconcile aborted it. The parts of a decision ({@link
 * ReplicaSetPlan}, {@link AnalysisPlan}, {@link Conditions}, ...) all write into one plan.
 */
final class Plan {
  final Rollout stored;
  final Observation observation;
  final Instant now;
  final List<Action> actions = new ArrayList<>();
  RolloutStatus status;
  private @Nullable Instant wakeAt;
  private @Nullable String abortReason;

  Plan(Rollout rollout, Observation observation, Instant now) {
    this.stored = rollout;
    this.observation = observation;
    this.now = now;
    this.status = StatusRules.withoutInvalidSpec(Reconciler.statusOf(rollout));
  }

  String namespace() {
    return String.valueOf(stored.namespace());
  }

  /** The decision as accumulated so far. */
  Decision decision() {
    return new Decision(actions, status, requeue());
  }

  /** How long until the earliest requested wake-up, or null when nothing is due. */
  @Nullable Duration requeue() {
    if (wakeAt == null) {
      return null;
    }
    Duration until = Duration.between(now, wakeAt);
    return until.isNegative() ? Duration.ZERO : until;
  }

  void wake(Instant at) {
    if (wakeAt == null || at.isBefore(wakeAt)) {
      wakeAt = at;
    }
  }

  void event(String type, String reason, String message) {
    actions.add(new Action.Event(type, reason, message));
  }

  // ---------------------------------------------------------------- abort

  /**
   * Aborts the update for a reason this reconcile found (a failed analysis): the status says so at
   * once and the Progressing condition carries the reason.
   */
  void abort(String reason, int revision) {
    abortReason = reason;
    status = status.toBuilder().abort(true).abortedAt(now.toString()).build();
    event(
        "Warning",
        "RolloutAborted",
        "Rollout aborted update to revision " + revision + ": " + reason);
    wake(now);
  }

  /** A user's abort (status.abort set by the plugin) is stamped and announced once. */
  void recordUserAbort(int revision) {
    if (status.isAborted() && status.abortedAt() == null) {
      status = status.toBuilder().abortedAt(now.toString()).build();
      event("Warning", "RolloutAborted", "Rollout aborted update to revision " + revision);
    }
  }

  /**
   * A full promotion ({@code promote --full}) ends every pause and the abort at once, as Argo does:
   * while the new revision scales up the rollout shows as progressing, not as paused or aborted. A
   * canary with steps also skips to the end of them ({@code stepCount}; null for blue-green).
   */
  void startFullPromotion(@Nullable Integer stepCount) {
    if (!Boolean.TRUE.equals(status.promoteFull())) {
      return;
    }
    RolloutStatus.Builder b =
        status.toBuilder()
            .pauseConditions(List.of())
            .controllerPause(null)
            .abort(null)
            .abortedAt(null);
    if (stepCount != null && stepCount > 0) {
      b.currentStepIndex(stepCount);
    }
    status = b.build();
  }

  /** Why this reconcile aborted the update, or null when it did not. */
  @Nullable String abortReason() {
    return abortReason;
  }

  // ---------------------------------------------------------------- pauses

  /** Adds a pause condition and marks the pause as the controller's, as Argo does. */
  void addPause(PauseReason reason) {
    List<RolloutStatus.PauseCondition> conditions = new ArrayList<>(status.pauseConditions());
    conditions.add(new RolloutStatus.PauseCondition(reason, now.toString()));
    status = status.toBuilder().pauseConditions(conditions).controllerPause(true).build();
  }

  /** The pause condition with this reason, or null. */
  RolloutStatus.@Nullable PauseCondition pauseOf(PauseReason reason) {
    for (RolloutStatus.PauseCondition c : status.pauseConditions()) {
      if (c.reason() == reason) {
        return c;
      }
    }
    return null;
  }

  boolean pausedFor(PauseReason reason) {
    return pauseOf(reason) != null;
  }

  /**
   * A pause of a step or of a blue-green promotion, Argo's rule for both: the first reconcile adds
   * the condition (woken when a duration runs out); it is over when a human removed the condition
   * while the controller's pause stayed set, or when its duration ({@code null}: none, wait for a
   * human) has run since the condition's start.
   */
  boolean pauseOver(PauseReason reason, @Nullable Duration duration) {
    RolloutStatus.PauseCondition condition = pauseOf(reason);
    if (condition == null) {
      if (Boolean.TRUE.equals(status.controllerPause())) {
        return true; // a human resumed: the condition went, the controller's pause remained
      }
      addPause(reason);
      if (duration != null && !duration.isZero()) {
        wake(now.plus(duration));
      }
      return false;
    }
    if (duration == null) {
      return false;
    }
    Instant end = Timestamps.parse(condition.startTime()).plus(duration);
    if (now.isBefore(end)) {
      wake(end);
      return false;
    }
    status =
        status.toBuilder()
            .pauseConditions(status.pauseConditions().stream().filter(c -> c != condition).toList())
            .build();
    return true;
  }

  // ---------------------------------------------------------------- promotion

  /**
   * The update is complete: its revision becomes stable, every pause and the full-promotion request
   * end, and the event says why.
   */
  void markStable(String hash, int revision, String reason) {
    status =
        status.toBuilder()
            .stableRS(hash)
            .promoteFull(null)
            .pauseConditions(List.of())
            .controllerPause(null)
            .build();
    event(
        "Normal",
        "RolloutCompleted",
        "Rollout completed update to revision " + revision + " (" + hash + "): " + reason);
  }

  // ---------------------------------------------------------------- Services

  /** The observed Service a strategy names, or null when it names none or it does not exist. */
  @Nullable GenericResource service(@Nullable String name) {
    return name == null || name.isEmpty() ? null : observation.services().get(name);
  }

  /** Points a Service's {@code rollouts-pod-template-hash} selector at a hash. */
  void point(@Nullable GenericResource service, @Nullable String hash) {
    if (service == null || hash == null || hash.equals(ServiceSelectors.hashOf(service))) {
      return;
    }
    actions.add(
        new Action.UpdateService(
            ServiceSelectors.pointedAt(service, hash, String.valueOf(stored.name()))));
  }

  // ---------------------------------------------------------------- invalid spec

  /** Sets {@code InvalidSpec} for a problem only the engine can see (a missing template). */
  void invalid(String detail) {
    invalidSpec("InvalidSpec", "The Rollout \"" + stored.name() + "\" is invalid: " + detail);
  }

  /** Sets the {@code InvalidSpec} condition with the given reason and message. */
  void invalidSpec(String reason, String message) {
    status =
        status.toBuilder()
            .conditions(
                StatusRules.set(
                    status.conditions(), StatusRules.INVALID_SPEC, "True", reason, message, now))
            .build();
  }
}
