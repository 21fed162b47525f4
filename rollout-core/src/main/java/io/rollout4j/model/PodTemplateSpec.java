package io.rollout4j.model;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A pod template. The pod spec is kept as the JSON-like tree the user wrote, so it round-trips
 * exactly and its hash is independent of which pod fields Rollout4j knows about.
 */
public record PodTemplateSpec(@Nullable ObjectMeta metadata, Map<String, Object> spec) {

  public PodTemplateSpec {
    spec = Immutables.jsonMap(spec);
  }

  /** The template's labels, empty when it has no metadata. */
  public Map<String, String> labels() {
    return metadata == null ? Map.of() : metadata.labels();
  }
}
