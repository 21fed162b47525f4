package io.rollout4j.engine;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunSpec;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.RolloutAnalysis;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The AnalysisRuns of one reconcile, whatever the strategy: a run per role (background, step, pre-
 * and post-promotion) is created when needed and followed, a failed one aborts the update and an
 * inconclusive one pauses it, runs whose part is over are terminated, and the finished ones are
 * pruned to the history limits.
 */
final class AnalysisPlan {
  private final Plan plan;
  private final Frame frame;
  // One field per role rather than a map: a plan is made on every reconcile.
  private RolloutStatus.@Nullable RunStatus background;
  private RolloutStatus.@Nullable RunStatus step;
  private RolloutStatus.@Nullable RunStatus prePromotion;
  private RolloutStatus.@Nullable RunStatus postPromotion;

  AnalysisPlan(Plan plan, Frame frame) {
    this.plan = plan;
    this.frame = frame;
  }

  /**
   * Follows the run of this role (and step): creates it when there is none or a new one is needed,
   * otherwise reacts to its phase. Returns its phase, or null when it could not be created (the
   * spec is then invalid).
   */
  @Nullable AnalysisPhase follow(RolloutAnalysis request, RunRole role, @Nullable Integer step) {
    AnalysisRun run = RunRules.latest(plan.observation.analysisRuns(), frame.hash(), role, step);
    if (run == null || needsNewRun(run)) {
      return create(request, role, step) ? AnalysisPhase.PENDING : null;
    }
    report(role, statusOf(run));
    react(run, role);
    return RunRules.phaseOf(run);
  }

  /** The latest run of this role reported in status even when nothing follows it any more. */
  void reportLatest(RunRole role) {
    if (reported(role) == null) {
      AnalysisRun latest =
          RunRules.latest(plan.observation.analysisRuns(), frame.hash(), role, null);
      if (latest != null) {
        report(role, statusOf(latest));
      }
    }
  }

  /** The status this reconcile reports for the role's run, or null to keep the recorded one. */
  RolloutStatus.@Nullable RunStatus reported(RunRole role) {
    switch (role) {
      case BACKGROUND:
        return background;
      case STEP:
        return step;
      case PRE_PROMOTION:
        return prePromotion;
      default:
        return postPromotion;
    }
  }

  private void report(RunRole role, RolloutStatus.RunStatus status) {
    switch (role) {
      case BACKGROUND:
        background = status;
        break;
      case STEP:
        step = status;
        break;
      case PRE_PROMOTION:
        prePromotion = status;
        break;
      default:
        postPromotion = status;
        break;
    }
  }

  /**
   * Argo's {@code needsNewAnalysisRun}: a finished run is replaced when it failed and the rollout
   * was retried since, or when it was inconclusive and a human has promoted past the pause it
   * caused. Nothing is re-created while paused.
   */
  private boolean needsNewRun(AnalysisRun run) {
    AnalysisPhase phase = RunRules.phaseOf(run);
    if (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR) {
      return !plan.status.isAborted() && plan.status.abortedAt() != null;
    }
    if (phase == AnalysisPhase.INCONCLUSIVE) {
      return recordedAs(run, AnalysisPhase.INCONCLUSIVE)
          && !plan.pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN);
    }
    return false;
  }

  /** Whether the rollout's status already reports this run in this phase. */
  private boolean recordedAs(AnalysisRun run, AnalysisPhase phase) {
    List<RolloutStatus.RunStatus> recorded = new ArrayList<>(4);
    RolloutStatus.CanaryStatus canary = plan.status.canary();
    if (canary != null) {
      recorded.add(canary.currentBackgroundAnalysisRunStatus());
      recorded.add(canary.currentStepAnalysisRunStatus());
    }
    RolloutStatus.BlueGreenStatus blueGreen = plan.status.blueGreen();
    if (blueGreen != null) {
      recorded.add(blueGreen.prePromotionAnalysisRunStatus());
      recorded.add(blueGreen.postPromotionAnalysisRunStatus());
    }
    for (RolloutStatus.RunStatus r : recorded) {
      if (r != null && r.name().equals(run.name()) && r.status() == phase) {
        return true;
      }
    }
    return false;
  }

  /** A failed run aborts the update; an inconclusive one pauses it for a human. */
  private void react(AnalysisRun run, RunRole role) {
    AnalysisPhase phase = RunRules.phaseOf(run);
    if (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR) {
      String message = run.status() == null ? null : run.status().message();
      plan.event(
          "Warning",
          "AnalysisRun" + phase.argoName(),
          "Analysis Run '" + run.name() + "' Status New: '" + phase.argoName() + "'");
      // Argo writes "phase error/failed" literally, whichever of the two it was.
      plan.abort(
          role.description
              + " phase error/failed"
              + (message == null || message.isEmpty() ? "" : ": " + message),
          frame.revision());
    } else if (phase == AnalysisPhase.INCONCLUSIVE
        && !plan.pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      plan.addPause(PauseReason.INCONCLUSIVE_ANALYSIS_RUN);
      plan.event(
          "Warning",
          "AnalysisRunInconclusive",
          "Analysis Run '" + run.name() + "' Status New: 'Inconclusive'");
    }
  }

  private boolean create(RolloutAnalysis request, RunRole role, @Nullable Integer step) {
    AnalysisRun run;
    try {
      run =
          RunRules.build(
              frame.rollout(),
              request,
              plan.observation,
              frame.hash(),
              plan.status.stableRS(),
              frame.revision(),
              role,
              step);
    } catch (IllegalArgumentException e) {
      plan.invalid(String.valueOf(e.getMessage()));
      return false;
    }
    plan.actions.add(new Action.CreateAnalysisRun(run));
    plan.event(
        "Normal", "AnalysisRunRunning", "Analysis Run '" + run.name() + "' Status New: 'Running'");
    report(
        role, new RolloutStatus.RunStatus(String.valueOf(run.name()), AnalysisPhase.PENDING, null));
    return true;
  }

  private static RolloutStatus.RunStatus statusOf(AnalysisRun run) {
    return new RolloutStatus.RunStatus(
        String.valueOf(run.name()),
        RunRules.phaseOf(run),
        run.status() == null ? null : run.status().message());
  }

  /**
   * Runs end when their part of the rollout is over: another revision is current, the update was
   * promoted or aborted, or a step run's step is no longer {@code currentStep}.
   */
  void terminateStale(int currentStep) {
    for (AnalysisRun run : plan.observation.analysisRuns()) {
      if (RunRules.phaseOf(run).isCompleted() || Boolean.TRUE.equals(run.spec().terminate())) {
        continue;
      }
      boolean current =
          frame.hash().equals(run.metadata().labels().get(RolloutLabels.POD_TEMPLATE_HASH))
              && !frame.promoted()
              && !frame.aborted()
              && !Boolean.TRUE.equals(plan.status.promoteFull())
              && (!RunRole.STEP.labels(run)
                  || StatusRules.isDecimal(
                      run.metadata().labels().get(RunRules.STEP_INDEX), currentStep));
      if (!current) {
        AnalysisRunSpec s = run.spec();
        plan.actions.add(
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
   * Keeps at most {@code spec.analysis.successfulRunHistoryLimit} successful and {@code
   * unsuccessfulRunHistoryLimit} unsuccessful finished runs (5 each by default), deleting the
   * oldest.
   */
  void pruneHistory() {
    var limits = frame.rollout().spec().analysis();
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
    List<AnalysisRun> runs = plan.observation.analysisRuns();
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
      deleteOldest(true, successful - keepSuccessful);
    }
    if (unsuccessful > keepUnsuccessful) {
      deleteOldest(false, unsuccessful - keepUnsuccessful);
    }
  }

  private void deleteOldest(boolean successful, int count) {
    List<AnalysisRun> group = new ArrayList<>();
    for (AnalysisRun run : plan.observation.analysisRuns()) {
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
      plan.actions.add(
          new Action.DeleteAnalysisRun(plan.namespace(), String.valueOf(group.get(i).name())));
    }
  }
}
