package io.rollout4j.model;

/** Argo's cluster-scoped {@code ClusterAnalysisTemplate}. */
public record ClusterAnalysisTemplate(ObjectMeta metadata, AnalysisTemplateSpec spec)
    implements Resource {

  public static final String KIND = "ClusterAnalysisTemplate";

  @Override
  public String apiVersion() {
    return ARGO_API_VERSION;
  }

  @Override
  public String kind() {
    return KIND;
  }
}
