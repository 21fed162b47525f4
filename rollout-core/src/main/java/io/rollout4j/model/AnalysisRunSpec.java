package io.rollout4j.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code AnalysisRun.spec}. */
public record AnalysisRunSpec(
    List<Metric> metrics,
    List<Argument> args,
    @Nullable Boolean terminate,
    List<DryRun> dryRun,
    List<MeasurementRetention> measurementRetention,
    @Nullable TtlStrategy ttlStrategy) {

  public AnalysisRunSpec {
    metrics = Immutables.list(metrics);
    args = Immutables.list(args);
    dryRun = Immutables.list(dryRun);
    measurementRetention = Immutables.list(measurementRetention);
  }

  /** When finished runs are deleted. */
  public record TtlStrategy(
      @Nullable Integer secondsAfterCompletion,
      @Nullable Integer secondsAfterFailure,
      @Nullable Integer secondsAfterSuccess) {}
}
