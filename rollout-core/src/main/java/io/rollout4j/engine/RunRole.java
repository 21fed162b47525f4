package io.rollout4j.engine;

import io.rollout4j.model.AnalysisRun;

/**
 * What an AnalysisRun is for in its rollout, as Argo labels it ({@code rollout-type}): the canary's
 * background analysis, an analysis step, or a blue-green pre- or post-promotion analysis.
 */
enum RunRole {
  BACKGROUND("Background", "", "Background analysis"),
  STEP("Step", "", "Step-based analysis"),
  PRE_PROMOTION("PrePromotion", "-pre", "Blue/green pre-promotion analysis"),
  POST_PROMOTION("PostPromotion", "-post", "Blue/green post-promotion analysis");

  /** The value of the run's {@code rollout-type} label. */
  final String label;

  /** What Argo appends to the run's name for this role (a step appends its index instead). */
  final String nameSuffix;

  /** How Argo names the analysis in the abort message of a failed run. */
  final String description;

  RunRole(String label, String nameSuffix, String description) {
    this.label = label;
    this.nameSuffix = nameSuffix;
    this.description = description;
  }

  /** Whether {@code run}'s labels say it has this role. */
  boolean labels(AnalysisRun run) {
    return label.equals(run.metadata().labels().get(RunRules.TYPE));
  }
}
