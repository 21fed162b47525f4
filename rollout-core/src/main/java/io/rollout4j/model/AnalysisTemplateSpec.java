package io.rollout4j.model;

import java.util.List;

/** The spec shared by AnalysisTemplate and ClusterAnalysisTemplate. */
public record AnalysisTemplateSpec(
    List<Metric> metrics,
    List<Argument> args,
    List<DryRun> dryRun,
    List<MeasurementRetention> measurementRetention,
    List<AnalysisTemplateRef> templates) {

  public AnalysisTemplateSpec {
    metrics = Immutables.list(metrics);
    args = Immutables.list(args);
    dryRun = Immutables.list(dryRun);
    measurementRetention = Immutables.list(measurementRetention);
    templates = Immutables.list(templates);
  }
}
