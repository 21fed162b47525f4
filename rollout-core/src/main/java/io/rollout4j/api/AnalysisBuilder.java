package io.rollout4j.api;

import io.rollout4j.model.AnalysisTemplateRef;
import io.rollout4j.model.Argument;
import io.rollout4j.model.BackgroundAnalysis;
import io.rollout4j.model.DryRun;
import io.rollout4j.model.MeasurementRetention;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.RolloutAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Analysis requested by a rollout: templates, arguments, dry-run and retention rules. */
public final class AnalysisBuilder {
  private final List<AnalysisTemplateRef> templates = new ArrayList<>();
  private final List<Argument> args = new ArrayList<>();
  private final List<DryRun> dryRun = new ArrayList<>();
  private final List<MeasurementRetention> retention = new ArrayList<>();
  private @Nullable PodMetadata runMetadata;
  private @Nullable Integer startingStep;

  AnalysisBuilder() {}

  static AnalysisBuilder of(Consumer<AnalysisBuilder> spec) {
    AnalysisBuilder builder = new AnalysisBuilder();
    spec.accept(builder);
    return builder;
  }

  public AnalysisBuilder template(String templateName) {
    templates.add(AnalysisTemplateRef.of(Checks.notBlank(templateName, "templates.templateName")));
    return this;
  }

  public AnalysisBuilder clusterTemplate(String templateName) {
    templates.add(
        new AnalysisTemplateRef(Checks.notBlank(templateName, "templates.templateName"), true));
    return this;
  }

  public AnalysisBuilder arg(String name, String value) {
    args.add(Argument.of(Checks.notBlank(name, "args.name"), value));
    return this;
  }

  /** An argument set to the pod-template hash of the {@code Stable} or {@code Latest} RS. */
  public AnalysisBuilder podTemplateHashArg(String name, String stableOrLatest) {
    if (!stableOrLatest.equals("Stable") && !stableOrLatest.equals("Latest")) {
      throw InvalidSpecException.of(
          "args.valueFrom.podTemplateHashValue",
          "expected Stable or Latest, found \"" + stableOrLatest + "\"");
    }
    args.add(new Argument(name, null, new Argument.ValueFrom(stableOrLatest, null, null)));
    return this;
  }

  /** An argument read from a field of the rollout, e.g. {@code metadata.labels['app']}. */
  public AnalysisBuilder fieldRefArg(String name, String fieldPath) {
    args.add(
        new Argument(
            name, null, new Argument.ValueFrom(null, null, new Argument.FieldRef(fieldPath))));
    return this;
  }

  /** Metrics whose name matches the regular expression are measured but never fail the run. */
  public AnalysisBuilder dryRun(String metricNamePattern) {
    dryRun.add(new DryRun(metricNamePattern));
    return this;
  }

  public AnalysisBuilder measurementRetention(String metricNamePattern, int limit) {
    retention.add(
        new MeasurementRetention(
            metricNamePattern, Checks.nonNegative(limit, "measurementRetention.limit")));
    return this;
  }

  public AnalysisBuilder runMetadata(Consumer<MetadataBuilder> metadata) {
    this.runMetadata = MetadataBuilder.of(metadata);
    return this;
  }

  /** Background analysis only: the step index at which the run starts. */
  public AnalysisBuilder startingStep(int step) {
    this.startingStep = Checks.nonNegative(step, "analysis.startingStep");
    return this;
  }

  RolloutAnalysis buildStep() {
    if (startingStep != null) {
      throw InvalidSpecException.of(
          "analysis.startingStep", "startingStep only applies to background analysis");
    }
    return new RolloutAnalysis(templates, args, dryRun, retention, runMetadata);
  }

  BackgroundAnalysis buildBackground() {
    return new BackgroundAnalysis(templates, args, dryRun, retention, runMetadata, startingStep);
  }
}
