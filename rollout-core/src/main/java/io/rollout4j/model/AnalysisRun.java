package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** Argo's {@code AnalysisRun}: the resolved metrics and, once started, their results. */
public record AnalysisRun(
    ObjectMeta metadata, AnalysisRunSpec spec, @Nullable AnalysisRunStatus status)
    implements Resource {

  public static final String KIND = "AnalysisRun";

  @Override
  public String apiVersion() {
    return ARGO_API_VERSION;
  }

  @Override
  public String kind() {
    return KIND;
  }
}
