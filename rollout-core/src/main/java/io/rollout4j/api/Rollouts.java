package io.rollout4j.api;

/** Entry points of the fluent API. */
public final class Rollouts {
  private Rollouts() {}

  /** A new Rollout named {@code name}. */
  public static RolloutBuilder rollout(String name) {
    return new RolloutBuilder(name);
  }

  /** A new AnalysisTemplate named {@code name}. */
  public static AnalysisTemplateBuilder analysisTemplate(String name) {
    return new AnalysisTemplateBuilder(name);
  }
}
