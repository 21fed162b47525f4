package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** Argo's {@code Rollout}: spec and, when present, its status. */
public record Rollout(ObjectMeta metadata, RolloutSpec spec, @Nullable RolloutStatus status)
    implements Resource {

  public static final String KIND = "Rollout";

  @Override
  public String apiVersion() {
    return ARGO_API_VERSION;
  }

  @Override
  public String kind() {
    return KIND;
  }

  public Rollout withStatus(@Nullable RolloutStatus newStatus) {
    return new Rollout(metadata, spec, newStatus);
  }

  public Rollout withSpec(RolloutSpec newSpec) {
    return new Rollout(metadata, newSpec, status);
  }

  public Rollout withMetadata(ObjectMeta newMetadata) {
    return new Rollout(newMetadata, spec, status);
  }
}
