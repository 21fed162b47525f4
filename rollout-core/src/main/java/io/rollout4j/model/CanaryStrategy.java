package io.rollout4j.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code spec.strategy.canary}. Defaults are Argo's; see the effective getters. */
public record CanaryStrategy(
    @Nullable String canaryService,
    @Nullable String stableService,
    List<Step> steps,
    @Nullable TrafficRouting trafficRouting,
    @Nullable IntOrString maxUnavailable,
    @Nullable IntOrString maxSurge,
    @Nullable BackgroundAnalysis analysis,
    @Nullable AntiAffinity antiAffinity,
    @Nullable PodMetadata canaryMetadata,
    @Nullable PodMetadata stableMetadata,
    @Nullable Integer scaleDownDelaySeconds,
    @Nullable Integer scaleDownDelayRevisionLimit,
    @Nullable Integer abortScaleDownDelaySeconds,
    @Nullable Boolean dynamicStableScale,
    @Nullable Integer minPodsPerReplicaSet,
    @Nullable PingPong pingPong,
    @Nullable ReplicaProgressThreshold replicaProgressThreshold)
    implements Strategy {

  /** Argo's default for maxSurge and maxUnavailable: the string "25", read as 25%. */
  public static final IntOrString DEFAULT_MAX_SURGE = IntOrString.of("25");

  public static final IntOrString DEFAULT_MAX_UNAVAILABLE = IntOrString.of("25");
  public static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;

  public CanaryStrategy {
    steps = Immutables.list(steps);
  }

  public IntOrString effectiveMaxSurge() {
    return maxSurge == null ? DEFAULT_MAX_SURGE : maxSurge;
  }

  public IntOrString effectiveMaxUnavailable() {
    return maxUnavailable == null ? DEFAULT_MAX_UNAVAILABLE : maxUnavailable;
  }

  public boolean isDynamicStableScale() {
    return Boolean.TRUE.equals(dynamicStableScale);
  }

  public boolean hasTrafficRouting() {
    return trafficRouting != null;
  }
}
