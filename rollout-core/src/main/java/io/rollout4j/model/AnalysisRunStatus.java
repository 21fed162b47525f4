package io.rollout4j.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** {@code AnalysisRun.status}: the run's phase and every metric's measurements. */
public record AnalysisRunStatus(
    @Nullable AnalysisPhase phase,
    @Nullable String message,
    List<MetricResult> metricResults,
    @Nullable String startedAt,
    @Nullable String completedAt,
    @Nullable RunSummary runSummary,
    @Nullable RunSummary dryRunSummary) {

  public AnalysisRunStatus {
    metricResults = Immutables.list(metricResults);
  }

  /** One metric's results. */
  public record MetricResult(
      String name,
      @Nullable AnalysisPhase phase,
      List<Measurement> measurements,
      @Nullable String message,
      @Nullable Integer count,
      @Nullable Integer successful,
      @Nullable Integer failed,
      @Nullable Integer inconclusive,
      @Nullable Integer error,
      @Nullable Integer consecutiveError,
      @Nullable Integer consecutiveSuccess,
      @Nullable Boolean dryRun,
      Map<String, String> metadata) {
    public MetricResult {
      measurements = Immutables.list(measurements);
      metadata = Immutables.map(metadata);
    }
  }

  /** One measurement; {@code value} is the provider's result as a string. */
  public record Measurement(
      @Nullable AnalysisPhase phase,
      @Nullable String message,
      @Nullable String startedAt,
      @Nullable String finishedAt,
      @Nullable String value,
      Map<String, String> metadata,
      @Nullable String resumeAt) {
    public Measurement {
      startedAt = Immutables.shared(startedAt);
      finishedAt = Immutables.shared(finishedAt);
      metadata = Immutables.map(metadata);
    }
  }

  /** Counts of metrics by outcome. */
  public record RunSummary(
      @Nullable Integer count,
      @Nullable Integer successful,
      @Nullable Integer failed,
      @Nullable Integer inconclusive,
      @Nullable Integer error) {}
}
