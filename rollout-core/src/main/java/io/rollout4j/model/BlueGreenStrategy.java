package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/** {@code spec.strategy.blueGreen}. Defaults are Argo's; see the effective getters. */
public record BlueGreenStrategy(
    @Nullable String activeService,
    @Nullable String previewService,
    @Nullable Integer previewReplicaCount,
    @Nullable Boolean autoPromotionEnabled,
    @Nullable Integer autoPromotionSeconds,
    @Nullable IntOrString maxUnavailable,
    @Nullable Integer scaleDownDelaySeconds,
    @Nullable Integer scaleDownDelayRevisionLimit,
    @Nullable RolloutAnalysis prePromotionAnalysis,
    @Nullable RolloutAnalysis postPromotionAnalysis,
    @Nullable AntiAffinity antiAffinity,
    @Nullable PodMetadata previewMetadata,
    @Nullable PodMetadata activeMetadata,
    @Nullable Integer abortScaleDownDelaySeconds)
    implements Strategy {

  public static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
  public static final int DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;

  public boolean isAutoPromotionEnabled() {
    return autoPromotionEnabled == null || autoPromotionEnabled;
  }

  public int effectiveScaleDownDelaySeconds() {
    return scaleDownDelaySeconds == null ? DEFAULT_SCALE_DOWN_DELAY_SECONDS : scaleDownDelaySeconds;
  }
}
