package io.rollout4j.model;

/** {@code spec.strategy}: exactly one of {@code canary} or {@code blueGreen}. */
public sealed interface Strategy permits CanaryStrategy, BlueGreenStrategy {}
