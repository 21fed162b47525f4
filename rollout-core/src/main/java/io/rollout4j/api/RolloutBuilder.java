package io.rollout4j.api;

import io.rollout4j.manifest.Problem;
import io.rollout4j.manifest.RolloutValidator;
import io.rollout4j.model.AnalysisRunStrategy;
import io.rollout4j.model.LabelSelector;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.RollbackWindow;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutSpec;
import io.rollout4j.model.Strategy;
import io.rollout4j.model.WorkloadRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Builds a {@link Rollout}; see {@link Rollouts#rollout(String)}. */
public final class RolloutBuilder {
  private final String name;
  private @Nullable String namespace;
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private @Nullable Integer replicas;
  private final Map<String, String> selector = new LinkedHashMap<>();
  private @Nullable PodTemplateSpec template;
  private @Nullable WorkloadRef workloadRef;
  private @Nullable Integer minReadySeconds;
  private @Nullable Integer revisionHistoryLimit;
  private @Nullable Boolean paused;
  private @Nullable Integer progressDeadlineSeconds;
  private @Nullable Boolean progressDeadlineAbort;
  private @Nullable RollbackWindow rollbackWindow;
  private @Nullable AnalysisRunStrategy analysisHistory;
  private @Nullable Strategy strategy;

  RolloutBuilder(String name) {
    this.name = Checks.notBlank(name, "metadata.name");
  }

  public RolloutBuilder namespace(String namespace) {
    this.namespace = Checks.notBlank(namespace, "metadata.namespace");
    return this;
  }

  public RolloutBuilder label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public RolloutBuilder annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  public RolloutBuilder replicas(int replicas) {
    this.replicas = Checks.nonNegative(replicas, "spec.replicas");
    return this;
  }

  /** Adds a {@code selector.matchLabels} entry. */
  public RolloutBuilder selector(String key, String value) {
    selector.put(Checks.notBlank(key, "spec.selector.matchLabels"), value);
    return this;
  }

  /** The pod template: labels and the pod spec as a JSON-like map. */
  public RolloutBuilder template(Map<String, String> podLabels, Map<String, Object> podSpec) {
    this.template = new PodTemplateSpec(ObjectMeta.ofLabels(podLabels, Map.of()), podSpec);
    return this;
  }

  public RolloutBuilder workloadRef(WorkloadRef workloadRef) {
    this.workloadRef = workloadRef;
    return this;
  }

  public RolloutBuilder minReadySeconds(int seconds) {
    this.minReadySeconds = Checks.nonNegative(seconds, "spec.minReadySeconds");
    return this;
  }

  public RolloutBuilder revisionHistoryLimit(int limit) {
    this.revisionHistoryLimit = Checks.nonNegative(limit, "spec.revisionHistoryLimit");
    return this;
  }

  public RolloutBuilder paused(boolean paused) {
    this.paused = paused;
    return this;
  }

  public RolloutBuilder progressDeadlineSeconds(int seconds) {
    this.progressDeadlineSeconds = Checks.nonNegative(seconds, "spec.progressDeadlineSeconds");
    return this;
  }

  public RolloutBuilder progressDeadlineAbort(boolean abort) {
    this.progressDeadlineAbort = abort;
    return this;
  }

  public RolloutBuilder rollbackWindow(int revisions) {
    this.rollbackWindow =
        new RollbackWindow(Checks.nonNegative(revisions, "spec.rollbackWindow.revisions"));
    return this;
  }

  public RolloutBuilder analysisRunHistory(int successful, int unsuccessful) {
    this.analysisHistory =
        new AnalysisRunStrategy(
            Checks.nonNegative(successful, "spec.analysis.successfulRunHistoryLimit"),
            Checks.nonNegative(unsuccessful, "spec.analysis.unsuccessfulRunHistoryLimit"));
    return this;
  }

  public RolloutBuilder canary(Consumer<CanaryBuilder> spec) {
    CanaryBuilder builder = new CanaryBuilder();
    spec.accept(builder);
    this.strategy = builder.build();
    return this;
  }

  public RolloutBuilder blueGreen(String activeService, Consumer<BlueGreenBuilder> spec) {
    BlueGreenBuilder builder = new BlueGreenBuilder(activeService);
    spec.accept(builder);
    this.strategy = builder.build();
    return this;
  }

  /**
   * The rollout, after running every InvalidSpec rule.
   *
   * @throws InvalidSpecException listing every problem, each with its path
   */
  public Rollout build() {
    ObjectMeta metadata = ObjectMeta.owned(name, namespace, labels, annotations, List.of());
    RolloutSpec spec =
        new RolloutSpec(
            replicas,
            selector.isEmpty() ? null : LabelSelector.matchLabels(selector),
            template,
            workloadRef,
            minReadySeconds,
            revisionHistoryLimit,
            paused,
            progressDeadlineSeconds,
            progressDeadlineAbort,
            null,
            rollbackWindow,
            analysisHistory,
            strategy);
    Rollout rollout = new Rollout(metadata, spec, null);
    List<Problem> problems = RolloutValidator.validate(rollout);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return rollout;
  }
}
