package io.rollout4j.engine;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.port.TrafficSplit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A canary's walk through its steps in one reconcile: the current step is complete once the
 * replicas and traffic are at its targets, its analysis has succeeded and its pause is over; after
 * the last step (or on a full promotion) the update is promoted once the canary carries everything.
 */
final class CanaryStepProgress {
  private final Plan plan;
  private final Frame frame;
  private final CanaryStrategy canary;
  private final AnalysisPlan analysis;

  CanaryStepProgress(Plan plan, Frame frame, CanaryStrategy canary, AnalysisPlan analysis) {
    this.plan = plan;
    this.frame = frame;
    this.canary = canary;
    this.analysis = analysis;
  }

  /**
   * Moves through the current step as far as the state allows. Returns why the update is complete
   * when it is (the caller promotes it), or null.
   */
  @Nullable String advance(ReplicaCounts counts, @Nullable TrafficSplit traffic) {
    Rollout rollout = frame.rollout();
    ReplicaSetView newRs = frame.newRs();
    int replicas = frame.replicas();
    boolean routed = canary.trafficRouting() != null;
    if (Boolean.TRUE.equals(plan.status.promoteFull())) {
      if (newRs != null
          && newRs.availableReplicas() >= replicas
          && (!routed || atWeight(traffic, 100))) {
        return "Full promotion requested";
      }
      return null;
    }
    if (plan.pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      return null; // an inconclusive analysis waits for a human
    }
    List<Step> steps = canary.steps();
    int index = CanarySteps.currentStepIndex(rollout);
    if (index >= steps.size()) {
      boolean ready =
          newRs != null && newRs.availableReplicas() >= replicas && newRs.replicas() >= replicas;
      boolean basicDone =
          routed || frame.older().stream().allMatch(rs -> rs.availableReplicas() == 0);
      if (ready && basicDone && (!routed || atWeight(traffic, 100))) {
        return steps.isEmpty()
            ? "Completed rolling update"
            : "Completed all " + steps.size() + " canary steps";
      }
      return null;
    }
    Step step = steps.get(index);
    int parts = CanarySteps.actionCount(step);
    for (int a = 0; a < parts; a++) {
      Step part = CanarySteps.actionAt(step, a);
      if (part instanceof Step.Experiment || part instanceof Step.Plugin) {
        unsupported(index, part);
        return null;
      }
    }
    clearUnsupported();
    Step.Pause pause = null;
    boolean needsTargets = false;
    Step.Analysis analysisStep = null;
    for (int a = 0; a < parts; a++) {
      Step part = CanarySteps.actionAt(step, a);
      if (part instanceof Step.Pause p) {
        pause = p;
      } else if (part instanceof Step.SetWeight || part instanceof Step.SetCanaryScale) {
        needsTargets = true;
      } else if (part instanceof Step.Analysis a2 && analysisStep == null) {
        analysisStep = a2;
      }
    }
    if (needsTargets && !atTargets(counts, routed, traffic)) {
      return null;
    }
    if (analysisStep != null
        && analysis.follow(analysisStep.analysis(), RunRole.STEP, index)
            != AnalysisPhase.SUCCESSFUL) {
      return null;
    }
    if (pause != null && !pauseDone(pause)) {
      return null;
    }
    completeStep(index, steps.size(), step);
    return null;
  }

  private boolean atWeight(@Nullable TrafficSplit traffic, int weight) {
    return traffic != null
        && traffic.canaryWeight() == weight
        && frame.hash().equals(traffic.canaryHash());
  }

  private boolean atTargets(ReplicaCounts counts, boolean routed, @Nullable TrafficSplit traffic) {
    ReplicaSetView newRs = frame.newRs();
    ReplicaSetView stableRs = frame.stableRs();
    if (newRs == null
        || newRs.replicas() != counts.canary()
        || newRs.availableReplicas() < counts.canary()) {
      return false;
    }
    if (!routed || !canary.isDynamicStableScale()) {
      if (stableRs == null
          || stableRs.replicas() != counts.stable()
          || stableRs.statusReplicas() != counts.stable()) {
        return false;
      }
    }
    if (!routed) {
      return frame.older().stream().allMatch(rs -> rs.availableReplicas() == 0);
    }
    int weight = CanarySteps.currentSetWeight(frame.rollout());
    return traffic != null
        && traffic.canaryWeight() == weight
        && (weight == 0 || frame.hash().equals(traffic.canaryHash()));
  }

  /** Done when its duration passed or a user resumed; the controller's pause then ends. */
  private boolean pauseDone(Step.Pause pause) {
    if (!plan.pauseOver(PauseReason.CANARY_PAUSE_STEP, pause.parsedDuration().orElse(null))) {
      return false;
    }
    plan.status = plan.status.toBuilder().controllerPause(null).build();
    return true;
  }

  private void completeStep(int index, int total, Step step) {
    plan.status = plan.status.toBuilder().currentStepIndex(index + 1).build();
    plan.event(
        "Normal",
        "RolloutStepCompleted",
        "Rollout step " + (index + 1) + "/" + total + " completed (" + describe(step) + ")");
  }

  private static String describe(Step step) {
    if (step instanceof Step.SetWeight w) {
      return "setWeight: " + w.weight();
    }
    if (step instanceof Step.Pause p) {
      return p.duration() == null
          ? "pause"
          : "pause: "
              + DurationStrings.parsePause(p.duration()).map(DurationStrings::format).orElse("?");
    }
    return step.kind();
  }

  private void unsupported(int index, Step step) {
    plan.invalidSpec(
        "UnsupportedStep",
        "The Rollout \""
            + plan.stored.name()
            + "\" is invalid: step "
            + index
            + " ("
            + step.kind()
            + ") is not supported by Rollout4j; remove it, or run this rollout with Argo Rollouts");
  }

  private void clearUnsupported() {
    RolloutStatus.Condition c =
        StatusRules.find(plan.status.conditions(), StatusRules.INVALID_SPEC);
    if (c != null && "UnsupportedStep".equals(c.reason())) {
      plan.status =
          plan.status.toBuilder()
              .conditions(StatusRules.remove(plan.status.conditions(), StatusRules.INVALID_SPEC))
              .build();
    }
  }
}
