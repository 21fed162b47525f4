package io.rollout4j.engine;

import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One reconcile of a canary rollout, top to bottom: the revision, replica targets, traffic,
 * analysis, steps, older revisions, restart and status. The rules themselves live in the parts it
 * composes ({@link ReplicaSetPlan}, {@link CanaryTraffic}, {@link AnalysisPlan}, {@link
 * CanaryStepProgress}, {@link Conditions}), as Argo's {@code canary.go} orchestrates its shared
 * {@code replicaset.go}, {@code trafficrouting.go} and {@code analysis.go}.
 */
final class CanaryDecision {
  private static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);

  private final Plan plan;
  private final CanaryStrategy canary;

  CanaryDecision(Rollout rollout, Observation observation, Instant now) {
    this.plan = new Plan(rollout, observation, now);
    this.canary = Objects.requireNonNull(rollout.spec().canary());
  }

  Decision decide() {
    PodTemplateSpec template = Frame.templateOf(plan.stored, plan.observation);
    if (template == null) {
      return StatusRules.invalidSpec(
          plan.stored,
          plan.now,
          "InvalidSpec",
          "the pod template could not be read from spec.workloadRef");
    }
    List<ReplicaSetView> sets = Frame.replicaSets(plan.observation);
    String hash = Frame.hashOf(template, plan, sets);
    if (!hash.equals(plan.status.currentPodHash())
        || !CanarySteps.sameSteps(canary.steps(), plan.status.currentStepHash())) {
      startUpdate(hash, sets);
    } else if (!CanarySteps.hashOf(canary.steps()).equals(plan.status.currentStepHash())) {
      plan.status =
          plan.status.toBuilder().currentStepHash(CanarySteps.hashOf(canary.steps())).build();
    }
    plan.startFullPromotion(canary.steps().size());
    Frame frame = Frame.of(plan, template, hash, sets, true);
    Rollout rollout = frame.rollout();
    ReplicaSetView newRs = frame.newRs();
    ReplicaSetView stableRs = frame.stableRs();
    boolean routed = canary.trafficRouting() != null;
    ReplicaSetPlan replicaSets = new ReplicaSetPlan(plan, frame);
    CanaryTraffic traffic = new CanaryTraffic(plan, frame, canary);
    AnalysisPlan analysis = new AnalysisPlan(plan, frame);
    plan.recordUserAbort(frame.revision());

    // 1. Replica targets for the new and stable ReplicaSets.
    TrafficSplit observed = traffic.observedWeights();
    ReplicaCounts counts =
        frame.initial()
            ? new ReplicaCounts(frame.replicas(), 0)
            : CanaryReplicas.desired(
                rollout,
                newRs == null ? ReplicaSetView.of(rollout.name() + "-" + hash, hash, 0, 0) : newRs,
                stableRs,
                frame.older(),
                observed);
    if (rollout.spec().isPaused()) {
      // A manually paused rollout neither scales nor advances.
      counts =
          new ReplicaCounts(
              newRs == null ? 0 : newRs.replicas(),
              stableRs == null ? 0 : (frame.promoted() ? 0 : stableRs.replicas()));
    }

    // 2. The new ReplicaSet exists at its target; stable likewise.
    int canaryTarget = counts.canary();
    if (frame.aborted() && routed && newRs != null && !frame.promoted()) {
      canaryTarget = abortedCanaryTarget(replicaSets, newRs, canaryTarget, observed);
    }
    replicaSets.ensureNew(canaryTarget, ephemeral(frame), rs -> rs);
    replicaSets.scaleStable(counts.stable(), canary.stableMetadata());

    // 3. Traffic, and the Services that follow it.
    TrafficSplit split = routed ? traffic.desiredSplit(canaryTarget) : null;
    if (split != null && !split.equals(plan.observation.traffic())) {
      plan.actions.add(new Action.SetTraffic(split, plan.observation.traffic()));
    }
    TrafficSplit effective = split != null ? split : plan.observation.traffic();
    traffic.pointServices(effective);

    // 4. Analysis: runs no longer wanted end, history is pruned, background analysis runs.
    int stepIndex = CanarySteps.currentStepIndex(rollout);
    analysis.terminateStale(stepIndex);
    analysis.pruneHistory();
    var background = canary.analysis();
    if (!frame.aborted()
        && !frame.initial()
        && !frame.promoted()
        && background != null
        && stepIndex >= background.effectiveStartingStep()) {
      analysis.follow(background.analysis(), RunRole.BACKGROUND, null);
    }

    // 5. Steps, then promotion.
    if (!plan.status.isAborted() && !rollout.spec().isPaused()) {
      if (frame.initial()) {
        if (newRs != null && newRs.availableReplicas() >= frame.replicas()) {
          promote(replicaSets, frame, "Initial deploy");
        }
      } else if (!frame.promoted()) {
        String complete =
            new CanaryStepProgress(plan, frame, canary, analysis).advance(counts, effective);
        if (complete != null) {
          promote(replicaSets, frame, complete);
        }
      }
    }
    endAbortedSteps(hash);

    // 6. Older ReplicaSets: scaled down (after their deadline), then pruned to the history limit.
    drainOlder(replicaSets, frame, effective);

    // 7. Pods started before restartAt are evicted, a few at a time.
    Restart.evictStalePods(plan, frame, Math.max(CanaryReplicas.maxUnavailable(rollout), 1));

    // 8. Status, then the referenced workload's scale-down, which depends on it.
    if (canary.analysis() != null) {
      // The background run's latest state is reported even after promotion or abort.
      analysis.reportLatest(RunRole.BACKGROUND);
    }
    finishStatus(frame, analysis, traffic, effective);
    WorkloadScaleDown.scaleDown(plan, frame);
    return plan.decision();
  }

  // ---------------------------------------------------------------- revision

  /** A changed pod template or step list starts the update over, as in Argo. */
  private void startUpdate(String hash, List<ReplicaSetView> sets) {
    RolloutStatus status = plan.status;
    boolean templateChanged = !hash.equals(status.currentPodHash());
    int steps = canary.steps().size();
    Integer index = steps == 0 ? null : 0;
    if (templateChanged && withinRollbackWindow(hash, sets)) {
      index = steps == 0 ? null : steps;
      plan.event("Normal", "SkipSteps", "Rollback within window");
    }
    if (status.stableRS() == null || hash.equals(status.stableRS())) {
      // Initial deploy, or back to the stable revision: no steps to walk through.
      index = steps == 0 ? null : steps;
      if (status.stableRS() != null && templateChanged) {
        plan.event("Normal", "SkipSteps", "Rollback to stable ReplicaSet");
      }
    }
    RolloutStatus.Builder b =
        status.toBuilder()
            .currentPodHash(hash)
            .currentStepHash(CanarySteps.hashOf(canary.steps()))
            .currentStepIndex(index)
            .pauseConditions(List.of())
            .controllerPause(null)
            .promoteFull(null);
    if (templateChanged) {
      b.abort(null).abortedAt(null);
      b.canary(
          status.canary() == null
              ? null
              : new RolloutStatus.CanaryStatus(
                  null, null, null, status.canary().weights(), null, List.of()));
    }
    plan.status = b.build();
  }

  /**
   * {@code rollbackWindow.revisions}: going back to a ReplicaSet older than the stable one but
   * among the last N revisions skips every step.
   */
  private boolean withinRollbackWindow(String hash, List<ReplicaSetView> sets) {
    var window = plan.stored.spec().rollbackWindow();
    ReplicaSetView target = Frame.find(sets, hash);
    ReplicaSetView stable = Frame.find(sets, plan.status.stableRS());
    if (window == null || window.revisions() == null || target == null || stable == null) {
      return false;
    }
    if (target.revision() >= stable.revision()) {
      return false;
    }
    long newer = sets.stream().filter(rs -> rs.revision() > target.revision()).count();
    return newer <= window.revisions();
  }

  /**
   * As Argo: an aborted update goes back to its first step (a retry starts the steps again), an
   * abort of the stable revision itself stays at the end; an aborted rollout holds no pause, the
   * abort is what stops it.
   */
  private void endAbortedSteps(String hash) {
    RolloutStatus status = plan.status;
    if (!status.isAborted()) {
      return;
    }
    if (!canary.steps().isEmpty()) {
      int index = hash.equals(status.stableRS()) ? canary.steps().size() : 0;
      if (!Integer.valueOf(index).equals(status.currentStepIndex())) {
        status = status.toBuilder().currentStepIndex(index).build();
      }
    }
    if (!status.pauseConditions().isEmpty() || Boolean.TRUE.equals(status.controllerPause())) {
      status = status.toBuilder().pauseConditions(List.of()).controllerPause(null).build();
    }
    plan.status = status;
  }

  // ---------------------------------------------------------------- replica sets

  private @Nullable PodMetadata ephemeral(Frame frame) {
    return frame.promoted() || frame.initial() ? canary.stableMetadata() : canary.canaryMetadata();
  }

  /**
   * After an abort with a traffic router, the canary keeps its pods for {@code
   * abortScaleDownDelaySeconds} (30 s by default; 0 keeps them) once traffic has left it. With
   * dynamicStableScale and no delay set, the canary shrinks as traffic steps back to stable (as
   * Argo does: the step-by-step abort is the drain). With a delay set, the canary keeps all its
   * pods while traffic steps back, and the delay starts once the router reports none on it.
   */
  private int abortedCanaryTarget(
      ReplicaSetPlan replicaSets,
      ReplicaSetView newRs,
      int target,
      @Nullable TrafficSplit observed) {
    if (target >= newRs.replicas()) {
      return target;
    }
    Integer configured = canary.abortScaleDownDelaySeconds();
    if (canary.isDynamicStableScale()) {
      if (configured == null) {
        return target;
      }
      if (observed != null && observed.canaryWeight() > 0 && newRs.scaleDownDeadline() == null) {
        return newRs.replicas();
      }
    }
    if (configured != null && configured == 0) {
      return newRs.replicas();
    }
    Duration delay = configured == null ? DEFAULT_SCALE_DOWN_DELAY : Duration.ofSeconds(configured);
    return replicaSets.heldUntilDeadline(newRs, delay) ? newRs.replicas() : target;
  }

  /**
   * Older revisions. A routed canary's keep their pods while traffic still reaches them and until
   * their scale-down deadline, newest first within {@code scaleDownDelayRevisionLimit}, as Argo's
   * {@code scaleDownOldReplicaSetsForCanary}; a basic canary's pods carry traffic through the
   * Service, so they go oldest first and only within maxUnavailable.
   */
  private void drainOlder(ReplicaSetPlan replicaSets, Frame frame, @Nullable TrafficSplit traffic) {
    if (frame.older().isEmpty()) {
      return;
    }
    Rollout rollout = frame.rollout();
    if (canary.trafficRouting() != null) {
      replicaSets.drainOlder(
          ReplicaSetPlan.sortedByRevision(frame.older(), true, rs -> true),
          canary.scaleDownDelayRevisionLimit(),
          // Still carries traffic: it is scaled down once the traffic has left it.
          ReplicaSetPlan.Drain.toZeroUnless(
              rs ->
                  traffic != null
                      && traffic.canaryWeight() > 0
                      && rs.hash().equals(traffic.canaryHash())));
      return;
    }
    int available = 0;
    for (ReplicaSetView rs : frame.sets()) {
      available += Math.min(rs.replicas(), rs.availableReplicas());
    }
    int minAvailable = frame.replicas() - CanaryReplicas.maxUnavailable(rollout);
    int[] budget = {Math.max(0, available - minAvailable)};
    replicaSets.drainOlder(
        ReplicaSetPlan.sortedByRevision(frame.older(), false, rs -> true),
        null,
        new ReplicaSetPlan.Drain() {
          @Override
          public boolean serving(ReplicaSetView rs) {
            return false;
          }

          @Override
          public int target(ReplicaSetView rs) {
            // Unavailable pods go at once; available ones only within the maxUnavailable budget.
            int drained = Math.min(budget[0], rs.availableReplicas());
            budget[0] -= drained;
            return rs.availableReplicas() - drained;
          }
        });
  }

  // ---------------------------------------------------------------- promotion

  /**
   * The update is complete. With a traffic router the previous stable revision keeps its pods for
   * {@code scaleDownDelaySeconds} (30 s by default) so clients still connected to it drain; with
   * dynamic stable scale it was scaled down as traffic left it.
   */
  private void promote(ReplicaSetPlan replicaSets, Frame frame, String reason) {
    plan.markStable(frame.hash(), frame.revision(), reason);
    plan.status =
        plan.status.toBuilder()
            .currentStepIndex(canary.steps().isEmpty() ? null : canary.steps().size())
            .build();
    ReplicaSetView previousStable = frame.stableRs();
    if (previousStable != null
        && previousStable.replicas() > 0
        && canary.trafficRouting() != null
        && !canary.isDynamicStableScale()) {
      int seconds = canary.scaleDownDelaySeconds() == null ? 30 : canary.scaleDownDelaySeconds();
      if (seconds > 0) {
        replicaSets.markForScaleDown(previousStable, Duration.ofSeconds(seconds), true);
      }
    }
  }

  // ---------------------------------------------------------------- status

  private void finishStatus(
      Frame frame, AnalysisPlan analysis, CanaryTraffic traffic, @Nullable TrafficSplit split) {
    Rollout rollout = frame.rollout();
    int replicas = 0;
    int ready = 0;
    int available = 0;
    for (ReplicaSetView rs : frame.sets()) {
      replicas += rs.statusReplicas();
      ready += rs.readyReplicas();
      available += rs.availableReplicas();
    }
    int updated = frame.newRs() == null ? 0 : frame.newRs().statusReplicas();
    RolloutStatus.Builder b =
        plan.status.toBuilder()
            .replicas(replicas)
            .updatedReplicas(updated)
            .readyReplicas(ready)
            .availableReplicas(available)
            .HPAReplicas(replicas)
            .selector(ServiceSelectors.selectorString(rollout, frame.hash()))
            .observedGeneration(StatusRules.generationOf(plan.stored));
    b.canary(canaryStatus(analysis, traffic, split));
    boolean analysisStep = false;
    Step current = CanarySteps.currentStep(rollout).orElse(null);
    if (current != null) {
      for (int a = 0, n = CanarySteps.actionCount(current); a < n; a++) {
        analysisStep |= CanarySteps.actionAt(current, a) instanceof Step.Analysis;
      }
    }
    boolean promoted = frame.hash().equals(plan.status.stableRS());
    int desired = frame.replicas();
    b.conditions(
        Conditions.of(
            plan,
            frame,
            !analysisStep,
            new Conditions.Counts(updated, ready, available),
            available >= desired - CanaryReplicas.maxUnavailable(rollout),
            promoted && updated >= desired && available >= updated && replicas == updated));
    // A progress deadline may have aborted the update while the conditions were worked out.
    b.abort(plan.status.abort()).abortedAt(plan.status.abortedAt());
    StatusRules.phase(rollout, b, b.build());
    plan.status = b.build();
  }

  /** {@code status.canary}: the runs followed in this reconcile and the split the mesh carries. */
  private RolloutStatus.@Nullable CanaryStatus canaryStatus(
      AnalysisPlan analysis, CanaryTraffic traffic, @Nullable TrafficSplit split) {
    RolloutStatus.CanaryStatus canaryStatus = plan.status.canary();
    RolloutStatus.RunStatus stepRun = analysis.reported(RunRole.STEP);
    RolloutStatus.RunStatus backgroundRun = analysis.reported(RunRole.BACKGROUND);
    if (stepRun != null || backgroundRun != null) {
      RolloutStatus.CanaryStatus c =
          canaryStatus == null
              ? new RolloutStatus.CanaryStatus(null, null, null, null, null, List.of())
              : canaryStatus;
      canaryStatus =
          new RolloutStatus.CanaryStatus(
              stepRun != null ? stepRun : c.currentStepAnalysisRunStatus(),
              backgroundRun != null ? backgroundRun : c.currentBackgroundAnalysisRunStatus(),
              c.currentExperiment(),
              c.weights(),
              c.stablePingPong(),
              c.stepPluginStatuses());
    }
    if (split == null
        || canary.trafficRouting() == null
        || (canaryStatus != null && traffic.reports(canaryStatus.weights(), split))) {
      return canaryStatus;
    }
    RolloutStatus.Weights weights =
        new RolloutStatus.Weights(
            new RolloutStatus.WeightDestination(
                split.canaryWeight(), canary.canaryService(), split.canaryHash()),
            new RolloutStatus.WeightDestination(
                split.stableWeight(), canary.stableService(), split.stableHash()),
            List.of(),
            null);
    RolloutStatus.CanaryStatus old = canaryStatus;
    return old == null
        ? new RolloutStatus.CanaryStatus(null, null, null, weights, null, List.of())
        : new RolloutStatus.CanaryStatus(
            old.currentStepAnalysisRunStatus(),
            old.currentBackgroundAnalysisRunStatus(),
            old.currentExperiment(),
            weights,
            old.stablePingPong(),
            old.stepPluginStatuses());
  }
}
