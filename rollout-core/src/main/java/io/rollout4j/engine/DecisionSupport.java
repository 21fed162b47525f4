package io.rollout4j.engine;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunSpec;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What every strategy's reconcile shares: the inputs, the actions and status it accumulates, the
 * earliest instant it wants to be looked at again, and the rules that do not depend on the strategy
 * (restartAt, workloadRef scale-down, AnalysisRun history).
 */
abstract class DecisionSupport {
  final Rollout stored;
  final Observation observation;
  final Instant now;
  final List<Action> actions = new ArrayList<>();
  RolloutStatus status;
  private @Nullable Instant wakeAt;

  DecisionSupport(Rollout rollout, Observation observation, Instant now) {
    this.stored = rollout;
    this.observation = observation;
    this.now = now;
    this.status = StatusRules.withoutInvalidSpec(Reconciler.statusOf(rollout));
  }

  /** How long until the earliest requested wake-up, or null when nothing is due. */
  @Nullable Duration requeue() {
    if (wakeAt == null) {
      return null;
    }
    Duration until = Duration.between(now, wakeAt);
    return until.isNegative() ? Duration.ZERO : until;
  }

  static @Nullable ReplicaSetView find(List<ReplicaSetView> sets, @Nullable String hash) {
    for (ReplicaSetView rs : sets) {
      if (rs.hash().equals(hash)) {
        return rs;
      }
    }
    return null;
  }

  /**
   * Keeps at most {@code spec.analysis.successfulRunHistoryLimit} successful and {@code
   * unsuccessfulRunHistoryLimit} unsuccessful finished runs (5 each by default), deleting the
   * oldest.
   */
  void pruneRunHistory(Rollout rollout) {
    var limits = rollout.spec().analysis();
    int keepSuccessful =
        limits == null || limits.successfulRunHistoryLimit() == null
            ? 5
            : limits.successfulRunHistoryLimit();
    int keepUnsuccessful =
        limits == null || limits.unsuccessfulRunHistoryLimit() == null
            ? 5
            : limits.unsuccessfulRunHistoryLimit();
    int successful = 0;
    int unsuccessful = 0;
    List<AnalysisRun> runs = observation.analysisRuns();
    for (int i = 0; i < runs.size(); i++) {
      AnalysisPhase phase = RunRules.phaseOf(runs.get(i));
      if (phase == AnalysisPhase.SUCCESSFUL) {
        successful++;
      } else if (phase.isCompleted()) {
        unsuccessful++;
      }
    }
    // Most reconciles are under both limits: nothing to sort or collect.
    if (successful > keepSuccessful) {
      deleteOldestRuns(true, successful - keepSuccessful);
    }
    if (unsuccessful > keepUnsuccessful) {
      deleteOldestRuns(false, unsuccessful - keepUnsuccessful);
    }
  }

  private void deleteOldestRuns(boolean successful, int count) {
    List<AnalysisRun> group = new ArrayList<>();
    for (AnalysisRun run : observation.analysisRuns()) {
      AnalysisPhase phase = RunRules.phaseOf(run);
      boolean isSuccessful = phase == AnalysisPhase.SUCCESSFUL;
      if (phase.isCompleted() && isSuccessful == successful) {
        group.add(run);
      }
    }
    group.sort(
        Comparator.comparing((AnalysisRun r) -> String.valueOf(r.metadata().creationTimestamp()))
            .thenComparing(r -> String.valueOf(r.name())));
    for (int i = 0; i < count; i++) {
      actions.add(
          new Action.DeleteAnalysisRun(
              String.valueOf(stored.namespace()), String.valueOf(group.get(i).name())));
    }
  }

  // ---------------------------------------------------------------- restartAt

  /**
   * {@code spec.restartAt}: once no update is in progress, pods started before it are evicted,
   * oldest first, at most {@code maxUnavailable} at a time and only while availability stays above
   * max(replicas, running pods) minus that number; when none is left, {@code status.restartedAt}
   * records it.
   */
  void restart(Rollout rollout, List<ReplicaSetView> sets, String hash, int maxUnavailable) {
    String restartAt = rollout.spec().restartAt();
    if (restartAt == null || restartAt.equals(status.restartedAt())) {
      return;
    }
    if (!hash.equals(status.stableRS()) || status.isAborted() || rollout.spec().isPaused()) {
      // Evicting during an update would fight its surge and traffic arithmetic (a one-pod canary
      // would lose its only pod while it takes traffic); restart once the update is over.
      wake(now.plusSeconds(30));
      return;
    }
    Instant at;
    try {
      at = Timestamps.parse(restartAt);
    } catch (java.time.format.DateTimeParseException e) {
      return; // the validator reports it
    }
    if (now.isBefore(at)) {
      wake(at);
      return;
    }
    List<GenericResource> stale = new ArrayList<>();
    for (GenericResource pod : observation.pods()) {
      String created = pod.metadata().creationTimestamp();
      if (created != null && Timestamps.parse(created).isBefore(at)) {
        stale.add(pod);
      }
    }
    if (stale.isEmpty()) {
      status = status.toBuilder().restartedAt(restartAt).build();
      event("Normal", "RolloutRestarted", "Rollout restarted: all pods started after " + restartAt);
      return;
    }
    stale.sort(Comparator.comparing(p -> String.valueOf(p.metadata().creationTimestamp())));
    int running = 0;
    int available = 0;
    for (ReplicaSetView rs : sets) {
      running += rs.statusReplicas();
      available += rs.availableReplicas();
    }
    int floor = Math.max(rollout.spec().effectiveReplicas(), running) - maxUnavailable;
    int evictions = Math.min(maxUnavailable, Math.min(stale.size(), available - floor));
    for (int i = 0; i < evictions; i++) {
      GenericResource pod = stale.get(i);
      actions.add(
          new Action.EvictPod(
              String.valueOf(stored.namespace()), String.valueOf(pod.metadata().name())));
      event(
          "Normal",
          "RestartingPod",
          "Evicted pod " + pod.metadata().name() + " started before " + restartAt);
    }
    wake(now.plusSeconds(30));
  }

  // ---------------------------------------------------------------- workloadRef

  /**
   * {@code workloadRef.scaleDown}: {@code onsuccess} scales the referenced Deployment to 0 once the
   * rollout is healthy; {@code progressively} hands pods over while revision 1 comes up (Deployment
   * replicas = spec.replicas - ready rollout pods) and goes to 0 when healthy. Unlike Argo (issue
   * #4935), a Deployment that GitOps scales back up later is drained again.
   */
  void scaleDownWorkload(Rollout rollout, boolean initial) {
    var ref = rollout.spec().workloadRef();
    GenericResource workload = observation.workload();
    if (ref == null || workload == null || !"Deployment".equals(workload.kind())) {
      return;
    }
    String mode = ref.scaleDown() == null ? "never" : ref.scaleDown();
    boolean healthy = status.phase() == io.rollout4j.model.RolloutPhase.HEALTHY;
    Integer target = null;
    if (mode.equals("onsuccess") && healthy) {
      target = 0;
    } else if (mode.equals("progressively")) {
      if (healthy) {
        target = 0;
      } else if (initial) {
        target =
            Math.max(
                0, rollout.spec().effectiveReplicas() - StatusRules.orZero(status.readyReplicas()));
      }
    }
    Object current = workload.path("spec", "replicas");
    int replicas = current instanceof Number n ? n.intValue() : 1;
    if (target != null && target < replicas) {
      actions.add(new Action.UpdateWorkload(ReplicaSets.withReplicas(workload, target)));
      event(
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

  private record SelectorKey(Map<String, String> matchLabels, @Nullable String hash) {}

  private static final Memo<SelectorKey, String> SELECTORS =
      new Memo<>(4096, key -> selectorString(key.matchLabels(), key.hash()));

  static String selectorString(Rollout rollout, @Nullable String hash) {
    var selector = rollout.spec().selector();
    return SELECTORS.get(
        new SelectorKey(selector == null ? Map.of() : selector.matchLabels(), hash));
  }

  private static String selectorString(Map<String, String> matchLabels, @Nullable String hash) {
    Map<String, String> labels = new TreeMap<>(matchLabels);
    if (hash != null) {
      labels.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    }
    StringBuilder out = new StringBuilder();
    labels.forEach(
        (k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }

  void event(String type, String reason, String message) {
    actions.add(new Action.Event(type, reason, message));
  }

  void wake(Instant at) {
    if (wakeAt == null || at.isBefore(wakeAt)) {
      wakeAt = at;
    }
  }

  /** The counts the Progressing condition watches for progress. */
  record Counts(int updated, int ready, int available) {}

  /**
   * Progressing, Paused, Available, Completed and Healthy, set as Argo does for every strategy; the
   * strategy says what "minimum availability" and "healthy" mean for it.
   */
  List<RolloutStatus.Condition> conditions(
      Rollout rollout,
      String hash,
      @Nullable ReplicaSetView newRs,
      int revision,
      @Nullable String abortReason,
      boolean deadlineApplies,
      Counts counts,
      boolean minimumAvailable,
      boolean healthy) {
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
    RolloutStatus before = stored.status();
    RolloutStatus.Condition progressingBefore =
        before == null ? null : StatusRules.find(before.conditions(), StatusRules.PROGRESSING);
    boolean abortStands =
        status.isAborted()
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
  private List<RolloutStatus.Condition> progress(
      Rollout rollout,
      boolean deadlineApplies,
      List<RolloutStatus.Condition> conditions,
      String replicaSet,
      int updated,
      int ready,
      int available) {
    RolloutStatus before = stored.status();
    boolean progressed =
        before == null
            || !java.util.Objects.equals(before.currentPodHash(), status.currentPodHash())
            || !java.util.Objects.equals(before.currentStepIndex(), status.currentStepIndex())
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
        status = status.toBuilder().abort(true).abortedAt(now.toString()).build();
        event("Warning", "RolloutAborted", "Rollout aborted update: " + message);
        wake(now);
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
      wake(lastProgress.plus(deadline));
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

  /** Points a Service's {@code rollouts-pod-template-hash} selector at a hash. */
  void point(@Nullable GenericResource service, @Nullable String hash) {
    if (service == null || hash == null || hash.equals(ServiceSelectors.hashOf(service))) {
      return;
    }
    actions.add(
        new Action.UpdateService(
            ServiceSelectors.pointedAt(service, hash, String.valueOf(stored.name()))));
  }

  /** The observed Service a strategy names, or null when it names none or it does not exist. */
  @Nullable GenericResource service(@Nullable String name) {
    return name == null || name.isEmpty() ? null : observation.services().get(name);
  }

  /**
   * Whether a timed pause has run until {@code end}: then its condition is removed; before that the
   * rollout is woken at {@code end}.
   */
  boolean pauseOver(RolloutStatus.PauseCondition condition, Instant end) {
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

  /**
   * Runs end when their part of the rollout is over: another revision is current, the update was
   * promoted or aborted, or {@code stillWanted} says so (a step run whose step has passed).
   */
  void terminateStaleRuns(
      String hash,
      boolean promoted,
      boolean aborted,
      java.util.function.Predicate<AnalysisRun> stillWanted) {
    for (AnalysisRun run : observation.analysisRuns()) {
      if (RunRules.phaseOf(run).isCompleted() || Boolean.TRUE.equals(run.spec().terminate())) {
        continue;
      }
      boolean current =
          hash.equals(run.metadata().labels().get(RolloutLabels.POD_TEMPLATE_HASH))
              && !promoted
              && !aborted
              && !Boolean.TRUE.equals(status.promoteFull())
              && stillWanted.test(run);
      if (!current) {
        AnalysisRunSpec s = run.spec();
        actions.add(
            new Action.TerminateAnalysisRun(
                new AnalysisRun(
                    run.metadata(),
                    new AnalysisRunSpec(
                        s.metrics(),
                        s.args(),
                        true,
                        s.dryRun(),
                        s.measurementRetention(),
                        s.ttlStrategy()),
                    run.status())));
      }
    }
  }

  /**
   * Scales a ReplicaSet and keeps its ephemeral metadata and revision current; a scale-down
   * deadline is dropped when it is scaled back up unless {@code keepDeadline}.
   */
  void scale(
      ReplicaSetView rs,
      int replicas,
      @Nullable PodMetadata metadata,
      @Nullable Integer revision,
      boolean keepDeadline) {
    GenericResource updated = ReplicaSets.withReplicas(rs.resource(), replicas);
    updated = ReplicaSets.withEphemeral(updated, metadata);
    if (revision != null) {
      updated =
          ReplicaSets.withAnnotation(updated, RolloutLabels.REVISION, Integer.toString(revision));
    }
    if (!keepDeadline && replicas > 0 && rs.scaleDownDeadline() != null) {
      updated = ReplicaSets.withAnnotation(updated, RolloutLabels.SCALE_DOWN_DEADLINE, null);
    }
    if (!updated.equals(rs.resource())) {
      actions.add(new Action.UpdateReplicaSet(updated, rs.replicas(), replicas));
      if (rs.replicas() != replicas) {
        event(
            "Normal",
            "ScalingReplicaSet",
            "Scaled ReplicaSet " + rs.name() + " from " + rs.replicas() + " to " + replicas);
      }
    }
  }

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
}
