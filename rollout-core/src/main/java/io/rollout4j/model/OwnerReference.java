package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** A Kubernetes owner reference; Rollout4j sets one from each ReplicaSet and run to its rollout. */
public record OwnerReference(
    String apiVersion,
    String kind,
    String name,
    String uid,
    @Nullable Boolean controller,
    @Nullable Boolean blockOwnerDeletion) {}
