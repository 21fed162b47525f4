package io.rollout4j.api;

import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** One metric of an analysis template: schedule, conditions, limits and provider. */
public final class MetricBuilder {
  private final String name;
  private final String path;
  private @Nullable String interval;
  private @Nullable String initialDelay;
  private @Nullable IntOrString count;
  private @Nullable String successCondition;
  private @Nullable String failureCondition;
  private @Nullable IntOrString failureLimit;
  private @Nullable IntOrString inconclusiveLimit;
  private @Nullable IntOrString consecutiveErrorLimit;
  private @Nullable IntOrString consecutiveSuccessLimit;
  private @Nullable MetricProvider provider;

  MetricBuilder(String name, String path) {
    this.name = name;
    this.path = path;
  }

  public MetricBuilder interval(Duration interval) {
    this.interval = DurationStrings.format(positive(interval, ".interval"));
    return this;
  }

  public MetricBuilder initialDelay(Duration delay) {
    this.initialDelay = DurationStrings.format(positive(delay, ".initialDelay"));
    return this;
  }

  public MetricBuilder count(int count) {
    this.count = IntOrString.of(Checks.nonNegative(count, path + ".count"));
    return this;
  }

  /** A condition on {@code result}, in Argo's expression language. */
  public MetricBuilder successCondition(String expression) {
    this.successCondition = Checks.condition(expression, path + ".successCondition");
    return this;
  }

  public MetricBuilder failureCondition(String expression) {
    this.failureCondition = Checks.condition(expression, path + ".failureCondition");
    return this;
  }

  /** Failed measurements tolerated; -1 disables the limit. */
  public MetricBuilder failureLimit(int limit) {
    if (limit < -1) {
      throw InvalidSpecException.of(path + ".failureLimit", "must be at least -1, found " + limit);
    }
    this.failureLimit = IntOrString.of(limit);
    return this;
  }

  public MetricBuilder inconclusiveLimit(int limit) {
    this.inconclusiveLimit = IntOrString.of(Checks.nonNegative(limit, path + ".inconclusiveLimit"));
    return this;
  }

  public MetricBuilder consecutiveErrorLimit(int limit) {
    this.consecutiveErrorLimit =
        IntOrString.of(Checks.nonNegative(limit, path + ".consecutiveErrorLimit"));
    return this;
  }

  public MetricBuilder consecutiveSuccessLimit(int limit) {
    this.consecutiveSuccessLimit =
        IntOrString.of(Checks.nonNegative(limit, path + ".consecutiveSuccessLimit"));
    return this;
  }

  /** The SkyWalking provider: a GraphQL query against {@code address}, over {@code window}. */
  public MetricBuilder skywalking(String address, String query, Duration window) {
    this.provider =
        new MetricProvider.SkyWalking(
            Checks.notBlank(address, path + ".provider.skywalking.address"),
            Checks.notBlank(query, path + ".provider.skywalking.query"),
            DurationStrings.format(positive(window, ".provider.skywalking.interval")));
    return this;
  }

  /** Any provider, typed or not. */
  public MetricBuilder provider(MetricProvider provider) {
    this.provider = provider;
    return this;
  }

  private Duration positive(Duration d, String field) {
    if (d.isNegative() || d.isZero()) {
      throw InvalidSpecException.of(path + field, "must be a positive duration, found " + d);
    }
    return d;
  }

  Metric build() {
    if (provider == null) {
      throw InvalidSpecException.of(path + ".provider", "a metric needs a provider");
    }
    return new Metric(
        name,
        interval,
        initialDelay,
        count,
        successCondition,
        failureCondition,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        provider);
  }
}
