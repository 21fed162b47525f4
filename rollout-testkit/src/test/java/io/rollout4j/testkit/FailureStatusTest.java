package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * No failure leaves a rollout without a status that says why: a router no MeshPort serves, a port
 * that fails, a port that throws something that is not a port exception.
 */
class FailureStatusTest {

  private static final String SERVICES = MissingReferencesTest.SHOP_SERVICES;

  private static String shop(String routing) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec: {containers: [{name: shop, image: "shop:1"}]}
          strategy:
            canary:
              canaryService: shop-canary
              stableService: shop-stable
              trafficRouting:
        %s
              steps: [{setWeight: 50}, {pause: {}}]
        """
        .formatted(routing.indent(10).stripTrailing());
  }

  @Test
  void everyRouterTheMeshDoesNotServeGetsAConditionNamingItAndTheServedOnes() {
    for (String router :
        new String[] {
          "alb: {ingress: shop, servicePort: 80}",
          "nginx: {stableIngress: shop}",
          "smi: {}",
          "ambassador: {mappings: [shop]}",
          "apisix: {route: {name: shop}}",
          "appMesh: {virtualService: {name: shop}}",
          "traefik: {weightedTraefikServiceName: shop}",
          "plugins: {argoproj-labs/gatewayAPI: {httpRoute: shop}}"
        }) {
      RolloutHarness harness = RolloutHarness.create();
      harness.apply("shop", SERVICES).apply("shop", shop(router)).advance(Duration.ofMinutes(1));
      RolloutStatus status = harness.rollout("shop", "shop").status();
      String name =
          router.startsWith("plugins") ? "argoproj-labs/gatewayAPI" : router.split(":")[0];
      assertThat(status.phase()).as(router).isEqualTo(RolloutPhase.DEGRADED);
      assertThat(status.conditions())
          .as(router)
          .anySatisfy(
              c -> {
                assertThat(c.type()).isEqualTo("InvalidSpec");
                assertThat(c.reason()).isEqualTo("UnsupportedTrafficRouter");
                assertThat(c.message())
                    .contains("traffic router '" + name + "' is not served")
                    .contains("(it serves: istio)");
              });
      assertThat(harness.cluster().list("ReplicaSet", "shop")).as(router).isEmpty();
      assertThat(harness.mesh().history()).as(router).isEmpty();
    }
  }

  @Test
  void pingPongServicesAreReportedUnsupportedAndNothingIsCreatedOrRouted() {
    RolloutHarness harness = RolloutHarness.create();
    harness
        .apply(
            "shop",
            Seed.read("argo-rollouts-examples/test/e2e/istio/istio-host-split-ping-pong.yaml"))
        .advance(Duration.ofMinutes(1));
    RolloutStatus status = harness.rollout("shop", "istio-host-split").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.conditions())
        .filteredOn(c -> c.type().equals("InvalidSpec"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.reason()).isEqualTo("UnsupportedFeature");
              assertThat(c.message()).contains("spec.strategy.canary.pingPong");
            });
    assertThat(harness.cluster().list("ReplicaSet", "shop")).isEmpty();
    assertThat(harness.mesh().history()).isEmpty();
  }

  @Test
  void aMeshThatServesTheRouterTakesOverOnceConfiguredAndTheConditionGoes() {
    RolloutHarness harness = RolloutHarness.create();
    harness.mesh().serving("istio", "nginx");
    harness.apply("shop", SERVICES).apply("shop", shop("nginx: {stableIngress: shop}"));
    harness.advance(Duration.ofMinutes(1));
    RolloutStatus status = harness.rollout("shop", "shop").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.conditions()).noneMatch(c -> c.type().equals("InvalidSpec"));
  }

  @Test
  void anExceptionFromAPortLeavesAReconcileErrorAndAnEventThenClearsOnSuccess() {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    harness.mesh().faults().withExceptions().onReadsToo().failCall(1);
    Seed.pushV2(harness);
    harness.reconcile();

    RolloutStatus failed = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(failed.conditions())
        .anySatisfy(
            c -> {
              assertThat(c.type()).isEqualTo("ReconcileError");
              assertThat(c.reason()).isEqualTo("InternalError");
              assertThat(c.message())
                  .isEqualTo(
                      "internal error: IllegalStateException: injected exception in read traffic"
                          + " of rollout bookinfo/reviews-rollout");
            });
    assertThat(harness.cluster().events())
        .anyMatch(e -> e.reason().equals("ReconcileError") && e.type().equals("Warning"));

    harness.advance(Duration.ofMinutes(1));
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().conditions())
        .noneMatch(c -> c.type().equals("ReconcileError"));
  }

  /**
   * Faults of every kind (409, 503, timeouts, plain exceptions) on random reads and writes of the
   * cluster and the mesh: after every pass in which one was injected, the rollout says why (unless
   * the write that failed was that very status), and once faults stop the canary finishes.
   */
  @Property(tries = 60)
  void injectedFailuresAlwaysLeaveAStatusThatSaysWhy(
      @ForAll @DoubleRange(min = 0.02, max = 0.3) double probability,
      @ForAll @IntRange(min = 0, max = 3) int kind,
      @ForAll long seed) {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    for (Faults faults : new Faults[] {harness.cluster().faults(), harness.mesh().faults()}) {
      switch (kind) {
        case 0 -> faults.withConflicts();
        case 1 -> faults.withUnavailable();
        case 2 -> faults.withTimeouts();
        default -> faults.withExceptions();
      }
      faults.onReadsToo().failWithProbability(probability, seed++);
    }
    int[] seen = {0, 0};
    harness.afterEveryPass(
        h -> {
          int cluster = h.cluster().faults().injected();
          int mesh = h.mesh().faults().injected();
          if (cluster == seen[0] && mesh == seen[1]) {
            return;
          }
          boolean clusterFailed = cluster > seen[0];
          seen[0] = cluster;
          seen[1] = mesh;
          String last = String.valueOf(h.cluster().faults().lastInjected());
          if (clusterFailed
              && (last.startsWith("update status of") || last.startsWith("read get Rollout"))) {
            return; // the rollout could not be read, or its status written: the retry says why
          }
          RolloutStatus status = h.rollout(NAMESPACE, ROLLOUT).status();
          assertThat(status.conditions())
              .as("after an injected failure")
              .anySatisfy(
                  c -> {
                    assertThat(c.type()).isEqualTo("ReconcileError");
                    assertThat(c.message()).contains("injected");
                  });
        });
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(20));
    harness.cluster().faults().clear();
    harness.mesh().faults().clear();
    harness.advance(Duration.ofMinutes(60));
    RolloutStatus done = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(done.phase()).as(String.valueOf(done.message())).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(done.conditions()).noneMatch(c -> c.type().equals("ReconcileError"));
  }
}
