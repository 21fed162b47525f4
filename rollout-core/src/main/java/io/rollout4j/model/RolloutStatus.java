package io.rollout4j.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code Rollout.status} with Argo's field names, so Argo CD's health check and {@code kubectl argo
 * rollouts get} read it. {@code observedGeneration} is a string, as in Argo.
 */
public record RolloutStatus(
    @Nullable Boolean abort,
    List<PauseCondition> pauseConditions,
    @Nullable Boolean controllerPause,
    @Nullable String abortedAt,
    @Nullable String currentPodHash,
    @Nullable String currentStepHash,
    @Nullable Integer replicas,
    @Nullable Integer updatedReplicas,
    @Nullable Integer readyReplicas,
    @Nullable Integer availableReplicas,
    @Nullable Integer currentStepIndex,
    @Nullable Integer collisionCount,
    @Nullable String observedGeneration,
    List<Condition> conditions,
    @Nullable CanaryStatus canary,
    @Nullable BlueGreenStatus blueGreen,
    @Nullable Integer HPAReplicas,
    @Nullable String selector,
    @Nullable String stableRS,
    @Nullable String restartedAt,
    @Nullable Boolean promoteFull,
    @Nullable RolloutPhase phase,
    @Nullable String message,
    @Nullable String workloadObservedGeneration,
    @Nullable Map<String, Object> alb,
    List<Map<String, Object>> albs,
    @Nullable Map<String, Object> duration) {

  public RolloutStatus {
    pauseConditions = Immutables.list(pauseConditions);
    conditions = Immutables.list(conditions);
    alb = alb == null ? null : Immutables.jsonMap(alb);
    albs = albs == null ? List.of() : albs.stream().map(Immutables::jsonMap).toList();
    duration = duration == null ? null : Immutables.jsonMap(duration);
  }

  public boolean isAborted() {
    return Boolean.TRUE.equals(abort);
  }

  /** {@code status.pauseConditions[]}: why and since when the controller paused. */
  public record PauseCondition(PauseReason reason, String startTime) {}

  /** {@code status.conditions[]}: Progressing, Available, Healthy, Completed, InvalidSpec, ... */
  public record Condition(
      String type,
      String status,
      @Nullable String reason,
      @Nullable String message,
      @Nullable String lastUpdateTime,
      @Nullable String lastTransitionTime) {}

  /** {@code status.canary}. */
  public record CanaryStatus(
      @Nullable RunStatus currentStepAnalysisRunStatus,
      @Nullable RunStatus currentBackgroundAnalysisRunStatus,
      @Nullable String currentExperiment,
      @Nullable Weights weights,
      @Nullable String stablePingPong,
      List<Map<String, Object>> stepPluginStatuses) {
    public CanaryStatus {
      stepPluginStatuses =
          stepPluginStatuses == null
              ? List.of()
              : stepPluginStatuses.stream().map(Immutables::jsonMap).toList();
    }
  }

  /** {@code status.blueGreen}. */
  public record BlueGreenStatus(
      @Nullable String previewSelector,
      @Nullable String activeSelector,
      @Nullable Boolean scaleUpPreviewCheckPoint,
      @Nullable RunStatus prePromotionAnalysisRunStatus,
      @Nullable RunStatus postPromotionAnalysisRunStatus) {}

  /** The name and phase of an AnalysisRun a rollout is waiting on. */
  public record RunStatus(
      String name, io.rollout4j.analysis.AnalysisPhase status, @Nullable String message) {}

  /** {@code status.canary.weights}: the split last written to the router. */
  public record Weights(
      WeightDestination canary,
      WeightDestination stable,
      List<WeightDestination> additional,
      @Nullable Boolean verified) {
    public Weights {
      additional = Immutables.list(additional);
    }
  }

  /** One side of the traffic split. */
  public record WeightDestination(
      int weight, @Nullable String serviceName, @Nullable String podTemplateHash) {}
}
