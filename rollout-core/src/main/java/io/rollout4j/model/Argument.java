package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/**
 * An analysis argument, on a template ({@code value} default or {@code valueFrom.secretKeyRef} /
 * {@code fieldRef}), a rollout ({@code value} or {@code valueFrom.podTemplateHashValue} / {@code
 * fieldRef}) or a run.
 */
public record Argument(String name, @Nullable String value, @Nullable ValueFrom valueFrom) {

  public static Argument of(String name, String value) {
    return new Argument(name, value, null);
  }

  /** Where an argument's value comes from when it is not given literally. */
  public record ValueFrom(
      @Nullable String podTemplateHashValue,
      @Nullable SecretKeyRef secretKeyRef,
      @Nullable FieldRef fieldRef) {}

  /** A key of a Secret in the run's namespace. */
  public record SecretKeyRef(String name, String key) {}

  /** A field of the rollout, e.g. {@code metadata.labels['app']}. */
  public record FieldRef(String fieldPath) {}
}
