package io.rollout4j.engine;

/**
 * What an AnalysisRun is for in its rollout, as Argo labels it ({@code rollout-type}): the canary's
 * background analysis, an analysis step, or a blue-green pre- or post-promotion analysis.
 */
enum RunRole {
  BACKGROUND("Background", ""),
  STEP("Step", ""),
  PRE_PROMOTION("PrePromotion", "-pre"),
  POST_PROMOTION("PostPromotion", "-post");

  /** The value of the run's {@code rollout-type} label. */
  final String label;

  /** What Argo appends to the run's name for this role (a step appends its index instead). */
  final String nameSuffix;

  RunRole(String label, String nameSuffix) {
    this.label = label;
    this.nameSuffix = nameSuffix;
  }

  /** Whether {@code run}'s labels say it has this role. */
  boolean labels(io.rollout4j.model.AnalysisRun run) {
    return label.equals(run.metadata().labels().get(RunRules.TYPE));
  }
}
