package io.rollout4j.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    albs = Immutables.jsonMaps(albs);
    duration = duration == null ? null : Immutables.jsonMap(duration);
  }

  public boolean isAborted() {
    return Boolean.TRUE.equals(abort);
  }

  /** An empty status to fill in. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this status, to derive a changed copy. */
  public Builder toBuilder() {
    return Builder.from(this);
  }

  /** Builds a status field by field; unset fields stay absent. */
  public static final class Builder {
    private @Nullable Boolean abort;
    private List<PauseCondition> pauseConditions = List.of();
    private @Nullable Boolean controllerPause;
    private @Nullable String abortedAt;
    private @Nullable String currentPodHash;
    private @Nullable String currentStepHash;
    private @Nullable Integer replicas;
    private @Nullable Integer updatedReplicas;
    private @Nullable Integer readyReplicas;
    private @Nullable Integer availableReplicas;
    private @Nullable Integer currentStepIndex;
    private @Nullable Integer collisionCount;
    private @Nullable String observedGeneration;
    private List<Condition> conditions = List.of();
    private @Nullable CanaryStatus canary;
    private @Nullable BlueGreenStatus blueGreen;
    private @Nullable Integer HPAReplicas;
    private @Nullable String selector;
    private @Nullable String stableRS;
    private @Nullable String restartedAt;
    private @Nullable Boolean promoteFull;
    private @Nullable RolloutPhase phase;
    private @Nullable String message;
    private @Nullable String workloadObservedGeneration;
    private @Nullable Map<String, Object> alb;
    private List<Map<String, Object>> albs = List.of();
    private @Nullable Map<String, Object> duration;

    /** The status this builder started from or last built; returned again while nothing differs. */
    private @Nullable RolloutStatus last;

    private Builder() {}

    private static Builder from(RolloutStatus s) {
      Builder b = new Builder();
      b.abort = s.abort;
      b.pauseConditions = s.pauseConditions;
      b.controllerPause = s.controllerPause;
      b.abortedAt = s.abortedAt;
      b.currentPodHash = s.currentPodHash;
      b.currentStepHash = s.currentStepHash;
      b.replicas = s.replicas;
      b.updatedReplicas = s.updatedReplicas;
      b.readyReplicas = s.readyReplicas;
      b.availableReplicas = s.availableReplicas;
      b.currentStepIndex = s.currentStepIndex;
      b.collisionCount = s.collisionCount;
      b.observedGeneration = s.observedGeneration;
      b.conditions = s.conditions;
      b.canary = s.canary;
      b.blueGreen = s.blueGreen;
      b.HPAReplicas = s.HPAReplicas;
      b.selector = s.selector;
      b.stableRS = s.stableRS;
      b.restartedAt = s.restartedAt;
      b.promoteFull = s.promoteFull;
      b.phase = s.phase;
      b.message = s.message;
      b.workloadObservedGeneration = s.workloadObservedGeneration;
      b.alb = s.alb;
      b.albs = s.albs;
      b.duration = s.duration;
      b.last = s;
      return b;
    }

    public Builder abort(@Nullable Boolean abort) {
      this.abort = abort;
      return this;
    }

    public Builder pauseConditions(List<PauseCondition> pauseConditions) {
      this.pauseConditions = pauseConditions;
      return this;
    }

    public Builder controllerPause(@Nullable Boolean controllerPause) {
      this.controllerPause = controllerPause;
      return this;
    }

    public Builder abortedAt(@Nullable String abortedAt) {
      this.abortedAt = abortedAt;
      return this;
    }

    public Builder currentPodHash(@Nullable String currentPodHash) {
      this.currentPodHash = currentPodHash;
      return this;
    }

    public Builder currentStepHash(@Nullable String currentStepHash) {
      this.currentStepHash = currentStepHash;
      return this;
    }

    public Builder replicas(@Nullable Integer replicas) {
      this.replicas = replicas;
      return this;
    }

    public Builder updatedReplicas(@Nullable Integer updatedReplicas) {
      this.updatedReplicas = updatedReplicas;
      return this;
    }

    public Builder readyReplicas(@Nullable Integer readyReplicas) {
      this.readyReplicas = readyReplicas;
      return this;
    }

    public Builder availableReplicas(@Nullable Integer availableReplicas) {
      this.availableReplicas = availableReplicas;
      return this;
    }

    public Builder currentStepIndex(@Nullable Integer currentStepIndex) {
      this.currentStepIndex = currentStepIndex;
      return this;
    }

    public Builder collisionCount(@Nullable Integer collisionCount) {
      this.collisionCount = collisionCount;
      return this;
    }

    public Builder observedGeneration(@Nullable String observedGeneration) {
      this.observedGeneration = observedGeneration;
      return this;
    }

    public Builder conditions(List<Condition> conditions) {
      this.conditions = conditions;
      return this;
    }

    public Builder canary(@Nullable CanaryStatus canary) {
      this.canary = canary;
      return this;
    }

    public Builder blueGreen(@Nullable BlueGreenStatus blueGreen) {
      this.blueGreen = blueGreen;
      return this;
    }

    public Builder HPAReplicas(@Nullable Integer HPAReplicas) {
      this.HPAReplicas = HPAReplicas;
      return this;
    }

    public Builder selector(@Nullable String selector) {
      this.selector = selector;
      return this;
    }

    public Builder stableRS(@Nullable String stableRS) {
      this.stableRS = stableRS;
      return this;
    }

    public Builder restartedAt(@Nullable String restartedAt) {
      this.restartedAt = restartedAt;
      return this;
    }

    public Builder promoteFull(@Nullable Boolean promoteFull) {
      this.promoteFull = promoteFull;
      return this;
    }

    public Builder phase(@Nullable RolloutPhase phase) {
      this.phase = phase;
      return this;
    }

    public Builder message(@Nullable String message) {
      this.message = message;
      return this;
    }

    public Builder workloadObservedGeneration(@Nullable String workloadObservedGeneration) {
      this.workloadObservedGeneration = workloadObservedGeneration;
      return this;
    }

    public Builder alb(@Nullable Map<String, Object> alb) {
      this.alb = alb;
      return this;
    }

    public Builder albs(List<Map<String, Object>> albs) {
      this.albs = albs;
      return this;
    }

    public Builder duration(@Nullable Map<String, Object> duration) {
      this.duration = duration;
      return this;
    }

    /**
     * The status with the fields set so far. When they equal those of the status the builder came
     * from (or built last), that same instance is returned: the engine derives a status on every
     * reconcile, and most reconciles change nothing.
     */
    public RolloutStatus build() {
      RolloutStatus previous = last;
      if (previous != null && sameAs(previous)) {
        return previous;
      }
      RolloutStatus built =
          new RolloutStatus(
              abort,
              pauseConditions,
              controllerPause,
              abortedAt,
              currentPodHash,
              currentStepHash,
              replicas,
              updatedReplicas,
              readyReplicas,
              availableReplicas,
              currentStepIndex,
              collisionCount,
              observedGeneration,
              conditions,
              canary,
              blueGreen,
              HPAReplicas,
              selector,
              stableRS,
              restartedAt,
              promoteFull,
              phase,
              message,
              workloadObservedGeneration,
              alb,
              albs,
              duration);
      last = built;
      return built;
    }

    private boolean sameAs(RolloutStatus s) {
      return Objects.equals(abort, s.abort)
          && Objects.equals(pauseConditions, s.pauseConditions)
          && Objects.equals(controllerPause, s.controllerPause)
          && Objects.equals(abortedAt, s.abortedAt)
          && Objects.equals(currentPodHash, s.currentPodHash)
          && Objects.equals(currentStepHash, s.currentStepHash)
          && Objects.equals(replicas, s.replicas)
          && Objects.equals(updatedReplicas, s.updatedReplicas)
          && Objects.equals(readyReplicas, s.readyReplicas)
          && Objects.equals(availableReplicas, s.availableReplicas)
          && Objects.equals(currentStepIndex, s.currentStepIndex)
          && Objects.equals(collisionCount, s.collisionCount)
          && Objects.equals(observedGeneration, s.observedGeneration)
          && Objects.equals(conditions, s.conditions)
          && Objects.equals(canary, s.canary)
          && Objects.equals(blueGreen, s.blueGreen)
          && Objects.equals(HPAReplicas, s.HPAReplicas)
          && Objects.equals(selector, s.selector)
          && Objects.equals(stableRS, s.stableRS)
          && Objects.equals(restartedAt, s.restartedAt)
          && Objects.equals(promoteFull, s.promoteFull)
          && Objects.equals(phase, s.phase)
          && Objects.equals(message, s.message)
          && Objects.equals(workloadObservedGeneration, s.workloadObservedGeneration)
          && Objects.equals(alb, s.alb)
          && Objects.equals(albs, s.albs)
          && Objects.equals(duration, s.duration);
    }
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
      @Nullable String lastTransitionTime) {
    public Condition {
      reason = Immutables.shared(reason);
      message = Immutables.shared(message);
      lastUpdateTime = Immutables.shared(lastUpdateTime);
      lastTransitionTime = Immutables.shared(lastTransitionTime);
    }
  }

  /** {@code status.canary}. */
  public record CanaryStatus(
      @Nullable RunStatus currentStepAnalysisRunStatus,
      @Nullable RunStatus currentBackgroundAnalysisRunStatus,
      @Nullable String currentExperiment,
      @Nullable Weights weights,
      @Nullable String stablePingPong,
      List<Map<String, Object>> stepPluginStatuses) {
    public CanaryStatus {
      stepPluginStatuses = Immutables.jsonMaps(stepPluginStatuses);
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
  public record RunStatus(String name, AnalysisPhase status, @Nullable String message) {}

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
