package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While anything a rollout refers to is missing or invalid, nothing moves: no traffic change, no
 * scale-up of the new revision, no step change; the rollout says why in Argo's words, and carries
 * on by itself once the reference is fixed.
 */
class MissingReferencesTest {
  private static final String ANALYSIS = "tse-gitops-demo/argo/rollout/analysis.yaml";

  private static String invalid(String rollout, String detail) {
    return "InvalidSpec: The Rollout \"" + rollout + "\" is invalid: " + detail;
  }

  private static RolloutStatus status(RolloutHarness harness, String ns, String name) {
    return harness.rollout(ns, name).status();
  }

  /** What a user watches: weights, the new revision's replicas, the step. */
  private record Progress(List<Integer> weights, int newReplicas, Integer step) {
    static Progress of(RolloutHarness harness, String hash) {
      return new Progress(
          harness.mesh().history(NAMESPACE, ROLLOUT).stream()
              .map(a -> a.split().canaryWeight())
              .toList(),
          Seed.replicasOf(harness, hash),
          harness.rollout(NAMESPACE, ROLLOUT).status().currentStepIndex());
    }
  }

  private static String newestHash(RolloutHarness harness) {
    return String.valueOf(harness.rollout(NAMESPACE, ROLLOUT).status().currentPodHash());
  }

  @Test
  void theBookinfoCanaryWithoutItsTemplateNeverStepsAndResumesOnceGitOpsAppliesIt() {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    harness.cluster().delete("AnalysisTemplate", NAMESPACE, "apdex");
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(40));

    RolloutStatus stuck = status(harness, NAMESPACE, ROLLOUT);
    assertThat(stuck.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(stuck.message())
        .isEqualTo(
            invalid(
                ROLLOUT,
                "spec.strategy.canary.analysis.templates: Invalid value: \"apdex\":"
                    + " AnalysisTemplate 'apdex' not found"));
    // Argo validates before it acts: the update has not even started.
    assertThat(harness.mesh().history(NAMESPACE, ROLLOUT))
        .allSatisfy(a -> assertThat(a.split().canaryWeight()).isZero());
    assertThat(harness.cluster().list("ReplicaSet", NAMESPACE)).hasSize(1);
    assertThat(harness.cluster().list("AnalysisRun", NAMESPACE)).isEmpty();

    harness.apply(NAMESPACE, Seed.read(ANALYSIS));
    harness.advance(Duration.ofMinutes(45));
    Rollout done = harness.rollout(NAMESPACE, ROLLOUT);
    assertThat(done.status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(done.status().conditions()).noneMatch(c -> c.type().equals("InvalidSpec"));
    assertThat(harness.mesh().history(NAMESPACE, ROLLOUT))
        .extracting(a -> a.split().canaryWeight())
        .containsSubsequence(10, 20, 40, 60, 80, 0);
    assertThat(harness.cluster().list("AnalysisRun", NAMESPACE)).hasSize(1);
  }

  @Test
  void aTemplateDeletedMidCanaryFreezesTrafficReplicasAndStepUntilItIsBack() {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(12)); // 20 %, background analysis running
    String hash = newestHash(harness);
    Progress before = Progress.of(harness, hash);
    assertThat(before.weights()).last().isEqualTo(20);

    harness.cluster().delete("AnalysisTemplate", NAMESPACE, "apdex");
    harness.advance(Duration.ofMinutes(30));
    assertThat(Progress.of(harness, hash)).isEqualTo(before);
    assertThat(status(harness, NAMESPACE, ROLLOUT).message()).contains("'apdex' not found");

    harness.apply(NAMESPACE, Seed.read(ANALYSIS));
    harness.advance(Duration.ofMinutes(40));
    assertThat(status(harness, NAMESPACE, ROLLOUT).phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void anInvalidTemplateIsAnInvalidSpecNamingTheTemplateAndTheField() {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    harness.apply(NAMESPACE, Seed.read(ANALYSIS).replace("failureLimit: 3", "failureLimit: three"));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(20));

    assertThat(status(harness, NAMESPACE, ROLLOUT).message())
        .isEqualTo(
            invalid(
                ROLLOUT,
                "spec.strategy.canary.analysis.templates: Invalid value: \"apdex\":"
                    + " AnalysisTemplate apdex: spec.metrics[0].failureLimit: expected an integer"
                    + " or a {{args.name}} placeholder, found string \"three\""));
    assertThat(harness.mesh().history(NAMESPACE, ROLLOUT))
        .allSatisfy(a -> assertThat(a.split().canaryWeight()).isZero());
  }

  @Test
  void aMissingWorkloadRefTargetIsArgosFieldError() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(NAMESPACE, Seed.read(ANALYSIS));
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml"));
    harness.advance(Duration.ofMinutes(1));

    assertThat(status(harness, NAMESPACE, ROLLOUT).message())
        .isEqualTo(
            invalid(
                ROLLOUT,
                "spec.workloadRef: Invalid value: v1alpha1.ObjectRef{APIVersion:\"apps/v1\","
                    + " Kind:\"Deployment\", Name:\"reviews\", ScaleDown:\"\"}:"
                    + " deployments.apps \"reviews\" not found"));
    assertThat(harness.cluster().list("ReplicaSet", NAMESPACE)).isEmpty();

    harness.apply(NAMESPACE, Seed.bookinfo());
    harness.advance(Duration.ofMinutes(6));
    assertThat(status(harness, NAMESPACE, ROLLOUT).phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  /** A canary's two Services for the shop app, selecting its pods by {@code app: shop}. */
  static final String SHOP_SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: shop-canary}
      spec: {selector: {app: shop}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: shop-stable}
      spec: {selector: {app: shop}}
      """;

  private static final String SMOKE =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: %s
      metadata: {name: smoke}
      spec:
        metrics:
        - name: smoke
          successCondition: result == 'ok'
          provider: {web: {url: "http://shop-canary/health"}}
      """;

  private static String shop(String image, String analysis) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 4
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec: {containers: [{name: shop, image: "%s"}]}
          strategy:
            canary:
              canaryService: shop-canary
              stableService: shop-stable
              steps:
              - setWeight: 25
              - analysis: {templates: [%s]}
              - setWeight: 50
        """
        .formatted(image, analysis);
  }

  @Test
  void aStepAnalysisTemplateIsCheckedBeforeTheFirstStep() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("web", request -> "ok");
    harness.apply("shop", SHOP_SERVICES).apply("shop", shop("shop:1", "{templateName: smoke}"));
    harness.advance(Duration.ofMinutes(1));
    assertThat(status(harness, "shop", "shop").message())
        .isEqualTo(
            invalid(
                "shop",
                "spec.strategy.canary.steps[1].analysis.templates: Invalid value: \"smoke\":"
                    + " AnalysisTemplate 'smoke' not found"));
    assertThat(harness.cluster().list("ReplicaSet", "shop")).isEmpty();

    harness.apply("shop", SMOKE.formatted("AnalysisTemplate"));
    harness.advance(Duration.ofMinutes(6));
    assertThat(status(harness, "shop", "shop").phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void aClusterTemplateIsLookedUpClusterWide() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("web", request -> "ok");
    String ref = "{templateName: smoke, clusterScope: true}";
    harness.apply("shop", SHOP_SERVICES).apply("shop", shop("shop:1", ref));
    harness.advance(Duration.ofMinutes(1));
    assertThat(status(harness, "shop", "shop").message())
        .endsWith("ClusterAnalysisTemplate 'smoke' not found");

    harness.apply("shop", SMOKE.formatted("ClusterAnalysisTemplate"));
    harness.advance(Duration.ofMinutes(6));
    harness.apply("shop", shop("shop:2", ref)).advance(Duration.ofMinutes(10));
    assertThat(status(harness, "shop", "shop").phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.cluster().list("AnalysisRun", "shop")).hasSize(1);
  }

  @Test
  void aServiceWhoseSelectorDoesNotFitThePodsIsArgosUnmatchLabel() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(
        "shop",
        SHOP_SERVICES.replace(
            "{selector: {app: shop}}\n---", "{selector: {app: shop, tier: web}}\n---"));
    harness.apply("shop", SMOKE.formatted("AnalysisTemplate"));
    harness.apply("shop", shop("shop:1", "{templateName: smoke}"));
    harness.advance(Duration.ofMinutes(1));
    assertThat(status(harness, "shop", "shop").message())
        .isEqualTo(
            invalid(
                "shop",
                "spec.strategy.canary.canaryService: Invalid value: \"shop-canary\": Service"
                    + " \"shop-canary\" has unmatch label \"tier\" in rollout"));
    assertThat(harness.cluster().list("ReplicaSet", "shop")).isEmpty();
  }

  @Test
  void aBlueGreenPrePromotionTemplateAndPreviewServiceAreCheckedBeforeAnythingIsCreated() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("web", request -> "ok");
    harness.apply(
        "shop", BlueGreenTest.SERVICES.substring(0, BlueGreenTest.SERVICES.indexOf("---")));
    String rollout =
        BlueGreenTest.rollout(
            "shop:1", 3, "prePromotionAnalysis: {templates: [{templateName: smoke}]}");
    harness.apply("shop", rollout).advance(Duration.ofMinutes(1));
    assertThat(status(harness, "shop", "shop").message())
        .isEqualTo(
            invalid(
                "shop",
                "spec.strategy.blueGreen.previewService: Invalid value: \"shop-preview\":"
                    + " service \"shop-preview\" not found"));

    harness.apply("shop", BlueGreenTest.SERVICES).advance(Duration.ofMinutes(6));
    assertThat(status(harness, "shop", "shop").message())
        .isEqualTo(
            invalid(
                "shop",
                "spec.strategy.blueGreen.prePromotionAnalysis.templates: Invalid value:"
                    + " \"smoke\": AnalysisTemplate 'smoke' not found"));
    assertThat(harness.cluster().list("ReplicaSet", "shop")).isEmpty();

    harness.apply("shop", BlueGreenTest.PASSING_TEMPLATE).advance(Duration.ofMinutes(6));
    assertThat(status(harness, "shop", "shop").phase()).isEqualTo(RolloutPhase.HEALTHY);
    // A template lost mid-update holds the preview: the active Service stays on blue.
    String blue = BlueGreenTest.selector(harness, "shop", "shop-active");
    harness.cluster().delete("AnalysisTemplate", "shop", "smoke");
    harness.apply("shop", rollout.replace("shop:1", "shop:2")).advance(Duration.ofMinutes(10));
    assertThat(BlueGreenTest.selector(harness, "shop", "shop-active")).isEqualTo(blue);
    assertThat(harness.cluster().list("ReplicaSet", "shop")).hasSize(1);

    harness.apply("shop", BlueGreenTest.PASSING_TEMPLATE).advance(Duration.ofMinutes(10));
    assertThat(BlueGreenTest.selector(harness, "shop", "shop-active")).isNotEqualTo(blue);
  }

  @Test
  void aTemplateArgumentTheRolloutDoesNotSupplyIsReportedBeforeAnyRun() {
    RolloutHarness harness = Seed.deployed();
    harness.apply(
        NAMESPACE,
        Seed.read(ANALYSIS)
            .replace("  - name: service-name", "  - name: service-name\n  - name: window"));
    harness.advance(Duration.ofMinutes(1));
    assertThat(status(harness, NAMESPACE, ROLLOUT).message())
        .isEqualTo(
            invalid(
                ROLLOUT,
                "spec.strategy.canary.analysis.templates: Invalid value: \"templateNames:"
                    + " [apdex]\": args.window was not resolved"));
    List<Resource> sets = harness.cluster().list("ReplicaSet", NAMESPACE);
    assertThat(sets).isEmpty();
    assertThat(harness.cluster().events()).noneMatch(e -> e.reason().equals("ScalingReplicaSet"));
  }
}
