package io.rollout4j.testkit;

import static io.rollout4j.testkit.BlueGreenTest.hashOf;
import static io.rollout4j.testkit.BlueGreenTest.selector;
import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a canary does with the objects it refers to: canaryService and stableService selectors, a
 * mesh whose objects do not fit the spec, and managed routes in managedRoutes order.
 */
class CanaryReferencesTest {
  private static final String NS = "shop";

  private static final String SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: shop-canary}
      spec: {selector: {app: shop}, ports: [{port: 80}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: shop-stable}
      spec: {selector: {app: shop}, ports: [{port: 80}]}
      """;

  private static String shop(String image, String routing) {
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
        %s      steps:
              - setWeight: 25
              - pause: {}
        """
        .formatted(image, routing);
  }

  private static final String HOST_ROUTING =
      """
              trafficRouting:
                istio:
                  virtualService: {name: shop}
        """;

  @Test
  void basicCanaryPointsTheCanaryServiceAtTheNewPodsOnceTheyAreAllReady() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(NS, SERVICES).apply(NS, shop("shop:1", "")).advance(Duration.ofMinutes(1));
    String v1 = hashOf(harness, NS, "shop:1");
    assertThat(selector(harness, NS, "shop-stable")).isEqualTo(v1);
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(v1);

    harness.apply(NS, shop("shop:2", ""));
    harness.reconcile();
    String v2 = hashOf(harness, NS, "shop:2");
    // The canary pod is not ready yet: the canary Service keeps selecting pods that can serve.
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(v1);

    harness.advance(Duration.ofMinutes(1));
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(v2);
    assertThat(selector(harness, NS, "shop-stable")).isEqualTo(v1);

    harness.promote(NS, "shop").advance(Duration.ofMinutes(2));
    assertThat(harness.rollout(NS, "shop").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(selector(harness, NS, "shop-stable")).isEqualTo(v2);
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(v2);
  }

  @Test
  void anAbortedCanaryServiceGoesBackToStable() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(NS, SERVICES).apply(NS, shop("shop:1", "")).advance(Duration.ofMinutes(1));
    harness.apply(NS, shop("shop:2", "")).advance(Duration.ofMinutes(1));

    harness.abort(NS, "shop").advance(Duration.ofMinutes(1));

    String v1 = hashOf(harness, NS, "shop:1");
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(v1);
    assertThat(selector(harness, NS, "shop-stable")).isEqualTo(v1);
  }

  @Test
  void hostLevelSplittingMovesTheCanaryServiceWithTheSplit() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(NS, SERVICES).apply(NS, shop("shop:1", HOST_ROUTING));
    harness.advance(Duration.ofMinutes(1));
    harness.apply(NS, shop("shop:2", HOST_ROUTING)).advance(Duration.ofMinutes(1));

    TrafficSplit split = harness.mesh().current(NS, "shop").orElseThrow();
    assertThat(split.canaryWeight()).isEqualTo(25);
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(split.canaryHash());
    assertThat(selector(harness, NS, "shop-stable")).isEqualTo(split.stableHash());

    harness.abort(NS, "shop").advance(Duration.ofMinutes(1));
    assertThat(harness.mesh().current(NS, "shop").orElseThrow().canaryWeight()).isZero();
    assertThat(selector(harness, NS, "shop-canary")).isEqualTo(hashOf(harness, NS, "shop:1"));
  }

  @Test
  void aMissingServiceMakesTheRolloutInvalidAndCreatesNothing() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(NS, shop("shop:1", "")).advance(Duration.ofMinutes(1));

    RolloutStatus status = harness.rollout(NS, "shop").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message())
        .isEqualTo(
            "InvalidSpec: The Rollout \"shop\" is invalid: spec.strategy.canary.stableService:"
                + " Invalid value: \"shop-stable\": service \"shop-stable\" not found");
    assertThat(harness.cluster().list("ReplicaSet", NS)).isEmpty();
  }

  @Test
  void meshObjectsThatDoNotFitTheSpecStopTheRolloutWithTheirReasonUntilFixed() {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    harness
        .mesh()
        .breakReference(
            NAMESPACE,
            ROLLOUT,
            "spec.strategy.canary.trafficRouting.istio.virtualService.name",
            "virtualservice.networking.istio.io \"reviews\" not found");
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(10));

    RolloutStatus broken = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(broken.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(broken.message())
        .isEqualTo(
            "InvalidSpec: The Rollout \"reviews-rollout\" is invalid:"
                + " spec.strategy.canary.trafficRouting.istio.virtualService.name:"
                + " virtualservice.networking.istio.io \"reviews\" not found");
    // No canary was started: pods without a way to route to them would be a half-applied update.
    assertThat(harness.cluster().list("ReplicaSet", NAMESPACE)).hasSize(1);

    harness.mesh().repair(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(6));

    RolloutStatus fixed = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(fixed.conditions()).noneMatch(c -> c.type().equals("InvalidSpec"));
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow().canaryWeight())
        .isEqualTo(10);
  }

  @Test
  void managedRoutesComeInManagedRoutesOrderWhateverOrderTheStepsSetThem() {
    RolloutHarness harness = Seed.deployed();
    String reordered =
        Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
            .replace(
                "      steps:\n",
                """
                      steps:
                      - setHeaderRoute: {name: beta, match: [{headerName: x-b, headerValue: {exact: "1"}}]}
                      - setHeaderRoute: {name: alpha, match: [{headerName: x-a, headerValue: {exact: "1"}}]}
                """)
            .replace(
                "        istio:\n",
                "        managedRoutes: [{name: alpha}, {name: beta}]\n        istio:\n");
    harness.apply(NAMESPACE, reordered).advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));

    TrafficSplit split = harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow();
    assertThat(split.canaryWeight()).isEqualTo(10);
    assertThat(split.headerRoutes())
        .extracting(TrafficSplit.HeaderRoute::name)
        .containsExactly("alpha", "beta");
  }
}
