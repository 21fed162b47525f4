package io.rollout4j.model;

import java.util.Map;

/** Labels and annotations injected into pods or runs ({@code canaryMetadata}, ...). */
public record PodMetadata(Map<String, String> labels, Map<String, String> annotations) {

  public PodMetadata {
    labels = Immutables.map(labels);
    annotations = Immutables.map(annotations);
  }
}
