package io.rollout4j.api;

import io.rollout4j.manifest.AnalysisValidator;
import io.rollout4j.manifest.Problem;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.Argument;
import io.rollout4j.model.DryRun;
import io.rollout4j.model.MeasurementRetention;
import io.rollout4j.model.Metric;
import io.rollout4j.model.ObjectMeta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Builds an {@link AnalysisTemplate}; see {@link Rollouts#analysisTemplate(String)}. */
public final class AnalysisTemplateBuilder {
  private final String name;
  private @Nullable String namespace;
  private final List<Argument> args = new ArrayList<>();
  private final List<Metric> metrics = new ArrayList<>();
  private final List<DryRun> dryRun = new ArrayList<>();
  private final List<MeasurementRetention> retention = new ArrayList<>();

  AnalysisTemplateBuilder(String name) {
    this.name = Checks.notBlank(name, "metadata.name");
  }

  public AnalysisTemplateBuilder namespace(String namespace) {
    this.namespace = Checks.notBlank(namespace, "metadata.namespace");
    return this;
  }

  /** An argument the rollout must supply. */
  public AnalysisTemplateBuilder arg(String name) {
    args.add(new Argument(Checks.notBlank(name, "spec.args.name"), null, null));
    return this;
  }

  /** An argument with a default value. */
  public AnalysisTemplateBuilder arg(String name, String defaultValue) {
    args.add(Argument.of(Checks.notBlank(name, "spec.args.name"), defaultValue));
    return this;
  }

  /** An argument read from a key of a Secret at measurement time. */
  public AnalysisTemplateBuilder secretArg(String name, String secretName, String key) {
    args.add(
        new Argument(
            name,
            null,
            new Argument.ValueFrom(null, new Argument.SecretKeyRef(secretName, key), null)));
    return this;
  }

  public AnalysisTemplateBuilder metric(String name, Consumer<MetricBuilder> spec) {
    String path = "spec.metrics[" + metrics.size() + "]";
    MetricBuilder builder = new MetricBuilder(Checks.notBlank(name, path + ".name"), path);
    spec.accept(builder);
    metrics.add(builder.build());
    return this;
  }

  public AnalysisTemplateBuilder dryRun(String metricNamePattern) {
    dryRun.add(new DryRun(metricNamePattern));
    return this;
  }

  public AnalysisTemplateBuilder measurementRetention(String metricNamePattern, int limit) {
    retention.add(
        new MeasurementRetention(
            metricNamePattern, Checks.nonNegative(limit, "spec.measurementRetention.limit")));
    return this;
  }

  public AnalysisTemplate build() {
    if (metrics.isEmpty()) {
      throw InvalidSpecException.of("spec.metrics", "at least one metric is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < metrics.size(); i++) {
      if (!names.add(metrics.get(i).name())) {
        throw InvalidSpecException.of(
            "spec.metrics[" + i + "].name",
            "metrics[" + i + "]: duplicate name '" + metrics.get(i).name() + "'");
      }
    }
    AnalysisTemplate template =
        new AnalysisTemplate(
            ObjectMeta.of(name, namespace),
            new AnalysisTemplateSpec(metrics, args, dryRun, retention, List.of()));
    List<Problem> errors =
        AnalysisValidator.validate(template).stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      throw new InvalidSpecException(errors);
    }
    return template;
  }
}
