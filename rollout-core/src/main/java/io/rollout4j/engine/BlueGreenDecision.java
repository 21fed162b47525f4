package io.rollout4j.engine;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One reconcile of a blue-green rollout (Argo's rolloutContext for BlueGreen): the new ReplicaSet
 * comes up behind the preview Service, is analysed and optionally paused, is scaled to full, and
 * only then does the active Service switch to it; post-promotion analysis can switch it back. The
 * active Service never selects a ReplicaSet whose pods are not all available. The rules it shares
 * with the canary live in the parts it composes ({@link ReplicaSetPlan}, {@link AnalysisPlan},
 * {@link Conditions}).
 */
final class BlueGreenDecision {
  private final Plan plan;
  private final BlueGreenStrategy blueGreen;

  BlueGreenDecision(Rollout rollout, Observation observation, Instant now) {
    this.plan = new Plan(rollout, observation, now);
    this.blueGreen = Objects.requireNonNull(rollout.spec().blueGreen());
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
    // Validation requires activeService, and References has checked it exists.
    GenericResource active = Objects.requireNonNull(plan.service(blueGreen.activeService()));
    GenericResource preview = plan.service(blueGreen.previewService());
    List<ReplicaSetView> sets = Frame.replicaSets(plan.observation);
    String hash = Frame.hashOf(template, plan, sets);
    if (!hash.equals(plan.status.currentPodHash())) {
      startUpdate(hash);
    }
    plan.startFullPromotion(null);
    Frame frame = Frame.of(plan, template, hash, sets, false);
    Rollout rollout = frame.rollout();
    ReplicaSetView newRs = frame.newRs();
    ReplicaSetView stableRs = frame.stableRs();
    ReplicaSetPlan replicaSets = new ReplicaSetPlan(plan, frame);
    AnalysisPlan analysis = new AnalysisPlan(plan, frame);
    String activeHash = ServiceSelectors.hashOf(active);
    if (activeHash == null && stableRs != null && stableRs.fullyAvailable()) {
      // The hash was stripped from the active Service (a replace by a GitOps tool, say): it now
      // selects every revision, so it goes back to the stable one before anything else.
      plan.point(active, stableRs.hash());
      activeHash = stableRs.hash();
    }
    plan.recordUserAbort(frame.revision());

    // 1. The new ReplicaSet: preview size until promotion starts, full after; an aborted one
    // keeps its pods for abortScaleDownDelaySeconds.
    boolean fullSize =
        frame.initial()
            || frame.promoted()
            || Boolean.TRUE.equals(plan.status.promoteFull())
            || scaleUpCheckpoint()
            || hash.equals(activeHash);
    int target = BlueGreenReplicas.newReplicaSetSize(blueGreen, frame.replicas(), fullSize);
    if (frame.aborted() && !frame.promoted() && newRs != null) {
      target = abortedTarget(replicaSets, newRs);
    }
    boolean isActive = frame.initial() || frame.promoted() || hash.equals(activeHash);
    replicaSets.ensureNew(
        target,
        isActive ? blueGreen.activeMetadata() : blueGreen.previewMetadata(),
        created -> withAntiAffinity(created, stableRs));
    replicaSets.scaleStable(frame.replicas(), blueGreen.activeMetadata());

    // 2. Services, runs and promotion.
    analysis.terminateStale(0); // blue-green makes no step runs
    if (frame.aborted()) {
      // The preview keeps the aborted revision (as in Argo): testers can still reach it until
      // its pods are scaled down; only production traffic goes back to the stable revision.
      plan.point(active, plan.status.stableRS());
    } else if (!rollout.spec().isPaused()) {
      if (newRs != null) {
        plan.point(preview, hash);
      }
      if (frame.initial()) {
        if (newRs != null && newRs.availableReplicas() >= frame.replicas()) {
          plan.point(active, hash);
          plan.markStable(hash, frame.revision(), "Initial deploy");
          plan.status = plan.status.toBuilder().blueGreen(withScaleUp(null)).build();
        }
      } else if (!frame.promoted()) {
        progress(frame, replicaSets, analysis, active, activeHash);
      }
    }

    // 3. Older ReplicaSets: after their scale-down deadline, newest first within
    // scaleDownDelayRevisionLimit; whatever the active Service selects keeps its pods until the
    // Service has moved away.
    String selected = activeHash;
    replicaSets.drainOlder(
        ReplicaSetPlan.sortedByRevision(frame.older(), true, rs -> !rs.hash().equals(selected)),
        blueGreen.scaleDownDelayRevisionLimit(),
        ReplicaSetPlan.Drain.toZeroUnless(rs -> false));

    analysis.pruneHistory();
    // Pods are restarted (spec.restartAt) only between updates, maxUnavailable (25%) at a time.
    Restart.evictStalePods(plan, frame, BlueGreenReplicas.maxUnavailable(rollout));

    // 4. Status, then the referenced workload's scale-down, which depends on it.
    finishStatus(frame, analysis, active, preview);
    WorkloadScaleDown.scaleDown(plan, frame);
    return plan.decision();
  }

  private void startUpdate(String hash) {
    RolloutStatus status = plan.status;
    if (hash.equals(status.stableRS())) {
      plan.event("Normal", "SkipSteps", "Rollback to stable ReplicaSet");
    }
    plan.status =
        status.toBuilder()
            .currentPodHash(hash)
            .pauseConditions(List.of())
            .controllerPause(null)
            .promoteFull(null)
            .abort(null)
            .abortedAt(null)
            .blueGreen(
                status.blueGreen() == null
                    ? null
                    : new RolloutStatus.BlueGreenStatus(
                        status.blueGreen().previewSelector(),
                        status.blueGreen().activeSelector(),
                        null,
                        null,
                        null))
            .build();
  }

  /** Analysis, pause, scale-up and the switch, one stage per reconcile as the state allows. */
  private void progress(
      Frame frame,
      ReplicaSetPlan replicaSets,
      AnalysisPlan analysis,
      GenericResource active,
      @Nullable String activeHash) {
    String hash = frame.hash();
    ReplicaSetView newRs = frame.newRs();
    int replicas = frame.replicas();
    boolean full = Boolean.TRUE.equals(plan.status.promoteFull());
    if (!hash.equals(activeHash)) {
      int desired =
          BlueGreenReplicas.newReplicaSetSize(blueGreen, replicas, scaleUpCheckpoint() || full);
      boolean ready =
          newRs != null && newRs.replicas() == desired && newRs.availableReplicas() >= desired;
      if (newRs == null || !ready) {
        return;
      }
      if (!full
          && blueGreen.prePromotionAnalysis() != null
          && analysis.follow(blueGreen.prePromotionAnalysis(), RunRole.PRE_PROMOTION, null)
              != AnalysisPhase.SUCCESSFUL) {
        return;
      }
      if (!full && !pauseDone()) {
        return;
      }
      if (desired < replicas) {
        // Scale the preview to full before it takes any production traffic.
        plan.status = plan.status.toBuilder().blueGreen(withScaleUp(true)).build();
        plan.wake(plan.now);
        return;
      }
      if (newRs.availableReplicas() >= replicas) {
        plan.point(active, hash);
        ReplicaSetView previousActive = frame.find(activeHash);
        if (previousActive != null
            && previousActive != frame.stableRs()
            && previousActive.replicas() > 0
            && previousActive.scaleDownDeadline() == null) {
          // A revision that served production without becoming stable (a newer one arrived
          // during its post-promotion analysis) drains like any previous active set.
          replicaSets.markForScaleDown(previousActive, scaleDownDelay(), false);
        }
        plan.event(
            "Normal",
            "SwitchService",
            "Switched selector for service '" + blueGreen.activeService() + "' to '" + hash + "'");
        plan.wake(plan.now);
      }
      return;
    }
    if (!full
        && blueGreen.postPromotionAnalysis() != null
        && analysis.follow(blueGreen.postPromotionAnalysis(), RunRole.POST_PROMOTION, null)
            != AnalysisPhase.SUCCESSFUL) {
      return;
    }
    plan.markStable(
        hash, frame.revision(), full ? "Full promotion requested" : "Completed blue-green update");
    plan.status = plan.status.toBuilder().blueGreen(withScaleUp(null)).build();
    ReplicaSetView previousStable = frame.stableRs();
    if (previousStable != null && previousStable.replicas() > 0) {
      replicaSets.markForScaleDown(previousStable, scaleDownDelay(), false);
    }
  }

  private Duration scaleDownDelay() {
    return Duration.ofSeconds(blueGreen.effectiveScaleDownDelaySeconds());
  }

  /** BlueGreenPause: manual (autoPromotionEnabled false) or timed (autoPromotionSeconds). */
  private boolean pauseDone() {
    boolean manual = !blueGreen.isAutoPromotionEnabled();
    int seconds = blueGreen.autoPromotionSeconds() == null ? 0 : blueGreen.autoPromotionSeconds();
    if (!manual && seconds <= 0) {
      return true;
    }
    if (plan.pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      return false;
    }
    // As in Argo, controllerPause without a pause condition means this revision's pause is over
    // (a human promoted, or the timer ran out); it is reset when the revision changes.
    return plan.pauseOver(
        PauseReason.BLUE_GREEN_PAUSE, manual ? null : Duration.ofSeconds(seconds));
  }

  /** An aborted revision keeps its pods for abortScaleDownDelaySeconds (0: keeps them). */
  private int abortedTarget(ReplicaSetPlan replicaSets, ReplicaSetView newRs) {
    Integer configured = blueGreen.abortScaleDownDelaySeconds();
    if (newRs.replicas() == 0 || (configured != null && configured == 0)) {
      return newRs.replicas();
    }
    int seconds =
        configured == null ? BlueGreenStrategy.DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS : configured;
    return replicaSets.heldUntilDeadline(newRs, Duration.ofSeconds(seconds)) ? newRs.replicas() : 0;
  }

  /** Injects the anti-affinity rule against the previous ReplicaSet's pods, as Argo does. */
  private GenericResource withAntiAffinity(GenericResource rs, @Nullable ReplicaSetView previous) {
    var antiAffinity = blueGreen.antiAffinity();
    if (antiAffinity == null || previous == null) {
      return rs;
    }
    Map<String, Object> term =
        Map.of(
            "labelSelector",
            Map.of(
                "matchExpressions",
                List.of(
                    Map.of(
                        "key",
                        RolloutLabels.POD_TEMPLATE_HASH,
                        "operator",
                        "In",
                        "values",
                        List.of(previous.hash())))),
            "topologyKey",
            "kubernetes.io/hostname");
    Map<String, Object> podAntiAffinity = new LinkedHashMap<>();
    var preferred = antiAffinity.preferredDuringSchedulingIgnoredDuringExecution();
    if (preferred != null) {
      podAntiAffinity.put(
          "preferredDuringSchedulingIgnoredDuringExecution",
          List.of(Map.of("weight", preferred.weight(), "podAffinityTerm", term)));
    } else {
      podAntiAffinity.put("requiredDuringSchedulingIgnoredDuringExecution", List.of(term));
    }
    Map<String, Object> spec = ReplicaSets.mutable(rs.get("spec"));
    Map<String, Object> template = ReplicaSets.mutable(spec.get("template"));
    Map<String, Object> podSpec = ReplicaSets.mutable(template.get("spec"));
    Map<String, Object> affinity = ReplicaSets.mutable(podSpec.get("affinity"));
    affinity.put("podAntiAffinity", podAntiAffinity);
    podSpec.put("affinity", affinity);
    template.put("spec", podSpec);
    spec.put("template", template);
    return rs.withBodyField("spec", spec);
  }

  private boolean scaleUpCheckpoint() {
    return plan.status.blueGreen() != null
        && Boolean.TRUE.equals(plan.status.blueGreen().scaleUpPreviewCheckPoint());
  }

  private static boolean running(RolloutStatus.@Nullable RunStatus run) {
    return run != null && !run.status().isCompleted();
  }

  /** {@code status.blueGreen} with another scale-up checkpoint. */
  private RolloutStatus.BlueGreenStatus withScaleUp(@Nullable Boolean scaleUp) {
    RolloutStatus.BlueGreenStatus current = plan.status.blueGreen();
    return current == null
        ? new RolloutStatus.BlueGreenStatus(null, null, scaleUp, null, null)
        : new RolloutStatus.BlueGreenStatus(
            current.previewSelector(),
            current.activeSelector(),
            scaleUp,
            current.prePromotionAnalysisRunStatus(),
            current.postPromotionAnalysisRunStatus());
  }

  private void finishStatus(
      Frame frame,
      AnalysisPlan analysis,
      GenericResource active,
      @Nullable GenericResource preview) {
    Rollout rollout = frame.rollout();
    String hash = frame.hash();
    ReplicaSetView newRs = frame.newRs();
    String activeSelector = ServiceSelectors.hashOf(active);
    String previewSelector = ServiceSelectors.hashOf(preview);
    for (Action a : plan.actions) {
      if (a instanceof Action.UpdateService u) {
        if (Objects.equals(u.service().name(), active.name())) {
          activeSelector = ServiceSelectors.hashOf(u.service());
        } else if (preview != null && Objects.equals(u.service().name(), preview.name())) {
          previewSelector = ServiceSelectors.hashOf(u.service());
        }
      }
    }
    int total = 0;
    int ready = 0;
    int available = 0;
    for (ReplicaSetView rs : frame.sets()) {
      total += rs.statusReplicas();
      if (rs.hash().equals(activeSelector)) {
        ready += rs.readyReplicas();
        available += rs.availableReplicas();
      }
    }
    RolloutStatus.RunStatus preRun = analysis.reported(RunRole.PRE_PROMOTION);
    RolloutStatus.RunStatus postRun = analysis.reported(RunRole.POST_PROMOTION);
    RolloutStatus.BlueGreenStatus old = plan.status.blueGreen();
    RolloutStatus.BlueGreenStatus bg =
        new RolloutStatus.BlueGreenStatus(
            previewSelector,
            activeSelector,
            old == null ? null : old.scaleUpPreviewCheckPoint(),
            preRun != null ? preRun : old == null ? null : old.prePromotionAnalysisRunStatus(),
            postRun != null ? postRun : old == null ? null : old.postPromotionAnalysisRunStatus());
    boolean saturated = available >= frame.replicas();
    boolean analysing = running(preRun) || running(postRun);
    List<RolloutStatus.Condition> conditions =
        Conditions.of(
            plan,
            frame,
            !analysing,
            new Conditions.Counts(newRs == null ? 0 : newRs.statusReplicas(), ready, available),
            saturated,
            // As Argo: healthy once both Services select the new revision at full size, even
            // while its post-promotion analysis still runs (Completed waits for the analysis).
            hash.equals(activeSelector)
                && (preview == null || hash.equals(previewSelector))
                && saturated);
    RolloutStatus.Builder b =
        plan.status.toBuilder()
            .replicas(total)
            .updatedReplicas(newRs == null ? 0 : newRs.statusReplicas())
            .readyReplicas(ready)
            .availableReplicas(available)
            .HPAReplicas(available)
            .selector(ServiceSelectors.selectorString(rollout, activeSelector))
            .observedGeneration(StatusRules.generationOf(plan.stored))
            .blueGreen(bg)
            .conditions(conditions);
    StatusRules.phase(rollout, b, b.build());
    plan.status = b.build();
  }
}
