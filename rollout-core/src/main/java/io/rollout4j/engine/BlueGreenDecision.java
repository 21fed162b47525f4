package io.rollout4j.engine;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutAnalysis;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One reconcile of a blue-green rollout (Argo's rolloutContext for BlueGreen): the new ReplicaSet
 * comes up behind the preview Service, is analysed and optionally paused, is scaled to full, and
 * only then does the active Service switch to it; post-promotion analysis can switch it back. The
 * active Service never selects a ReplicaSet whose pods are not all available.
 */
final class BlueGreenDecision extends DecisionSupport {

  private final BlueGreenStrategy blueGreen;
  private @Nullable String abortReason;
  private RolloutStatus.@Nullable RunStatus preRun;
  private RolloutStatus.@Nullable RunStatus postRun;
  private int revision;

  BlueGreenDecision(Rollout rollout, Observation observation, Instant now) {
    super(rollout, observation, now);
    this.blueGreen = Objects.requireNonNull(rollout.spec().blueGreen());
  }

  Decision decide() {
    PodTemplateSpec template =
        stored.spec().workloadRef() != null
            ? observation.workloadTemplate()
            : stored.spec().template();
    if (template == null) {
      return StatusRules.invalidSpec(
          stored, now, "InvalidSpec", "the pod template could not be read from spec.workloadRef");
    }
    // Validation requires activeService, and References has checked it exists.
    GenericResource active = Objects.requireNonNull(service(blueGreen.activeService()));
    GenericResource preview = service(blueGreen.previewService());
    List<ReplicaSetView> sets = new ArrayList<>();
    for (GenericResource rs : observation.replicaSets()) {
      ReplicaSetView view = ReplicaSetView.of(rs);
      if (view != null) {
        sets.add(view);
      }
    }
    String hash =
        PodTemplateMatch.hashOf(
            template, PodTemplateHash.of(template, status.collisionCount()), sets);
    int nextRevision = sets.stream().mapToInt(ReplicaSetView::revision).max().orElse(0) + 1;
    if (!hash.equals(status.currentPodHash())) {
      startUpdate(hash);
    }
    Rollout rollout = stored.withStatus(status);
    ReplicaSetView newRs = find(sets, hash);
    ReplicaSetView stableRs = find(sets, status.stableRS());
    revision = newRs == null || newRs.revision() == 0 ? nextRevision : newRs.revision();
    int replicas = rollout.spec().effectiveReplicas();
    boolean initial = status.stableRS() == null;
    boolean promoted = hash.equals(status.stableRS());
    boolean aborted = status.isAborted();
    String activeHash = ServiceSelectors.hashOf(active);
    if (activeHash == null && stableRs != null && stableRs.fullyAvailable()) {
      // The hash was stripped from the active Service (a replace by a GitOps tool, say): it now
      // selects every revision, so it goes back to the stable one before anything else.
      point(active, stableRs.hash());
      activeHash = stableRs.hash();
    }
    if (aborted && status.abortedAt() == null) {
      status = status.toBuilder().abortedAt(now.toString()).build();
    }

    // 1. The new ReplicaSet: preview size until promotion starts, full after; an aborted one
    // keeps its pods for abortScaleDownDelaySeconds.
    boolean fullSize =
        initial
            || promoted
            || Boolean.TRUE.equals(status.promoteFull())
            || scaleUpCheckpoint()
            || hash.equals(activeHash);
    int target = BlueGreenReplicas.newReplicaSetSize(blueGreen, replicas, fullSize);
    if (aborted && !promoted && newRs != null) {
      target = abortedTarget(newRs);
    }
    boolean isActive = initial || promoted || hash.equals(activeHash);
    if (newRs == null) {
      if (!rollout.spec().isPaused() || initial) {
        GenericResource created =
            ReplicaSets.build(
                stored,
                template,
                hash,
                nextRevision,
                target,
                isActive ? blueGreen.activeMetadata() : blueGreen.previewMetadata());
        actions.add(new Action.CreateReplicaSet(withAntiAffinity(created, stableRs)));
        event(
            "Normal",
            "ScalingReplicaSet",
            "Created ReplicaSet " + created.metadata().name() + " with size " + target);
      }
    } else {
      scale(
          newRs,
          target,
          isActive ? blueGreen.activeMetadata() : blueGreen.previewMetadata(),
          // A reused older ReplicaSet (undo) becomes the newest revision, as in Argo.
          newRs.revision() < nextRevision - 1 && !promoted ? nextRevision : null,
          aborted);
    }
    if (stableRs != null && !promoted) {
      scale(stableRs, replicas, blueGreen.activeMetadata(), null, false);
    }

    // 2. Services, runs and promotion.
    String stableHash = status.stableRS();
    terminateStaleRuns(hash, promoted, aborted, run -> true);
    if (aborted) {
      // The preview keeps the aborted revision (as in Argo): testers can still reach it until
      // its pods are scaled down; only production traffic goes back to the stable revision.
      point(active, stableHash);
    } else if (!rollout.spec().isPaused()) {
      if (newRs != null) {
        point(preview, hash);
      }
      if (initial) {
        if (newRs != null && newRs.availableReplicas() >= replicas) {
          point(active, hash);
          markStable(hash, null, "Initial deploy");
        }
      } else if (!promoted) {
        progress(rollout, hash, sets, newRs, stableRs, active, activeHash, replicas);
      }
    }

    // 3. Older ReplicaSets: after their scale-down deadline, within the revision limit.
    handleOlder(sets, newRs, stableRs, activeHash, rollout);

    pruneRunHistory(rollout);
    // Pods are restarted (spec.restartAt) only between updates, maxUnavailable (25%) at a time.
    restart(rollout, sets, hash, BlueGreenReplicas.maxUnavailable(rollout));

    // 4. Status, then the referenced workload's scale-down, which depends on it.
    finishStatus(rollout, hash, sets, newRs, active, preview);
    scaleDownWorkload(rollout, initial);
    return new Decision(actions, status, requeue());
  }

  private void startUpdate(String hash) {
    boolean rollback = hash.equals(status.stableRS());
    if (rollback) {
      event("Normal", "SkipSteps", "Rollback to stable ReplicaSet");
    }
    status =
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
      Rollout rollout,
      String hash,
      List<ReplicaSetView> sets,
      @Nullable ReplicaSetView newRs,
      @Nullable ReplicaSetView stableRs,
      GenericResource active,
      @Nullable String activeHash,
      int replicas) {
    boolean full = Boolean.TRUE.equals(status.promoteFull());
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
          && !analysisPassed(
              rollout, hash, blueGreen.prePromotionAnalysis(), RunRole.PRE_PROMOTION)) {
        return;
      }
      if (!full && !pauseDone()) {
        return;
      }
      if (desired < replicas) {
        // Scale the preview to full before it takes any production traffic.
        status = status.toBuilder().blueGreen(withScaleUp(true)).build();
        wake(now);
        return;
      }
      if (newRs.availableReplicas() >= replicas) {
        point(active, hash);
        ReplicaSetView previousActive = find(sets, activeHash);
        if (previousActive != null
            && previousActive != stableRs
            && previousActive.replicas() > 0
            && previousActive.scaleDownDeadline() == null) {
          // A revision that served production without becoming stable (a newer one arrived
          // during its post-promotion analysis) drains like any previous active set.
          Instant deadline = now.plusSeconds(blueGreen.effectiveScaleDownDelaySeconds());
          actions.add(
              new Action.UpdateReplicaSet(
                  ReplicaSets.withAnnotation(
                      previousActive.resource(),
                      RolloutLabels.SCALE_DOWN_DEADLINE,
                      deadline.toString()),
                  previousActive.replicas(),
                  previousActive.replicas()));
        }
        event(
            "Normal",
            "SwitchService",
            "Switched selector for service '" + blueGreen.activeService() + "' to '" + hash + "'");
        wake(now);
      }
      return;
    }
    if (!full
        && blueGreen.postPromotionAnalysis() != null
        && !analysisPassed(
            rollout, hash, blueGreen.postPromotionAnalysis(), RunRole.POST_PROMOTION)) {
      return;
    }
    markStable(hash, stableRs, full ? "Full promotion requested" : "Completed blue-green update");
  }

  private boolean analysisPassed(
      Rollout rollout, String hash, RolloutAnalysis request, RunRole role) {
    AnalysisRun run = RunRules.latest(observation.analysisRuns(), hash, role, null);
    if (run == null || needsNewRun(run)) {
      try {
        AnalysisRun created =
            RunRules.build(
                rollout, request, observation, hash, status.stableRS(), revision, role, null);
        actions.add(new Action.CreateAnalysisRun(created));
        event(
            "Normal",
            "AnalysisRunRunning",
            "Analysis Run '" + created.name() + "' Status New: 'Running'");
        record(
            role,
            new RolloutStatus.RunStatus(
                String.valueOf(created.name()), AnalysisPhase.PENDING, null));
      } catch (IllegalArgumentException e) {
        invalid(String.valueOf(e.getMessage()));
      }
      return false;
    }
    AnalysisPhase phase = RunRules.phaseOf(run);
    record(
        role,
        new RolloutStatus.RunStatus(
            String.valueOf(run.name()),
            phase,
            run.status() == null ? null : run.status().message()));
    if (phase == AnalysisPhase.SUCCESSFUL) {
      return true;
    }
    String message = run.status() == null ? null : run.status().message();
    if (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR) {
      String which = role == RunRole.PRE_PROMOTION ? "pre-promotion" : "post-promotion";
      abortReason =
          "Blue/green "
              + which
              + " analysis phase error/failed"
              + (message == null || message.isEmpty() ? "" : ": " + message);
      status = status.toBuilder().abort(true).abortedAt(now.toString()).build();
      event(
          "Warning",
          "RolloutAborted",
          "Rollout aborted update to revision " + revision + ": " + abortReason);
      wake(now);
    } else if (phase == AnalysisPhase.INCONCLUSIVE
        && !pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      addPause(PauseReason.INCONCLUSIVE_ANALYSIS_RUN);
    }
    return false;
  }

  private boolean needsNewRun(AnalysisRun run) {
    AnalysisPhase phase = RunRules.phaseOf(run);
    return (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR)
        && !status.isAborted()
        && status.abortedAt() != null;
  }

  private void record(RunRole role, RolloutStatus.RunStatus run) {
    if (role == RunRole.PRE_PROMOTION) {
      preRun = run;
    } else {
      postRun = run;
    }
  }

  /** BlueGreenPause: manual (autoPromotionEnabled false) or timed (autoPromotionSeconds). */
  private boolean pauseDone() {
    boolean manual = !blueGreen.isAutoPromotionEnabled();
    int seconds = blueGreen.autoPromotionSeconds() == null ? 0 : blueGreen.autoPromotionSeconds();
    if (!manual && seconds <= 0) {
      return true;
    }
    if (pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      return false;
    }
    RolloutStatus.PauseCondition pause = pauseOf(PauseReason.BLUE_GREEN_PAUSE);
    if (pause == null) {
      if (Boolean.TRUE.equals(status.controllerPause())) {
        // As in Argo, controllerPause without a pause condition means this revision's pause is
        // over (a human promoted, or the timer ran out); it is reset when the revision changes.
        return true;
      }
      addPause(PauseReason.BLUE_GREEN_PAUSE);
      if (!manual) {
        wake(now.plusSeconds(seconds));
      }
      return false;
    }
    if (manual) {
      return false;
    }
    return pauseOver(pause, Timestamps.parse(pause.startTime()).plusSeconds(seconds));
  }

  private void markStable(String hash, @Nullable ReplicaSetView previousStable, String reason) {
    status =
        status.toBuilder()
            .stableRS(hash)
            .promoteFull(null)
            .pauseConditions(List.of())
            .controllerPause(null)
            .blueGreen(withScaleUp(null))
            .build();
    event(
        "Normal",
        "RolloutCompleted",
        "Rollout completed update to revision " + revision + " (" + hash + "): " + reason);
    if (previousStable != null && previousStable.replicas() > 0) {
      Instant deadline = now.plusSeconds(blueGreen.effectiveScaleDownDelaySeconds());
      GenericResource marked =
          ReplicaSets.withAnnotation(
              previousStable.resource(), RolloutLabels.SCALE_DOWN_DEADLINE, deadline.toString());
      actions.add(
          new Action.UpdateReplicaSet(
              marked, previousStable.replicas(), previousStable.replicas()));
      wake(deadline);
    }
  }

  private int abortedTarget(ReplicaSetView newRs) {
    Integer configured = blueGreen.abortScaleDownDelaySeconds();
    if (newRs.replicas() == 0 || (configured != null && configured == 0)) {
      return newRs.replicas();
    }
    int seconds =
        configured == null ? BlueGreenStrategy.DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS : configured;
    Instant deadline = newRs.scaleDownDeadline();
    if (deadline == null) {
      Instant at = now.plusSeconds(seconds);
      actions.add(
          new Action.UpdateReplicaSet(
              ReplicaSets.withAnnotation(
                  newRs.resource(), RolloutLabels.SCALE_DOWN_DEADLINE, at.toString()),
              newRs.replicas(),
              newRs.replicas()));
      wake(at);
      return newRs.replicas();
    }
    if (now.isBefore(deadline)) {
      wake(deadline);
      return newRs.replicas();
    }
    return 0;
  }

  /**
   * Older ReplicaSets keep their pods until their scale-down deadline; beyond {@code
   * scaleDownDelayRevisionLimit} the oldest go at once. The history limit prunes idle ones.
   */
  private void handleOlder(
      List<ReplicaSetView> sets,
      @Nullable ReplicaSetView newRs,
      @Nullable ReplicaSetView stableRs,
      @Nullable String activeHash,
      Rollout rollout) {
    List<ReplicaSetView> older = new ArrayList<>();
    for (ReplicaSetView rs : sets) {
      // Whatever the active Service selects keeps its pods until the Service has moved away.
      if (rs != newRs && rs != stableRs && !rs.hash().equals(activeHash)) {
        older.add(rs);
      }
    }
    older.sort(Comparator.comparingInt(ReplicaSetView::revision).reversed());
    Integer limit = blueGreen.scaleDownDelayRevisionLimit();
    int delayed = 0;
    for (ReplicaSetView rs : older) {
      if (rs.replicas() == 0) {
        continue;
      }
      Instant deadline = rs.scaleDownDeadline();
      if (deadline != null && now.isBefore(deadline) && (limit == null || delayed < limit)) {
        delayed++;
        wake(deadline);
        continue;
      }
      GenericResource updated =
          ReplicaSets.withAnnotation(
              ReplicaSets.withReplicas(rs.resource(), 0), RolloutLabels.SCALE_DOWN_DEADLINE, null);
      actions.add(new Action.UpdateReplicaSet(updated, rs.replicas(), 0));
      event(
          "Normal",
          "ScalingReplicaSet",
          "Scaled down ReplicaSet " + rs.name() + " from " + rs.replicas() + " to 0");
    }
    List<ReplicaSetView> idle =
        new ArrayList<>(
            older.stream().filter(rs -> rs.replicas() == 0 && rs.statusReplicas() == 0).toList());
    idle.sort(Comparator.comparingInt(ReplicaSetView::revision));
    for (int i = 0; i < idle.size() - rollout.spec().effectiveRevisionHistoryLimit(); i++) {
      actions.add(
          new Action.DeleteReplicaSet(String.valueOf(stored.namespace()), idle.get(i).name()));
    }
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
    return status.blueGreen() != null
        && Boolean.TRUE.equals(status.blueGreen().scaleUpPreviewCheckPoint());
  }

  private static boolean running(RolloutStatus.@Nullable RunStatus run) {
    return run != null && !run.status().isCompleted();
  }

  /** {@code status.blueGreen} with another scale-up checkpoint. */
  private RolloutStatus.BlueGreenStatus withScaleUp(@Nullable Boolean scaleUp) {
    RolloutStatus.BlueGreenStatus current = status.blueGreen();
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
      Rollout rollout,
      String hash,
      List<ReplicaSetView> sets,
      @Nullable ReplicaSetView newRs,
      GenericResource active,
      @Nullable GenericResource preview) {
    String activeSelector = ServiceSelectors.hashOf(active);
    String previewSelector = ServiceSelectors.hashOf(preview);
    for (Action a : actions) {
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
    for (ReplicaSetView rs : sets) {
      total += rs.statusReplicas();
      if (rs.hash().equals(activeSelector)) {
        ready += rs.readyReplicas();
        available += rs.availableReplicas();
      }
    }
    RolloutStatus.BlueGreenStatus old = status.blueGreen();
    RolloutStatus.BlueGreenStatus bg =
        new RolloutStatus.BlueGreenStatus(
            previewSelector,
            activeSelector,
            old == null ? null : old.scaleUpPreviewCheckPoint(),
            preRun != null ? preRun : old == null ? null : old.prePromotionAnalysisRunStatus(),
            postRun != null ? postRun : old == null ? null : old.postPromotionAnalysisRunStatus());
    boolean promoted = hash.equals(status.stableRS());
    boolean saturated = available >= rollout.spec().effectiveReplicas();
    boolean analysing = running(preRun) || running(postRun);
    List<RolloutStatus.Condition> conditions =
        conditions(
            rollout,
            hash,
            newRs,
            revision,
            abortReason,
            !analysing,
            new Counts(newRs == null ? 0 : newRs.statusReplicas(), ready, available),
            saturated,
            // As Argo: healthy once both Services select the new revision at full size, even
            // while its post-promotion analysis still runs (Completed waits for the analysis).
            hash.equals(activeSelector)
                && (preview == null || hash.equals(previewSelector))
                && saturated);
    RolloutStatus.Builder b =
        status.toBuilder()
            .replicas(total)
            .updatedReplicas(newRs == null ? 0 : newRs.statusReplicas())
            .readyReplicas(ready)
            .availableReplicas(available)
            .HPAReplicas(available)
            .selector(selectorString(rollout, activeSelector))
            .observedGeneration(StatusRules.generationOf(stored))
            .blueGreen(bg)
            .conditions(conditions);
    StatusRules.phase(rollout, b, b.build());
    status = b.build();
  }
}
