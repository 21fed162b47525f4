package io.rollout4j.api;

import io.rollout4j.model.PodMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and annotations for canary/stable/active/preview pods or analysis runs. */
public final class MetadataBuilder {
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();

  MetadataBuilder() {}

  static PodMetadata of(java.util.function.Consumer<MetadataBuilder> spec) {
    MetadataBuilder builder = new MetadataBuilder();
    spec.accept(builder);
    return builder.build();
  }

  public MetadataBuilder label(String key, String value) {
    labels.put(Checks.notBlank(key, "labels key"), value);
    return this;
  }

  public MetadataBuilder annotation(String key, String value) {
    annotations.put(Checks.notBlank(key, "annotations key"), value);
    return this;
  }

  PodMetadata build() {
    return new PodMetadata(labels, annotations);
  }
}
