package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** A reference to an AnalysisTemplate, or a ClusterAnalysisTemplate when {@code clusterScope}. */
public record AnalysisTemplateRef(@Nullable String templateName, @Nullable Boolean clusterScope) {

  public static AnalysisTemplateRef of(String templateName) {
    return new AnalysisTemplateRef(templateName, null);
  }

  public boolean isClusterScope() {
    return Boolean.TRUE.equals(clusterScope);
  }
}
