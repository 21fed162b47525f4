package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decision-level specifications of the rules both strategies share: a state of the cluster in, the
 * actions and status out of {@link Reconciler#decide}. Each rule is checked on a canary and on a
 * blue-green rollout, so the two cannot drift apart again.
 */
class SharedRulesSpecTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  enum Strategy {
    CANARY,
    BLUE_GREEN
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void olderRevisionsKeepTheirPodsUntilTheDeadlineOnlyWithinTheRevisionLimit(Strategy strategy) {
    Scenario s = new Scenario(strategy, "scaleDownDelayRevisionLimit: 1");
    s.promoted();
    s.replicaSet("rev1", 1, 2, NOW.plusSeconds(20));
    s.replicaSet("rev2", 2, 2, NOW.plusSeconds(20));
    s.replicaSet("rev3", 3, 2, NOW.plusSeconds(25));

    Decision decision = s.decide();

    // The newest older revision keeps its pods until its deadline; the others go now.
    assertThat(scaledTo(decision)).containsExactlyInAnyOrderEntriesOf(Map.of("rev1", 0, "rev2", 0));
    assertThat(decision.requeueAfter()).isEqualTo(Duration.ofSeconds(25));
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void aFailedRunAbortsTheUpdateSayingWhichAnalysisFailed(Strategy strategy) {
    Scenario s = new Scenario(strategy, "");
    s.updating();
    s.run("Failed", "metric \"success\" assessed Failed");

    Decision decision = s.decide();

    String which =
        strategy == Strategy.CANARY ? "Step-based analysis" : "Blue/green pre-promotion analysis";
    String reason = which + " phase error/failed: metric \"success\" assessed Failed";
    assertThat(decision.status().isAborted()).isTrue();
    assertThat(decision.status().abortedAt()).isEqualTo(NOW.toString());
    assertThat(events(decision))
        .contains(
            "AnalysisRunFailed: Analysis Run 'r-run' Status New: 'Failed'",
            "RolloutAborted: Rollout aborted update to revision 2: " + reason);
    RolloutStatus.Condition progressing =
        StatusRules.find(decision.status().conditions(), StatusRules.PROGRESSING);
    assertThat(progressing.reason()).isEqualTo("RolloutAborted");
    assertThat(progressing.message()).endsWith(reason);
    assertThat(decision.actions()).noneMatch(a -> a instanceof Action.CreateAnalysisRun);
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void anInconclusiveRunPausesTheUpdate(Strategy strategy) {
    Scenario s = new Scenario(strategy, "");
    s.updating();
    s.run("Inconclusive", null);

    Decision decision = s.decide();

    assertThat(decision.status().isAborted()).isFalse();
    assertThat(decision.status().pauseConditions())
        .extracting(c -> c.reason().argoName())
        .containsExactly("InconclusiveAnalysisRun");
    assertThat(decision.status().controllerPause()).isTrue();
    assertThat(decision.actions()).noneMatch(a -> a instanceof Action.CreateAnalysisRun);
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void promotingPastAnInconclusiveRunStartsANewOne(Strategy strategy) {
    Scenario s = new Scenario(strategy, "");
    s.updating();
    s.run("Inconclusive", null);
    s.recordedInconclusiveAndPromoted();

    Decision decision = s.decide();

    assertThat(decision.actions())
        .filteredOn(a -> a instanceof Action.CreateAnalysisRun)
        .singleElement()
        .satisfies(
            a ->
                assertThat(((Action.CreateAnalysisRun) a).run().name())
                    .isEqualTo("r-" + s.hash + (strategy == Strategy.CANARY ? "-2-0" : "-2-pre")));
    assertThat(decision.status().pauseConditions()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void theUpdateIsRetriedWithANewRunAfterAFailedOne(Strategy strategy) {
    Scenario s = new Scenario(strategy, "");
    s.updating();
    s.run("Failed", "failed");
    s.retried();

    Decision decision = s.decide();

    assertThat(decision.status().isAborted()).isFalse();
    assertThat(decision.actions())
        .filteredOn(a -> a instanceof Action.CreateAnalysisRun)
        .hasSize(1);
  }

  // ---------------------------------------------------------------- scenario

  private static Map<String, Integer> scaledTo(Decision decision) {
    Map<String, Integer> scaled = new java.util.TreeMap<>();
    for (Action a : decision.actions()) {
      if (a instanceof Action.UpdateReplicaSet u && u.fromReplicas() != u.toReplicas()) {
        scaled.put(String.valueOf(u.replicaSet().metadata().name()), u.toReplicas());
      }
    }
    return scaled;
  }

  private static List<String> events(Decision decision) {
    List<String> events = new ArrayList<>();
    for (Action a : decision.actions()) {
      if (a instanceof Action.Event e) {
        events.add(e.reason() + ": " + e.message());
      }
    }
    return events;
  }

  /** A rollout of 2 replicas, its ReplicaSets, Services, runs and template, built step by step. */
  private static final class Scenario {
    private final Strategy strategy;
    private final Rollout rollout;
    private final String hash;
    private final List<GenericResource> replicaSets = new ArrayList<>();
    private final List<AnalysisRun> runs = new ArrayList<>();
    private RolloutStatus.Builder status;
    private @Nullable String activeHash;
    private @Nullable TrafficSplit traffic;

    Scenario(Strategy strategy, String extraStrategyField) {
      this.strategy = strategy;
      String body =
          strategy == Strategy.CANARY
              ? "canary: {canaryService: canary, stableService: stable, "
                  + extraStrategyField
                  + (extraStrategyField.isEmpty() ? "" : ", ")
                  + "trafficRouting: {istio: {destinationRule: {name: dr, canarySubsetName: c,"
                  + " stableSubsetName: s}, virtualService: {name: vs, routes: [primary]}}},"
                  + " steps: [{analysis: {templates: [{templateName: t}]}}, {setWeight: 50}]}"
              : "blueGreen: {activeService: active, "
                  + extraStrategyField
                  + (extraStrategyField.isEmpty() ? "" : ", ")
                  + "prePromotionAnalysis: {templates: [{templateName: t}]}}";
      this.rollout =
          Manifests.parseOne(
              """
              apiVersion: argoproj.io/v1alpha1
              kind: Rollout
              metadata: {name: r, namespace: n, uid: u1}
              spec:
                replicas: 2
                selector: {matchLabels: {app: r}}
                template: {metadata: {labels: {app: r}}, spec: {containers: [{name: r, image: r:2}]}}
                strategy:
                  %s
              """
                  .formatted(body),
              Rollout.class);
      this.hash = PodTemplateHash.of(rollout.spec().template(), null);
      this.status =
          RolloutStatus.builder()
              .currentPodHash(hash)
              .currentStepHash(strategy == Strategy.CANARY ? CanarySteps.hashOf(steps()) : null);
    }

    private List<Step> steps() {
      return rollout.spec().canary().steps();
    }

    /** The current revision (4) is stable, at full size, and carries everything. */
    void promoted() {
      status.stableRS(hash).currentStepIndex(strategy == Strategy.CANARY ? 2 : null);
      replicaSet(hash, 4, 2, null);
      activeHash = hash;
      traffic = TrafficSplit.of(0, hash, hash);
    }

    /** Revision 2 is being rolled out over revision 1, waiting on its first analysis. */
    void updating() {
      status.stableRS("old").currentStepIndex(strategy == Strategy.CANARY ? 0 : null);
      replicaSet("old", 1, 2, null);
      replicaSet(hash, 2, strategy == Strategy.CANARY ? 0 : 2, null);
      activeHash = "old";
      traffic = TrafficSplit.of(0, "old", "old");
    }

    /** The analysis run of the first step or of pre-promotion, in this phase. */
    void run(String phase, @Nullable String message) {
      String role = strategy == Strategy.CANARY ? "Step" : "PrePromotion";
      runs.add(
          Manifests.parseOne(
              """
              apiVersion: argoproj.io/v1alpha1
              kind: AnalysisRun
              metadata:
                name: r-run
                namespace: n
                creationTimestamp: "2026-06-01T11:50:00Z"
                labels: {rollouts-pod-template-hash: %s, rollout-type: %s, step-index: "0"}
              spec: {metrics: [{name: success, provider: {web: {url: "http://x"}}}]}
              status: {phase: %s%s}
              """
                  .formatted(
                      hash,
                      role,
                      phase,
                      message == null ? "" : ", message: '" + message.replace("'", "''") + "'"),
              AnalysisRun.class));
    }

    /** The rollout reported the run inconclusive, paused, and a human promoted past the pause. */
    void recordedInconclusiveAndPromoted() {
      RolloutStatus.RunStatus recorded =
          new RolloutStatus.RunStatus("r-run", io.rollout4j.model.AnalysisPhase.INCONCLUSIVE, null);
      if (strategy == Strategy.CANARY) {
        status.canary(new RolloutStatus.CanaryStatus(recorded, null, null, null, null, List.of()));
      } else {
        status.blueGreen(new RolloutStatus.BlueGreenStatus(hash, "old", null, recorded, null));
      }
      status.controllerPause(true);
    }

    /** The update was aborted and a human retried it (abort cleared, abortedAt kept). */
    void retried() {
      status.abortedAt(NOW.minusSeconds(60).toString());
    }

    void replicaSet(String replicaSetHash, int revision, int replicas, @Nullable Instant deadline) {
      String name = replicaSetHash.startsWith("rev") ? replicaSetHash : "r-" + replicaSetHash;
      replicaSets.add(
          Manifests.parseOne(
              """
              apiVersion: apps/v1
              kind: ReplicaSet
              metadata:
                name: %s
                namespace: n
                labels: {app: r, rollouts-pod-template-hash: %s}
                annotations: {%s: "%d"%s}
              spec: {replicas: %d}
              status: {replicas: %d, readyReplicas: %d, availableReplicas: %d}
              """
                  .formatted(
                      name,
                      replicaSetHash,
                      RolloutLabels.REVISION,
                      revision,
                      deadline == null
                          ? ""
                          : ", " + RolloutLabels.SCALE_DOWN_DEADLINE + ": \"" + deadline + "\"",
                      replicas,
                      replicas,
                      replicas,
                      replicas),
              GenericResource.class));
    }

    private GenericResource service(String name, @Nullable String selected) {
      return Manifests.parseOne(
          """
          apiVersion: v1
          kind: Service
          metadata: {name: %s, namespace: n}
          spec: {selector: {app: r%s}}
          """
              .formatted(
                  name,
                  selected == null ? "" : ", " + RolloutLabels.POD_TEMPLATE_HASH + ": " + selected),
          GenericResource.class);
    }

    Decision decide() {
      Map<String, GenericResource> services =
          strategy == Strategy.CANARY
              ? Map.of("canary", service("canary", null), "stable", service("stable", null))
              : Map.of("active", service("active", activeHash));
      AnalysisTemplateSpec template =
          Manifests.parseOne(
                  """
                  apiVersion: argoproj.io/v1alpha1
                  kind: AnalysisTemplate
                  metadata: {name: t, namespace: n}
                  spec: {metrics: [{name: success, provider: {web: {url: "http://x"}}}]}
                  """,
                  io.rollout4j.model.AnalysisTemplate.class)
              .spec();
      Observation observation =
          new Observation(
              replicaSets,
              null,
              null,
              strategy == Strategy.CANARY ? traffic : null,
              runs,
              List.of(),
              Map.of("t", template),
              Map.of(),
              services,
              null,
              null);
      return Reconciler.decide(rollout.withStatus(status.build()), observation, NOW);
    }
  }
}
