package io.rollout4j.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code canary.analysis}: one run for the whole update, started at {@code startingStep}. */
public record BackgroundAnalysis(
    List<AnalysisTemplateRef> templates,
    List<Argument> args,
    List<DryRun> dryRun,
    List<MeasurementRetention> measurementRetention,
    @Nullable PodMetadata analysisRunMetadata,
    @Nullable Integer startingStep) {

  public BackgroundAnalysis {
    templates = Immutables.list(templates);
    args = Immutables.list(args);
    dryRun = Immutables.list(dryRun);
    measurementRetention = Immutables.list(measurementRetention);
  }

  public int effectiveStartingStep() {
    return startingStep == null ? 0 : startingStep;
  }

  /** The same request without the starting step. */
  public RolloutAnalysis analysis() {
    return new RolloutAnalysis(templates, args, dryRun, measurementRetention, analysisRunMetadata);
  }
}
