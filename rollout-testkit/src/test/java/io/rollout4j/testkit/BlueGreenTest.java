package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The blue-green strategy end to end, from Argo's own manifests and our own. */
@ExtendWith(RolloutHarnessExtension.class)
class BlueGreenTest {

  private static final String NS = "shop";

  static final String SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: shop-active}
      spec:
        selector: {app: shop}
        ports: [{port: 80, targetPort: 8080}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: shop-preview}
      spec:
        selector: {app: shop}
        ports: [{port: 80, targetPort: 8080}]
      """;

  static final String PASSING_TEMPLATE =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: AnalysisTemplate
      metadata: {name: smoke}
      spec:
        metrics:
        - name: smoke
          count: 2
          interval: 20s
          successCondition: result == 'ok'
          provider:
            web: {url: "http://shop-preview/health"}
      """;

  /** A shop Rollout with a blue-green block given as YAML flow mappings, one per line. */
  static String rollout(String image, int replicas, String... blueGreen) {
    StringBuilder strategy = new StringBuilder();
    for (String line : blueGreen) {
      strategy.append("      ").append(line).append('\n');
    }
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: %d
          revisionHistoryLimit: 5
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec:
              containers: [{name: shop, image: "%s"}]
          strategy:
            blueGreen:
              activeService: shop-active
              previewService: shop-preview
        %s"""
        .formatted(replicas, image, strategy);
  }

  static String selector(RolloutHarness harness, String namespace, String service) {
    GenericResource s =
        (GenericResource) harness.cluster().get("Service", namespace, service).orElseThrow();
    return String.valueOf(s.path("spec", "selector", "rollouts-pod-template-hash"));
  }

  /** spec.replicas by image, e.g. {@code {shop:1=3, shop:2=1}}. */
  static Map<String, Integer> replicasByImage(RolloutHarness harness, String namespace) {
    Map<String, Integer> out = new TreeMap<>();
    for (Resource r : harness.cluster().list("ReplicaSet", namespace)) {
      GenericResource rs = (GenericResource) r;
      out.merge(imageOf(rs), ((Number) rs.path("spec", "replicas")).intValue(), Integer::sum);
    }
    return out;
  }

  static String imageOf(GenericResource rs) {
    Object containers = rs.path("spec", "template", "spec", "containers");
    return String.valueOf(((Map<?, ?>) ((List<?>) containers).get(0)).get("image"));
  }

  static String hashOf(RolloutHarness harness, String namespace, String image) {
    for (Resource r : harness.cluster().list("ReplicaSet", namespace)) {
      GenericResource rs = (GenericResource) r;
      if (imageOf(rs).equals(image)) {
        return rs.metadata().labels().get("rollouts-pod-template-hash");
      }
    }
    throw new AssertionError("no ReplicaSet runs " + image);
  }

  private static RolloutStatus status(RolloutHarness harness) {
    return harness.rollout(NS, "shop").status();
  }

  private static void deployV1(RolloutHarness harness, String... blueGreen) {
    harness.apply(NS, SERVICES);
    harness.apply(NS, rollout("shop:1", 3, blueGreen));
    harness.advance(Duration.ofMinutes(1));
  }

  @Test
  void argosExampleFirstDeployPointsBothServicesAtTheOnlyRevision(RolloutHarness harness) {
    harness.apply("demo", Seed.read("argo-rollouts-examples/examples/rollout-bluegreen.yaml"));
    harness.advance(Duration.ofSeconds(9));
    // Nothing is available yet, so the active Service does not select the new pods.
    assertThat(selector(harness, "demo", "rollout-bluegreen-active")).isEqualTo("null");

    harness.advance(Duration.ofMinutes(1));

    RolloutStatus status = harness.rollout("demo", "rollout-bluegreen").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.blueGreen().activeSelector())
        .isEqualTo(status.blueGreen().previewSelector())
        .isEqualTo(status.stableRS())
        .isEqualTo(selector(harness, "demo", "rollout-bluegreen-active"))
        .isEqualTo(selector(harness, "demo", "rollout-bluegreen-preview"));
    assertThat(status.availableReplicas()).isEqualTo(2);
    assertThat(status.selector())
        .isEqualTo("app=rollout-bluegreen,rollouts-pod-template-hash=" + status.stableRS());
    GenericResource active =
        (GenericResource)
            harness.cluster().get("Service", "demo", "rollout-bluegreen-active").orElseThrow();
    assertThat(active.metadata().annotations())
        .containsEntry("argo-rollouts.argoproj.io/managed-by-rollouts", "rollout-bluegreen");
  }

  @Test
  void argosExampleWaitsForAManualPromotionThenDrainsTheOldStack(RolloutHarness harness) {
    String manifest = Seed.read("argo-rollouts-examples/examples/rollout-bluegreen.yaml");
    harness.apply("demo", manifest);
    harness.advance(Duration.ofMinutes(1));
    String blue = harness.rollout("demo", "rollout-bluegreen").status().stableRS();

    harness.apply("demo", manifest.replace("rollouts-demo:blue", "rollouts-demo:green"));
    harness.advance(Duration.ofMinutes(10));

    RolloutStatus paused = harness.rollout("demo", "rollout-bluegreen").status();
    String green = paused.currentPodHash();
    assertThat(paused.phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(paused.pauseConditions())
        .extracting(RolloutStatus.PauseCondition::reason)
        .containsExactly(PauseReason.BLUE_GREEN_PAUSE);
    assertThat(selector(harness, "demo", "rollout-bluegreen-active")).isEqualTo(blue);
    assertThat(selector(harness, "demo", "rollout-bluegreen-preview")).isEqualTo(green);
    assertThat(replicasByImage(harness, "demo"))
        .containsEntry("argoproj/rollouts-demo:blue", 2)
        .containsEntry("argoproj/rollouts-demo:green", 2);

    harness.promote("demo", "rollout-bluegreen");

    RolloutStatus promoted = harness.rollout("demo", "rollout-bluegreen").status();
    assertThat(selector(harness, "demo", "rollout-bluegreen-active")).isEqualTo(green);
    assertThat(promoted.stableRS()).isEqualTo(green);
    assertThat(promoted.phase()).isEqualTo(RolloutPhase.HEALTHY);
    // The old stack keeps its pods for the default 30 s scale-down delay, then goes.
    harness.advance(Duration.ofSeconds(29));
    assertThat(replicasByImage(harness, "demo")).containsEntry("argoproj/rollouts-demo:blue", 2);
    harness.advance(Duration.ofSeconds(2));
    assertThat(replicasByImage(harness, "demo")).containsEntry("argoproj/rollouts-demo:blue", 0);
  }

  @Test
  void e2eManifestAutoPromotesAndHonoursItsTenSecondDelay(RolloutHarness harness) {
    String manifest =
        Seed.read("argo-rollouts-examples/test/e2e/functional/rollout-bluegreen.yaml");
    harness.apply("e2e", manifest);
    harness.advance(Duration.ofMinutes(1));

    harness.apply("e2e", manifest.replace("nginx:1.19-alpine", "nginx:1.20-alpine"));
    harness.advance(Duration.ofSeconds(9));
    assertThat(selector(harness, "e2e", "bluegreen"))
        .isEqualTo(hashOf(harness, "e2e", "nginx:1.19-alpine"));

    harness.advance(Duration.ofSeconds(1)); // the new pods are ready after 10 s
    String green = hashOf(harness, "e2e", "nginx:1.20-alpine");
    assertThat(selector(harness, "e2e", "bluegreen")).isEqualTo(green);
    assertThat(harness.rollout("e2e", "bluegreen").status().stableRS()).isEqualTo(green);

    harness.advance(Duration.ofSeconds(9));
    assertThat(replicasByImage(harness, "e2e")).containsEntry("nginx:1.19-alpine", 3);
    harness.advance(Duration.ofSeconds(1));
    assertThat(replicasByImage(harness, "e2e")).containsEntry("nginx:1.19-alpine", 0);
    assertThat(harness.rollout("e2e", "bluegreen").status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void autoPromotionSecondsPausesThenPromotesOnItsOwn(RolloutHarness harness) {
    deployV1(harness, "autoPromotionSeconds: 120");
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, "autoPromotionSeconds: 120"));

    harness.advance(Duration.ofSeconds(100));
    assertThat(status(harness).phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);

    harness.advance(Duration.ofSeconds(40)); // ready at 10 s, paused until 130 s
    RolloutStatus status = status(harness);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(status.currentPodHash());
    assertThat(status.pauseConditions()).isEmpty();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void previewReplicaCountRunsASmallPreviewAndScalesUpBeforeTheSwitch(RolloutHarness harness) {
    String[] bg = {"previewReplicaCount: 1", "autoPromotionEnabled: false"};
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    List<String> violations = new ArrayList<>();
    harness.afterEveryPass(h -> violations.addAll(activeOnUnavailablePods(h, NS, "shop-active")));
    harness.advance(Duration.ofMinutes(2));

    assertThat(replicasByImage(harness, NS)).containsEntry("shop:1", 3).containsEntry("shop:2", 1);
    assertThat(status(harness).phase()).isEqualTo(RolloutPhase.PAUSED);

    harness.promote(NS, "shop");
    // Scaled to full first; the active Service waits until all three are available.
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:2", 3);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
    assertThat(status(harness).blueGreen().scaleUpPreviewCheckPoint()).isTrue();

    harness.advance(Duration.ofSeconds(10));
    RolloutStatus status = status(harness);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(status.currentPodHash());
    assertThat(status.stableRS()).isEqualTo(status.currentPodHash());
    assertThat(status.blueGreen().scaleUpPreviewCheckPoint()).isNull();
    assertThat(violations).isEmpty();
  }

  @Test
  void failingPrePromotionAnalysisNeverPromotes(RolloutHarness harness) {
    harness.metrics().script("web", request -> "503");
    String[] bg = {"prePromotionAnalysis: {templates: [{templateName: smoke}]}"};
    harness.apply(NS, PASSING_TEMPLATE);
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    List<String> activeSelectors = new ArrayList<>();
    harness.afterEveryPass(h -> activeSelectors.add(selector(h, NS, "shop-active")));

    harness.advance(Duration.ofMinutes(5));

    RolloutStatus status = status(harness);
    assertThat(activeSelectors).containsOnly(blue);
    assertThat(status.isAborted()).isTrue();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message()).contains("Blue/green pre-promotion analysis phase error/failed");
    assertThat(status.stableRS()).isEqualTo(blue);
    assertThat(status.blueGreen().prePromotionAnalysisRunStatus().status())
        .isEqualTo(AnalysisPhase.FAILED);
    AnalysisRun run = (AnalysisRun) harness.cluster().list("AnalysisRun", NS).get(0);
    assertThat(run.metadata().labels()).containsEntry("rollout-type", "PrePromotion");
    assertThat(run.name()).endsWith("-pre");
    // As in Argo, the preview keeps the failed revision (testers can still reach it) and its
    // pods go after 30 s.
    assertThat(selector(harness, NS, "shop-preview")).isEqualTo(status.currentPodHash());
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:1", 3).containsEntry("shop:2", 0);
  }

  @Test
  void passingPrePromotionAnalysisGatesTheSwitch(RolloutHarness harness) {
    harness.metrics().script("web", request -> "ok");
    String[] bg = {"prePromotionAnalysis: {templates: [{templateName: smoke}]}"};
    harness.apply(NS, PASSING_TEMPLATE);
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));

    harness.advance(Duration.ofSeconds(25)); // ready at 10 s; measurements at 10 s and 30 s
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
    harness.advance(Duration.ofSeconds(10));
    RolloutStatus status = status(harness);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(status.currentPodHash());
    assertThat(status.blueGreen().prePromotionAnalysisRunStatus().status())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void failingPostPromotionAnalysisSwitchesTheActiveServiceBack(RolloutHarness harness) {
    harness.metrics().script("web", request -> "503");
    String[] bg = {"postPromotionAnalysis: {templates: [{templateName: smoke}]}"};
    harness.apply(NS, PASSING_TEMPLATE);
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    List<String> activeSelectors = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    harness.afterEveryPass(
        h -> {
          activeSelectors.add(selector(h, NS, "shop-active"));
          violations.addAll(activeOnUnavailablePods(h, NS, "shop-active"));
        });

    harness.advance(Duration.ofMinutes(5));

    RolloutStatus status = status(harness);
    String green = status.currentPodHash();
    assertThat(activeSelectors).contains(green);
    assertThat(activeSelectors.get(activeSelectors.size() - 1)).isEqualTo(blue);
    assertThat(status.isAborted()).isTrue();
    assertThat(status.stableRS()).isEqualTo(blue);
    assertThat(status.message()).contains("Blue/green post-promotion analysis phase error/failed");
    AnalysisRun run = (AnalysisRun) harness.cluster().list("AnalysisRun", NS).get(0);
    assertThat(run.metadata().labels()).containsEntry("rollout-type", "PostPromotion");
    // The stable stack never lost its pods, so switching back was safe.
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:1", 3).containsEntry("shop:2", 0);
    assertThat(violations).isEmpty();
  }

  @Test
  void abortKeepsTheStableRevisionActiveAndRetryResumes(RolloutHarness harness) {
    String[] bg = {"autoPromotionEnabled: false", "abortScaleDownDelaySeconds: 60"};
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    harness.advance(Duration.ofMinutes(1));

    harness.abort(NS, "shop");
    RolloutStatus aborted = status(harness);
    assertThat(aborted.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(aborted.message()).contains("RolloutAborted");
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
    assertThat(selector(harness, NS, "shop-preview")).isEqualTo(aborted.currentPodHash());
    harness.advance(Duration.ofSeconds(59));
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:2", 3);
    harness.advance(Duration.ofSeconds(2));
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:2", 0);

    harness.retry(NS, "shop");
    harness.advance(Duration.ofMinutes(1));
    RolloutStatus retried = status(harness);
    assertThat(retried.phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:2", 3);
    assertThat(selector(harness, NS, "shop-preview")).isEqualTo(retried.currentPodHash());
    harness.promote(NS, "shop");
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(retried.currentPodHash());
  }

  @Test
  void goingBackToTheStableTemplateIsAFastRollback(RolloutHarness harness) {
    String[] bg = {"autoPromotionEnabled: false"};
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    harness.advance(Duration.ofMinutes(1));

    harness.apply(NS, rollout("shop:1", 3, bg));
    harness.advance(Duration.ofSeconds(1));

    RolloutStatus status = status(harness);
    assertThat(status.currentPodHash()).isEqualTo(blue);
    assertThat(status.pauseConditions()).isEmpty();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
    assertThat(selector(harness, NS, "shop-preview")).isEqualTo(blue);
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:1", 3).containsEntry("shop:2", 0);
    assertThat(harness.cluster().events())
        .extracting(FakeCluster.Event::reason)
        .contains("SkipSteps");
  }

  @Test
  void undoBringsThePreviousRevisionBackThroughThePreview(RolloutHarness harness) {
    String[] bg = {"autoPromotionEnabled: false"};
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    harness.advance(Duration.ofMinutes(1));
    harness.promote(NS, "shop");
    harness.advance(Duration.ofMinutes(1));
    String green = status(harness).stableRS();

    harness.undo(NS, "shop", 0);
    harness.advance(Duration.ofMinutes(1));

    RolloutStatus status = status(harness);
    assertThat(status.currentPodHash()).isEqualTo(blue);
    assertThat(status.phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(green);
    assertThat(selector(harness, NS, "shop-preview")).isEqualTo(blue);
    harness.promoteFull(NS, "shop");
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
    assertThat(status(harness).stableRS()).isEqualTo(blue);
    assertThat(replicaSet(harness, blue).metadata().annotations())
        .containsEntry("rollout.argoproj.io/revision", "3");
  }

  @Test
  void promoteFullSkipsAnalysisAndPause(RolloutHarness harness) {
    harness.metrics().script("web", request -> "ok");
    String[] bg = {
      "autoPromotionEnabled: false",
      "previewReplicaCount: 1",
      "prePromotionAnalysis: {templates: [{templateName: smoke}]}",
      "postPromotionAnalysis: {templates: [{templateName: smoke}]}"
    };
    harness.apply(NS, PASSING_TEMPLATE);
    deployV1(harness, bg);
    harness.apply(NS, rollout("shop:2", 3, bg));
    harness.advance(Duration.ofSeconds(5));

    harness.promoteFull(NS, "shop");
    harness.advance(Duration.ofSeconds(15));

    RolloutStatus status = status(harness);
    assertThat(status.stableRS()).isEqualTo(status.currentPodHash());
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(status.currentPodHash());
    assertThat(status.promoteFull()).isNull();
    assertThat(harness.cluster().list("AnalysisRun", NS))
        .allSatisfy(r -> assertThat(((AnalysisRun) r).spec().terminate()).isTrue());
  }

  @Test
  void scaleDownDelayRevisionLimitKeepsOnlyTheNewestOldStacks(RolloutHarness harness) {
    String[] bg = {"scaleDownDelaySeconds: 600", "scaleDownDelayRevisionLimit: 1"};
    deployV1(harness, bg);
    for (int v = 2; v <= 3; v++) {
      harness.apply(NS, rollout("shop:" + v, 3, bg));
      harness.advance(Duration.ofSeconds(30));
    }

    assertThat(replicasByImage(harness, NS))
        .containsEntry("shop:1", 0)
        .containsEntry("shop:2", 3)
        .containsEntry("shop:3", 3);
    harness.advance(Duration.ofMinutes(10));
    assertThat(replicasByImage(harness, NS))
        .containsEntry("shop:1", 0)
        .containsEntry("shop:2", 0)
        .containsEntry("shop:3", 3);
  }

  @Test
  void ephemeralMetadataAndAntiAffinityMarkThePreviewPods(RolloutHarness harness) {
    String[] bg = {
      "autoPromotionEnabled: false",
      "previewMetadata: {labels: {role: preview}}",
      "activeMetadata: {labels: {role: active}}",
      "antiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: {weight: 50}}"
    };
    deployV1(harness, bg);
    String blue = status(harness).stableRS();
    harness.apply(NS, rollout("shop:2", 3, bg));
    harness.advance(Duration.ofMinutes(1));

    String green = status(harness).currentPodHash();
    GenericResource preview = replicaSet(harness, green);
    assertThat(preview.path("spec", "template", "metadata", "labels", "role")).isEqualTo("preview");
    assertThat(
            String.valueOf(
                preview.path(
                    "spec",
                    "template",
                    "spec",
                    "affinity",
                    "podAntiAffinity",
                    "preferredDuringSchedulingIgnoredDuringExecution")))
        .contains("weight=50")
        .contains(blue);
    assertThat(replicaSet(harness, blue).path("spec", "template", "metadata", "labels", "role"))
        .isEqualTo("active");

    harness.promote(NS, "shop");
    assertThat(replicaSet(harness, green).path("spec", "template", "metadata", "labels", "role"))
        .isEqualTo("active");
  }

  @Test
  void aMissingActiveServiceIsAnInvalidSpecAndCreatesNothing(RolloutHarness harness) {
    harness.apply(NS, rollout("shop:1", 3));
    harness.advance(Duration.ofSeconds(30));

    RolloutStatus status = status(harness);
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message()).contains("shop-active").contains("not found");
    assertThat(harness.cluster().list("ReplicaSet", NS)).isEmpty();

    harness.apply(NS, SERVICES);
    harness.advance(Duration.ofSeconds(30));
    assertThat(status(harness).phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void aNewerRevisionDuringPostPromotionDrainsTheUnverifiedOneAfterTheDelay(
      RolloutHarness harness) {
    harness.metrics().script("web", request -> null); // never conclusive: the run stays running
    String[] bg = {
      "postPromotionAnalysis: {templates: [{templateName: slow}]}", "scaleDownDelaySeconds: 60"
    };
    harness.apply(
        NS,
        PASSING_TEMPLATE
            .replace("name: smoke}", "name: slow}")
            .replace("count: 2", "count: 100")
            .replace("successCondition: result == 'ok'", "successCondition: 'true'"));
    deployV1(harness, bg);
    harness.apply(NS, rollout("shop:2", 3, bg));
    harness.advance(Duration.ofSeconds(15));
    String green = hashOf(harness, NS, "shop:2");
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(green);
    // As Argo: healthy once both Services select it, completed only after the analysis.
    RolloutStatus analysing = status(harness);
    assertThat(condition(analysing, "Healthy")).isEqualTo("True");
    assertThat(condition(analysing, "Completed")).isEqualTo("False");
    assertThat(analysing.stableRS()).isNotEqualTo(green);

    harness.apply(NS, rollout("shop:3", 3, bg));
    List<String> violations = new ArrayList<>();
    harness.afterEveryPass(h -> violations.addAll(activeOnUnavailablePods(h, NS, "shop-active")));
    harness.advance(Duration.ofSeconds(15));
    // shop:2 served production, so it keeps its pods while shop:3 takes over.
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(hashOf(harness, NS, "shop:3"));
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:2", 3);
    harness.advance(Duration.ofSeconds(60));
    assertThat(replicasByImage(harness, NS)).containsEntry("shop:2", 0).containsEntry("shop:1", 3);
    assertThat(violations).isEmpty();
  }

  @Test
  void restartReplacesThePodsBehindTheActiveServiceOneAtATime(RolloutHarness harness) {
    harness.apply(NS, SERVICES);
    harness.apply(NS, rollout("shop:1", 4));
    harness.advance(Duration.ofMinutes(1));
    String blue = status(harness).stableRS();
    java.time.Instant restartedAt = harness.clock().instant();
    int[] fewest = {4};
    harness.afterEveryPass(
        h -> {
          GenericResource rs = replicaSet(h, blue);
          fewest[0] =
              Math.min(fewest[0], ((Number) rs.path("status", "availableReplicas")).intValue());
        });

    harness.restart(NS, "shop");
    harness.advance(Duration.ofMinutes(5));

    RolloutStatus status = status(harness);
    assertThat(status.restartedAt()).isEqualTo(restartedAt.toString());
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(fewest[0]).as("25%% of 4 pods may be down at once").isEqualTo(3);
    assertThat(harness.cluster().list("Pod", NS))
        .hasSize(4)
        .allSatisfy(
            pod ->
                assertThat(
                        java.time.Instant.parse(
                            ((GenericResource) pod).metadata().creationTimestamp()))
                    .isAfterOrEqualTo(restartedAt));
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
  }

  @Test
  void aCrashLoopingPreviewHitsTheProgressDeadlineAndAbortsWithoutTraffic(RolloutHarness harness) {
    deployV1(harness);
    String blue = status(harness).stableRS();
    harness.cluster().podsNeverReady(rs -> String.valueOf(rs.body()).contains("shop:bad"));
    String deadline = "  progressDeadlineSeconds: 120\n  progressDeadlineAbort: true\n";
    harness.apply(NS, rollout("shop:bad", 3).replace("  revisionHistoryLimit: 5\n", deadline));

    harness.advance(Duration.ofSeconds(119));
    assertThat(status(harness).isAborted()).isFalse();
    harness.advance(Duration.ofMinutes(2));

    RolloutStatus status = status(harness);
    assertThat(status.isAborted()).isTrue();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message()).contains("timed out progressing");
    assertThat(selector(harness, NS, "shop-active")).isEqualTo(blue);
    assertThat(selector(harness, NS, "shop-preview")).isEqualTo(status.currentPodHash());
    assertThat(replicasByImage(harness, NS))
        .containsEntry("shop:1", 3)
        .containsEntry("shop:bad", 0);
  }

  private static String condition(RolloutStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.status())
        .findFirst()
        .orElse("absent");
  }

  private static GenericResource replicaSet(RolloutHarness harness, String hash) {
    return harness.cluster().list("ReplicaSet", NS).stream()
        .map(GenericResource.class::cast)
        .filter(rs -> hash.equals(rs.metadata().labels().get("rollouts-pod-template-hash")))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The safety rule: once the active Service selects a hash, every pod that ReplicaSet wants is
   * available. Returns a description of each violation.
   */
  static List<String> activeOnUnavailablePods(
      RolloutHarness harness, String namespace, String service) {
    String hash = selector(harness, namespace, service);
    List<String> out = new ArrayList<>();
    for (Resource r : harness.cluster().list("ReplicaSet", namespace)) {
      GenericResource rs = (GenericResource) r;
      if (Objects.equals(hash, rs.metadata().labels().get("rollouts-pod-template-hash"))) {
        int available =
            rs.path("status", "availableReplicas") instanceof Number n ? n.intValue() : 0;
        if (available == 0) {
          out.add(
              harness.clock().instant()
                  + ": "
                  + service
                  + " selects "
                  + hash
                  + " with no available pods");
        }
      }
    }
    return out;
  }
}
