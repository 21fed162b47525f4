package io.rollout4j.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Analysis requested by a rollout: a step, or blue-green pre/post-promotion analysis. */
public record RolloutAnalysis(
    List<AnalysisTemplateRef> templates,
    List<Argument> args,
    List<DryRun> dryRun,
    List<MeasurementRetention> measurementRetention,
    @Nullable PodMetadata analysisRunMetadata) {

  public RolloutAnalysis {
    templates = Immutables.list(templates);
    args = Immutables.list(args);
    dryRun = Immutables.list(dryRun);
    measurementRetention = Immutables.list(measurementRetention);
  }
}
