package io.rollout4j.api;

import io.rollout4j.model.AntiAffinity;
import io.rollout4j.model.BackgroundAnalysis;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.IstioTrafficRouting;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.Step;
import io.rollout4j.model.TrafficRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The canary strategy: steps in order, traffic routing, analysis, pod metadata. */
public final class CanaryBuilder {
  private @Nullable String canaryService;
  private @Nullable String stableService;
  private final List<Step> steps = new ArrayList<>();
  private @Nullable IstioTrafficRouting istio;
  private final List<TrafficRouting.ManagedRoute> managedRoutes = new ArrayList<>();
  private @Nullable IntOrString maxSurge;
  private @Nullable IntOrString maxUnavailable;
  private @Nullable BackgroundAnalysis analysis;
  private @Nullable AntiAffinity antiAffinity;
  private @Nullable PodMetadata canaryMetadata;
  private @Nullable PodMetadata stableMetadata;
  private @Nullable Integer scaleDownDelaySeconds;
  private @Nullable Integer scaleDownDelayRevisionLimit;
  private @Nullable Integer abortScaleDownDelaySeconds;
  private @Nullable Boolean dynamicStableScale;
  private @Nullable Integer minPodsPerReplicaSet;

  CanaryBuilder() {}

  private String stepPath() {
    return "spec.strategy.canary.steps[" + steps.size() + "]";
  }

  public CanaryBuilder canaryService(String name) {
    this.canaryService = Checks.notBlank(name, "spec.strategy.canary.canaryService");
    return this;
  }

  public CanaryBuilder stableService(String name) {
    this.stableService = Checks.notBlank(name, "spec.strategy.canary.stableService");
    return this;
  }

  /** {@code setWeight}: 0 to 100. */
  public CanaryBuilder setWeight(int weight) {
    if (weight < 0 || weight > 100) {
      throw InvalidSpecException.of(
          stepPath() + ".setWeight", "SetWeight needs to be between 0 and 100");
    }
    steps.add(Step.setWeight(weight));
    return this;
  }

  /** An indefinite pause: the rollout waits for a promote. */
  public CanaryBuilder pause() {
    steps.add(Step.pause());
    return this;
  }

  /** A timed pause, written as Argo users write it ({@code 10m}, {@code 1h30m}). */
  public CanaryBuilder pause(Duration duration) {
    if (duration.isNegative()) {
      throw InvalidSpecException.of(
          stepPath() + ".pause.duration", "Duration needs to be greater than 0");
    }
    steps.add(Step.pause(duration));
    return this;
  }

  /** An analysis step: the rollout waits for the run to succeed. */
  public CanaryBuilder analysis(Consumer<AnalysisBuilder> spec) {
    steps.add(new Step.Analysis(AnalysisBuilder.of(spec).buildStep()));
    return this;
  }

  public CanaryBuilder setCanaryScaleReplicas(int replicas) {
    steps.add(
        new Step.SetCanaryScale(
            Checks.nonNegative(replicas, stepPath() + ".setCanaryScale.replicas"), null, null));
    return this;
  }

  public CanaryBuilder setCanaryScaleWeight(int weight) {
    steps.add(
        new Step.SetCanaryScale(
            null, Checks.nonNegative(weight, stepPath() + ".setCanaryScale.weight"), null));
    return this;
  }

  public CanaryBuilder setCanaryScaleMatchTrafficWeight() {
    steps.add(new Step.SetCanaryScale(null, null, true));
    return this;
  }

  /** Sends requests whose header matches exactly to the canary; the route must be managed. */
  public CanaryBuilder setHeaderRoute(String routeName, String headerName, String exactValue) {
    steps.add(
        new Step.SetHeaderRoute(
            routeName,
            List.of(new Step.HeaderRoutingMatch(headerName, Step.StringMatch.exact(exactValue)))));
    return this;
  }

  /** Removes a header route set earlier. */
  public CanaryBuilder removeHeaderRoute(String routeName) {
    steps.add(new Step.SetHeaderRoute(routeName, List.of()));
    return this;
  }

  /** Any step, for the kinds without a shortcut here (mirror routes, experiments, plugins). */
  public CanaryBuilder step(Step step) {
    steps.add(step);
    return this;
  }

  /** Istio traffic routing. */
  public CanaryBuilder istio(Consumer<IstioBuilder> spec) {
    IstioBuilder builder = new IstioBuilder();
    spec.accept(builder);
    this.istio = builder.build();
    return this;
  }

  /** Routes the controller may create and delete for header and mirror steps. */
  public CanaryBuilder managedRoutes(String... names) {
    for (String name : names) {
      managedRoutes.add(new TrafficRouting.ManagedRoute(name));
    }
    return this;
  }

  public CanaryBuilder maxSurge(int pods) {
    this.maxSurge = IntOrString.of(Checks.nonNegative(pods, "spec.strategy.canary.maxSurge"));
    return this;
  }

  public CanaryBuilder maxSurgePercent(int percent) {
    this.maxSurge =
        IntOrString.percent(Checks.nonNegative(percent, "spec.strategy.canary.maxSurge"));
    return this;
  }

  public CanaryBuilder maxUnavailable(int pods) {
    this.maxUnavailable =
        IntOrString.of(Checks.nonNegative(pods, "spec.strategy.canary.maxUnavailable"));
    return this;
  }

  public CanaryBuilder maxUnavailablePercent(int percent) {
    this.maxUnavailable =
        IntOrString.percent(Checks.nonNegative(percent, "spec.strategy.canary.maxUnavailable"));
    return this;
  }

  /** Background analysis: one run for the whole update. */
  public CanaryBuilder backgroundAnalysis(Consumer<AnalysisBuilder> spec) {
    this.analysis = AnalysisBuilder.of(spec).buildBackground();
    return this;
  }

  public CanaryBuilder canaryMetadata(Consumer<MetadataBuilder> spec) {
    this.canaryMetadata = MetadataBuilder.of(spec);
    return this;
  }

  public CanaryBuilder stableMetadata(Consumer<MetadataBuilder> spec) {
    this.stableMetadata = MetadataBuilder.of(spec);
    return this;
  }

  public CanaryBuilder preferredAntiAffinity(int weight) {
    if (weight < 1 || weight > 100) {
      throw InvalidSpecException.of(
          "spec.strategy.canary.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight",
          "AntiAffinity weight must be between 1 and 100, found " + weight);
    }
    this.antiAffinity =
        new AntiAffinity(
            new AntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution(weight), null);
    return this;
  }

  public CanaryBuilder requiredAntiAffinity() {
    this.antiAffinity =
        new AntiAffinity(null, new AntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution());
    return this;
  }

  public CanaryBuilder scaleDownDelaySeconds(int seconds) {
    this.scaleDownDelaySeconds =
        Checks.nonNegative(seconds, "spec.strategy.canary.scaleDownDelaySeconds");
    return this;
  }

  public CanaryBuilder scaleDownDelayRevisionLimit(int limit) {
    this.scaleDownDelayRevisionLimit =
        Checks.nonNegative(limit, "spec.strategy.canary.scaleDownDelayRevisionLimit");
    return this;
  }

  public CanaryBuilder abortScaleDownDelaySeconds(int seconds) {
    this.abortScaleDownDelaySeconds =
        Checks.nonNegative(seconds, "spec.strategy.canary.abortScaleDownDelaySeconds");
    return this;
  }

  public CanaryBuilder dynamicStableScale(boolean enabled) {
    this.dynamicStableScale = enabled;
    return this;
  }

  public CanaryBuilder minPodsPerReplicaSet(int pods) {
    this.minPodsPerReplicaSet =
        Checks.nonNegative(pods, "spec.strategy.canary.minPodsPerReplicaSet");
    return this;
  }

  CanaryStrategy build() {
    TrafficRouting routing =
        istio == null
            ? null
            : new TrafficRouting(
                istio, null, null, null, null, null, null, null, null, managedRoutes, null);
    if (routing == null && !managedRoutes.isEmpty()) {
      throw InvalidSpecException.of(
          "spec.strategy.canary.trafficRouting.managedRoutes",
          "managed routes need a traffic router (call istio(...))");
    }
    return new CanaryStrategy(
        canaryService,
        stableService,
        steps,
        routing,
        maxUnavailable,
        maxSurge,
        analysis,
        antiAffinity,
        canaryMetadata,
        stableMetadata,
        scaleDownDelaySeconds,
        scaleDownDelayRevisionLimit,
        abortScaleDownDelaySeconds,
        dynamicStableScale,
        minPodsPerReplicaSet,
        null,
        null);
  }
}
