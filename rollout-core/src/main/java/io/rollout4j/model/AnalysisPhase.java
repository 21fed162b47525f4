package io.rollout4j.model;

/** The phase of a measurement, a metric or an AnalysisRun, spelled as Argo spells it. */
public enum AnalysisPhase implements ArgoEnum {
  PENDING("Pending"),
  RUNNING("Running"),
  SUCCESSFUL("Successful"),
  FAILED("Failed"),
  ERROR("Error"),
  INCONCLUSIVE("Inconclusive");

  private final String argoName;

  AnalysisPhase(String argoName) {
    this.argoName = argoName;
  }

  @Override
  public String argoName() {
    return argoName;
  }

  /** Whether the phase is final: Successful, Failed, Error or Inconclusive. */
  public boolean isCompleted() {
    return this != PENDING && this != RUNNING;
  }
}
