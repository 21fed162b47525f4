package io.rollout4j.api;

import io.rollout4j.model.AntiAffinity;
import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.RolloutAnalysis;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The blue-green strategy: active and preview Services, promotion, analysis. */
public final class BlueGreenBuilder {
  private final String activeService;
  private @Nullable String previewService;
  private @Nullable Integer previewReplicaCount;
  private @Nullable Boolean autoPromotionEnabled;
  private @Nullable Integer autoPromotionSeconds;
  private @Nullable Integer scaleDownDelaySeconds;
  private @Nullable Integer scaleDownDelayRevisionLimit;
  private @Nullable RolloutAnalysis prePromotionAnalysis;
  private @Nullable RolloutAnalysis postPromotionAnalysis;
  private @Nullable AntiAffinity antiAffinity;
  private @Nullable PodMetadata previewMetadata;
  private @Nullable PodMetadata activeMetadata;
  private @Nullable Integer abortScaleDownDelaySeconds;

  BlueGreenBuilder(String activeService) {
    this.activeService = Checks.notBlank(activeService, "spec.strategy.blueGreen.activeService");
  }

  public BlueGreenBuilder previewService(String name) {
    this.previewService = Checks.notBlank(name, "spec.strategy.blueGreen.previewService");
    return this;
  }

  public BlueGreenBuilder previewReplicaCount(int replicas) {
    this.previewReplicaCount =
        Checks.nonNegative(replicas, "spec.strategy.blueGreen.previewReplicaCount");
    return this;
  }

  public BlueGreenBuilder autoPromotionEnabled(boolean enabled) {
    this.autoPromotionEnabled = enabled;
    return this;
  }

  public BlueGreenBuilder autoPromotionSeconds(int seconds) {
    this.autoPromotionSeconds =
        Checks.nonNegative(seconds, "spec.strategy.blueGreen.autoPromotionSeconds");
    return this;
  }

  public BlueGreenBuilder scaleDownDelaySeconds(int seconds) {
    this.scaleDownDelaySeconds =
        Checks.nonNegative(seconds, "spec.strategy.blueGreen.scaleDownDelaySeconds");
    return this;
  }

  public BlueGreenBuilder scaleDownDelayRevisionLimit(int limit) {
    this.scaleDownDelayRevisionLimit =
        Checks.nonNegative(limit, "spec.strategy.blueGreen.scaleDownDelayRevisionLimit");
    return this;
  }

  public BlueGreenBuilder abortScaleDownDelaySeconds(int seconds) {
    this.abortScaleDownDelaySeconds =
        Checks.nonNegative(seconds, "spec.strategy.blueGreen.abortScaleDownDelaySeconds");
    return this;
  }

  public BlueGreenBuilder prePromotionAnalysis(Consumer<AnalysisBuilder> spec) {
    this.prePromotionAnalysis = AnalysisBuilder.of(spec).buildStep();
    return this;
  }

  public BlueGreenBuilder postPromotionAnalysis(Consumer<AnalysisBuilder> spec) {
    this.postPromotionAnalysis = AnalysisBuilder.of(spec).buildStep();
    return this;
  }

  public BlueGreenBuilder requiredAntiAffinity() {
    this.antiAffinity =
        new AntiAffinity(null, new AntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution());
    return this;
  }

  public BlueGreenBuilder previewMetadata(Consumer<MetadataBuilder> spec) {
    this.previewMetadata = MetadataBuilder.of(spec);
    return this;
  }

  public BlueGreenBuilder activeMetadata(Consumer<MetadataBuilder> spec) {
    this.activeMetadata = MetadataBuilder.of(spec);
    return this;
  }

  BlueGreenStrategy build() {
    return new BlueGreenStrategy(
        activeService,
        previewService,
        previewReplicaCount,
        autoPromotionEnabled,
        autoPromotionSeconds,
        null,
        scaleDownDelaySeconds,
        scaleDownDelayRevisionLimit,
        prePromotionAnalysis,
        postPromotionAnalysis,
        antiAffinity,
        previewMetadata,
        activeMetadata,
        abortScaleDownDelaySeconds);
  }
}
