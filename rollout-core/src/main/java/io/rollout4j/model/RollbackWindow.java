package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** {@code spec.rollbackWindow}: rollbacks within the last N revisions skip all steps. */
public record RollbackWindow(@Nullable Integer revisions) {}
