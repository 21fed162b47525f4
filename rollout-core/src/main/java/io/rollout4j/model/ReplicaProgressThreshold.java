package io.rollout4j.model;

/** {@code canary.replicaProgressThreshold}: {@code type} Percent or Pods, and a value. */
public record ReplicaProgressThreshold(String type, int value) {}
