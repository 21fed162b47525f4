package io.rollout4j.model;

/** Argo's namespaced {@code AnalysisTemplate}. */
public record AnalysisTemplate(ObjectMeta metadata, AnalysisTemplateSpec spec) implements Resource {

  public static final String KIND = "AnalysisTemplate";

  @Override
  public String apiVersion() {
    return ARGO_API_VERSION;
  }

  @Override
  public String kind() {
    return KIND;
  }
}
