package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** {@code canary.pingPong}: two Services whose stable and canary roles alternate. */
public record PingPong(@Nullable String pingService, @Nullable String pongService) {}
