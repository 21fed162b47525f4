package io.rollout4j.manifest;

import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.Step;
import io.rollout4j.model.Strategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The wire shape of the model's sealed types: an object with exactly one of several keys, each
 * selecting a variant. Kept here so that the model carries no wire annotations.
 */
final class OneOf {

  /** How a variant's payload (the value under its key) maps to the variant record. */
  enum Payload {
    /** The payload is the variant's own fields: {@code pause: {duration: 10m}}. */
    FIELDS,
    /** The payload is the variant's single component: {@code setWeight: 10}. */
    SINGLE,
    /** Generic fallback: {@code Other(type, config)} with the key as type. */
    GENERIC
  }

  record Variant(String key, Class<?> type, Payload payload) {}

  private final Class<?> sealedType;
  private final Map<String, Variant> byKey;
  private final String noneMessage;
  private final String multipleMessage;
  private final boolean emptyMeansAbsent;

  private OneOf(
      Class<?> sealedType,
      List<Variant> variants,
      String noneMessage,
      String multipleMessage,
      boolean emptyMeansAbsent) {
    this.sealedType = sealedType;
    Map<String, Variant> map = new LinkedHashMap<>();
    for (Variant v : variants) {
      map.put(v.key(), v);
    }
    this.byKey = map;
    this.noneMessage = noneMessage;
    this.multipleMessage = multipleMessage;
    this.emptyMeansAbsent = emptyMeansAbsent;
  }

  static final String STEP_KINDS_MESSAGE = Step.MULTIPLE_KINDS_MESSAGE;

  private static final OneOf STRATEGY =
      new OneOf(
          Strategy.class,
          List.of(
              new Variant("canary", CanaryStrategy.class, Payload.FIELDS),
              new Variant("blueGreen", BlueGreenStrategy.class, Payload.FIELDS)),
          "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
          "Multiple Strategies can not be listed",
          // An empty strategy decodes as absent so the validator reports it in Argo's words.
          true);

  private static final OneOf STEP =
      new OneOf(
          Step.class,
          List.of(
              new Variant("setWeight", Step.SetWeight.class, Payload.SINGLE),
              new Variant("pause", Step.Pause.class, Payload.FIELDS),
              new Variant("analysis", Step.Analysis.class, Payload.SINGLE),
              new Variant("setCanaryScale", Step.SetCanaryScale.class, Payload.FIELDS),
              new Variant("setHeaderRoute", Step.SetHeaderRoute.class, Payload.FIELDS),
              new Variant("setMirrorRoute", Step.SetMirrorRoute.class, Payload.FIELDS),
              new Variant("experiment", Step.Experiment.class, Payload.FIELDS),
              new Variant("plugin", Step.Plugin.class, Payload.FIELDS)),
          STEP_KINDS_MESSAGE,
          STEP_KINDS_MESSAGE,
          false);

  /** Argo's providers that Rollout4j keeps as written without typing them. */
  static final List<String> OTHER_PROVIDERS =
      List.of(
          "kayenta",
          "datadog",
          "wavefront",
          "newRelic",
          "cloudWatch",
          "graphite",
          "influxdb",
          "plugin");

  private static final OneOf PROVIDER = provider();

  private static OneOf provider() {
    List<Variant> variants = new java.util.ArrayList<>();
    variants.add(new Variant("skywalking", MetricProvider.SkyWalking.class, Payload.FIELDS));
    variants.add(new Variant("prometheus", MetricProvider.Prometheus.class, Payload.FIELDS));
    variants.add(new Variant("web", MetricProvider.Web.class, Payload.FIELDS));
    variants.add(new Variant("job", MetricProvider.Job.class, Payload.FIELDS));
    for (String key : OTHER_PROVIDERS) {
      variants.add(new Variant(key, MetricProvider.Other.class, Payload.GENERIC));
    }
    String keys = String.join(", ", variants.stream().map(Variant::key).toList());
    return new OneOf(
        MetricProvider.class,
        variants,
        "expected exactly one provider, one of: " + keys,
        "expected exactly one provider, found several",
        false);
  }

  static @Nullable OneOf forType(Class<?> type) {
    if (type == Strategy.class) {
      return STRATEGY;
    }
    if (type == Step.class) {
      return STEP;
    }
    if (type == MetricProvider.class) {
      return PROVIDER;
    }
    return null;
  }

  Class<?> sealedType() {
    return sealedType;
  }

  Map<String, Variant> variants() {
    return byKey;
  }

  Variant variant(String key) {
    Variant variant = byKey.get(key);
    if (variant == null) {
      throw new IllegalStateException("no variant " + key + " of " + sealedType);
    }
    return variant;
  }

  String noneMessage() {
    return noneMessage;
  }

  String multipleMessage() {
    return multipleMessage;
  }

  boolean emptyMeansAbsent() {
    return emptyMeansAbsent;
  }

  /** Whether several variants may share one object (only steps: see {@link Step.Combined}). */
  boolean combinable() {
    return sealedType == Step.class;
  }

  /** The key a value of the sealed type is written under. */
  String keyOf(Object value) {
    if (value instanceof MetricProvider.Other other) {
      return other.type();
    }
    for (Variant v : byKey.values()) {
      if (v.type() == value.getClass()) {
        return v.key();
      }
    }
    throw new IllegalStateException("no wire key for " + value.getClass());
  }
}
