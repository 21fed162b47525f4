package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/**
 * One analysis metric. Limits and count are int-or-string because Argo lets them be templated
 * ({@code "{{args.limit}}"}); see the analysis package for how they are applied.
 */
public record Metric(
    String name,
    @Nullable String interval,
    @Nullable String initialDelay,
    @Nullable IntOrString count,
    @Nullable String successCondition,
    @Nullable String failureCondition,
    @Nullable IntOrString failureLimit,
    @Nullable IntOrString inconclusiveLimit,
    @Nullable IntOrString consecutiveErrorLimit,
    @Nullable IntOrString consecutiveSuccessLimit,
    MetricProvider provider) {

  /** Argo's default: four consecutive errors are tolerated, the fifth ends the metric. */
  public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
}
