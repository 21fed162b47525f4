package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** {@code spec.analysis}: how many finished AnalysisRuns to keep (5 and 5 by default). */
public record AnalysisRunStrategy(
    @Nullable Integer successfulRunHistoryLimit, @Nullable Integer unsuccessfulRunHistoryLimit) {}
