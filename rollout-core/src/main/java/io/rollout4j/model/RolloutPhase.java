package io.rollout4j.model;

/** {@code status.phase} of a Rollout, as Argo CD's health check reads it. */
public enum RolloutPhase implements ArgoEnum {
  HEALTHY("Healthy"),
  DEGRADED("Degraded"),
  PAUSED("Paused"),
  PROGRESSING("Progressing");

  private final String argoName;

  RolloutPhase(String argoName) {
    this.argoName = argoName;
  }

  @Override
  public String argoName() {
    return argoName;
  }
}
