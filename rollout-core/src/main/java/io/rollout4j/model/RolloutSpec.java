package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** {@code Rollout.spec}. Nullable fields were absent in the manifest; see the effective getters. */
public record RolloutSpec(
    @Nullable Integer replicas,
    @Nullable LabelSelector selector,
    @Nullable PodTemplateSpec template,
    @Nullable WorkloadRef workloadRef,
    @Nullable Integer minReadySeconds,
    @Nullable Integer revisionHistoryLimit,
    @Nullable Boolean paused,
    @Nullable Integer progressDeadlineSeconds,
    @Nullable Boolean progressDeadlineAbort,
    @Nullable String restartAt,
    @Nullable RollbackWindow rollbackWindow,
    @Nullable AnalysisRunStrategy analysis,
    @Nullable Strategy strategy) {

  public static final int DEFAULT_REPLICAS = 1;
  public static final int DEFAULT_REVISION_HISTORY_LIMIT = 10;
  public static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

  public RolloutSpec withPaused(boolean isPaused) {
    return new RolloutSpec(
        replicas,
        selector,
        template,
        workloadRef,
        minReadySeconds,
        revisionHistoryLimit,
        isPaused ? Boolean.TRUE : null,
        progressDeadlineSeconds,
        progressDeadlineAbort,
        restartAt,
        rollbackWindow,
        analysis,
        strategy);
  }

  public RolloutSpec withRestartAt(@Nullable String newRestartAt) {
    return new RolloutSpec(
        replicas,
        selector,
        template,
        workloadRef,
        minReadySeconds,
        revisionHistoryLimit,
        paused,
        progressDeadlineSeconds,
        progressDeadlineAbort,
        newRestartAt,
        rollbackWindow,
        analysis,
        strategy);
  }

  public RolloutSpec withTemplate(@Nullable PodTemplateSpec newTemplate) {
    return new RolloutSpec(
        replicas,
        selector,
        newTemplate,
        workloadRef,
        minReadySeconds,
        revisionHistoryLimit,
        paused,
        progressDeadlineSeconds,
        progressDeadlineAbort,
        restartAt,
        rollbackWindow,
        analysis,
        strategy);
  }

  public int effectiveReplicas() {
    return replicas == null ? DEFAULT_REPLICAS : replicas;
  }

  public int effectiveRevisionHistoryLimit() {
    return revisionHistoryLimit == null ? DEFAULT_REVISION_HISTORY_LIMIT : revisionHistoryLimit;
  }

  public int effectiveProgressDeadlineSeconds() {
    return progressDeadlineSeconds == null
        ? DEFAULT_PROGRESS_DEADLINE_SECONDS
        : progressDeadlineSeconds;
  }

  public int effectiveMinReadySeconds() {
    return minReadySeconds == null ? 0 : minReadySeconds;
  }

  public boolean isPaused() {
    return Boolean.TRUE.equals(paused);
  }

  public @Nullable CanaryStrategy canary() {
    return strategy instanceof CanaryStrategy c ? c : null;
  }

  public @Nullable BlueGreenStrategy blueGreen() {
    return strategy instanceof BlueGreenStrategy b ? b : null;
  }
}
