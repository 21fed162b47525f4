package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** Pod anti-affinity against the previous ReplicaSet: exactly one of the two rules. */
public record AntiAffinity(
    @Nullable PreferredDuringSchedulingIgnoredDuringExecution
        preferredDuringSchedulingIgnoredDuringExecution,
    @Nullable RequiredDuringSchedulingIgnoredDuringExecution
        requiredDuringSchedulingIgnoredDuringExecution) {

  /** The soft rule, with a weight of 1 to 100. */
  public record PreferredDuringSchedulingIgnoredDuringExecution(int weight) {}

  /** The hard rule; it has no parameters. */
  public record RequiredDuringSchedulingIgnoredDuringExecution() {}
}
