package io.rollout4j.model;

/** Why the controller paused a rollout ({@code status.pauseConditions[].reason}). */
public enum PauseReason implements ArgoEnum {
  CANARY_PAUSE_STEP("CanaryPauseStep"),
  BLUE_GREEN_PAUSE("BlueGreenPause"),
  INCONCLUSIVE_ANALYSIS_RUN("InconclusiveAnalysisRun"),
  INCONCLUSIVE_EXPERIMENT("InconclusiveExperiment");

  private final String argoName;

  PauseReason(String argoName) {
    this.argoName = argoName;
  }

  @Override
  public String argoName() {
    return argoName;
  }
}
