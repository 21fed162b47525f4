package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.testkit.RolloutInvariantProperties.Kind;
import io.rollout4j.testkit.RolloutInvariantProperties.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random interleavings of time, user actions, new and crash-looping revisions, analysis that passes
 * or fails, engine restarts and port faults against blue-green rollouts, with the Service safety
 * rules checked after every reconcile pass.
 */
class BlueGreenInvariantProperties {

  private static final String NS = "apps";

  private static final String ANALYSIS =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: AnalysisTemplate
      metadata: {name: smoke}
      spec:
        args: [{name: hash}]
        metrics:
        - name: smoke
          count: 2
          interval: 20s
          successCondition: result == 'ok'
          provider:
            web: {url: "http://bg-preview/health?revision={{args.hash}}"}
      """;

  private static String manifest(String image, String... blueGreen) {
    StringBuilder extra = new StringBuilder();
    for (String line : blueGreen) {
      extra.append("      ").append(line).append('\n');
    }
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: bg-active}
        spec: {selector: {app: bg}, ports: [{port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: bg-preview}
        spec: {selector: {app: bg}, ports: [{port: 80}]}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: bg}
        spec:
          replicas: 4
          revisionHistoryLimit: 3
          selector: {matchLabels: {app: bg}}
          template:
            metadata: {labels: {app: bg}}
            spec:
              containers: [{name: app, image: "%s"}]
          strategy:
            blueGreen:
              activeService: bg-active
              previewService: bg-preview
        %s"""
        .formatted(image, extra);
  }

  private static final String[] MANUAL = {
    "autoPromotionEnabled: false",
    "previewReplicaCount: 2",
    "scaleDownDelaySeconds: 45",
    "scaleDownDelayRevisionLimit: 2"
  };

  private static final String LATEST = "{name: hash, valueFrom: {podTemplateHashValue: Latest}}";

  private static final String[] ANALYSED = {
    "autoPromotionSeconds: 40",
    "prePromotionAnalysis: {templates: [{templateName: smoke}], args: [" + LATEST + "]}",
    "postPromotionAnalysis: {templates: [{templateName: smoke}], args: [" + LATEST + "]}",
    "abortScaleDownDelaySeconds: 20"
  };

  @Provide
  Arbitrary<List<Op>> scenarios() {
    return new RolloutInvariantProperties().scenarios();
  }

  @Property(tries = 250)
  void manualPromotionNeverPointsTheActiveServiceAtUnavailablePods(
      @ForAll("scenarios") List<Op> ops) {
    RolloutHarness harness = deployed(MANUAL);
    harness.afterEveryPass(new ServiceSafety(harness));
    RolloutInvariantProperties.run(harness, ops, revisions(MANUAL));
  }

  @Property(tries = 250)
  void analysedPromotionNeverPointsTheActiveServiceAtUnavailablePods(
      @ForAll("scenarios") List<Op> ops) {
    RolloutHarness harness = deployed(ANALYSED);
    harness.afterEveryPass(new ServiceSafety(harness));
    RolloutInvariantProperties.run(harness, ops, revisions(ANALYSED));
  }

  @Property(tries = 120)
  void restartsAndFaultsConvergeToTheSameEndStateAsAnUninterruptedRun(
      @ForAll("scenarios") List<Op> ops) {
    List<Op> steady =
        ops.stream()
            .filter(o -> o.kind() == Kind.ADVANCE || o.kind() == Kind.NEW_REVISION)
            .toList();
    RolloutHarness calm = deployed(ANALYSED);
    RolloutHarness troubled = deployed(ANALYSED);
    List<String> revisions = revisions(ANALYSED);
    int revision = 0;
    int opIndex = 0;
    for (Op op : steady) {
      if (op.kind() == Kind.NEW_REVISION) {
        String next = revisions.get(revision++ % revisions.size());
        calm.apply(NS, next);
        troubled.apply(NS, next);
        continue;
      }
      calm.advance(Duration.ofSeconds(op.seconds()));
      troubled.cluster().faults().failWithProbability(0.3, op.seconds() + opIndex);
      troubled.advance(Duration.ofSeconds(op.seconds() / 2));
      troubled.restartEngine();
      troubled.advance(Duration.ofSeconds(op.seconds() - op.seconds() / 2));
      opIndex++;
    }
    troubled.cluster().faults().clear();
    calm.advance(Duration.ofHours(2));
    troubled.advance(Duration.ofHours(2));

    assertThat(endState(troubled)).isEqualTo(endState(calm));
    assertThat(calm.rollout(NS, "bg").status().phase())
        .isIn(RolloutPhase.HEALTHY, RolloutPhase.DEGRADED);
  }

  private static RolloutHarness deployed(String... blueGreen) {
    RolloutHarness harness = RolloutHarness.create();
    // About one revision in three fails its analysis, the same one every time it is measured.
    harness
        .metrics()
        .script(
            "web",
            request ->
                Math.floorMod(String.valueOf(request.provider().get("url")).hashCode(), 3) == 0
                    ? "503"
                    : "ok");
    harness.apply(NS, ANALYSIS);
    harness.apply(NS, manifest("app:1", blueGreen));
    harness.advance(Duration.ofMinutes(1));
    assertThat(harness.rollout(NS, "bg").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    return harness;
  }

  private static List<String> revisions(String... blueGreen) {
    List<String> out = new ArrayList<>();
    for (int v = 2; v < 40; v++) {
      out.add(manifest("app:" + v, blueGreen));
    }
    return out;
  }

  private static Map<String, Object> endState(RolloutHarness harness) {
    RolloutStatus status = harness.rollout(NS, "bg").status();
    Map<String, Integer> replicas = new TreeMap<>();
    for (Resource r : harness.cluster().list("ReplicaSet", NS)) {
      GenericResource rs = (GenericResource) r;
      replicas.put(
          rs.metadata().labels().get("rollouts-pod-template-hash"),
          ((Number) rs.path("spec", "replicas")).intValue());
    }
    return Map.of(
        "stable", String.valueOf(status.stableRS()),
        "current", String.valueOf(status.currentPodHash()),
        "phase", String.valueOf(status.phase()),
        "active", BlueGreenTest.selector(harness, NS, "bg-active"),
        "preview", BlueGreenTest.selector(harness, NS, "bg-preview"),
        "replicas", replicas);
  }

  /**
   * The active Service only ever moves to a ReplicaSet whose pods are all available, and once it
   * selects a revision that revision always has available pods behind it.
   */
  private static final class ServiceSafety implements java.util.function.Consumer<RolloutHarness> {
    private String lastActive;

    ServiceSafety(RolloutHarness harness) {
      this.lastActive = BlueGreenTest.selector(harness, NS, "bg-active");
    }

    @Override
    public void accept(RolloutHarness harness) {
      String active = BlueGreenTest.selector(harness, NS, "bg-active");
      if (active.equals("null")) {
        assertThat(lastActive).as("the active Service lost its selector").isEqualTo("null");
        return;
      }
      int available = RolloutInvariantProperties.available(harness, NS, active);
      assertThat(available)
          .as("available pods behind the active Service (%s)", active)
          .isPositive();
      if (!active.equals(lastActive)) {
        RolloutStatus status = harness.rollout(NS, "bg").status();
        if (!active.equals(status.stableRS()) || lastActive.equals("null")) {
          assertThat(available)
              .as("available pods of %s when the active Service switched to it", active)
              .isGreaterThanOrEqualTo(4);
        }
      }
      lastActive = active;
    }
  }
}
