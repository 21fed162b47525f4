package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Header and mirror routes, the rollback window and dynamic stable scaling on the seed. */
class RoutingFeaturesTest {

  /** The seed rollout with managed routes and header/mirror steps. */
  private static final String ROUTED =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata:
        name: reviews-rollout
      spec:
        replicas: 5
        selector:
          matchLabels: {app: reviews}
        workloadRef: {apiVersion: apps/v1, kind: Deployment, name: reviews}
        strategy:
          canary:
            trafficRouting:
              istio:
                virtualService: {name: reviews}
                destinationRule: {name: reviews, canarySubsetName: canary, stableSubsetName: stable}
              managedRoutes: [{name: header}, {name: mirror}]
            steps:
            - setWeight: 10
            - setHeaderRoute: {name: header, match: [{headerName: x-canary, headerValue: {exact: "yes"}}]}
            - setMirrorRoute: {name: mirror, percentage: 35, match: [{method: {exact: GET}}]}
            - pause: {}
            - setWeight: 50
            - pause: {duration: 1m}
      """;

  private static RolloutHarness seedWith(String change) {
    return seedWith(RolloutHarness.create(), change);
  }

  private static RolloutHarness seedWith(RolloutHarness harness, String change) {
    harness.metrics().script("skywalking", request -> Seed.apdex(9950));
    harness.apply(NAMESPACE, Seed.bookinfo());
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    String rollout = Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml");
    harness.apply(NAMESPACE, change.isEmpty() ? rollout : applyChange(rollout, change));
    harness.advance(Duration.ofMinutes(1));
    return harness;
  }

  private static String applyChange(String rollout, String change) {
    if (change.equals("routes")) {
      return ROUTED;
    }
    return rollout.replace("  replicas: 5\n", "  replicas: 5\n" + change);
  }

  private static TrafficSplit split(RolloutHarness harness) {
    return harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow();
  }

  @Test
  void headerAndMirrorRoutesAreSetByTheirStepsAndRemovedAtPromotion() {
    RolloutHarness harness = seedWith("routes");
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));

    TrafficSplit during = split(harness);
    assertThat(during.canaryWeight()).isEqualTo(10);
    assertThat(during.headerRoutes())
        .singleElement()
        .satisfies(
            route -> {
              assertThat(route.name()).isEqualTo("header");
              assertThat(route.headers())
                  .containsEntry("x-canary", java.util.Map.of("exact", "yes"));
            });
    assertThat(during.mirrorRoutes())
        .singleElement()
        .satisfies(
            route -> {
              assertThat(route.name()).isEqualTo("mirror");
              assertThat(route.percentage()).isEqualTo(35);
            });

    harness.promote(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(5));

    TrafficSplit after = split(harness);
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
    assertThat(after.headerRoutes()).isEmpty();
    assertThat(after.mirrorRoutes()).isEmpty();
  }

  @Test
  void aSplitTheMeshCannotReadBackIsNotResentInALoop() {
    // A router whose current() cannot describe header and mirror routes: the engine asks for them
    // again on every reconcile, and the port, finding its objects already so, writes nothing and
    // says so. Counted as a write, it would have the controller look again at once, forever.
    FakeMesh stored = new FakeMesh(Clock.systemUTC());
    MeshPort lossy =
        new MeshPort() {
          @Override
          public void apply(Rollout rollout, TrafficSplit split) {
            stored.apply(rollout, split);
          }

          @Override
          public boolean apply(
              Rollout rollout, TrafficSplit split, @Nullable TrafficSplit observed) {
            return stored.apply(rollout, split, observed);
          }

          @Override
          public Optional<TrafficSplit> current(Rollout rollout) {
            return stored
                .current(rollout)
                .map(
                    s ->
                        new TrafficSplit(
                            s.canaryWeight(),
                            s.canaryHash(),
                            s.stableHash(),
                            List.of(),
                            List.of()));
          }

          @Override
          public Set<String> routers() {
            return stored.routers();
          }
        };
    RolloutHarness harness = seedWith(RolloutHarness.withMesh(lossy), "routes");
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));
    assertThat(stored.current(NAMESPACE, ROLLOUT).orElseThrow().headerRoutes()).singleElement();
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase()).isEqualTo(RolloutPhase.PAUSED);

    int before = harness.reconciles();
    harness.advance(Duration.ofMinutes(1));

    assertThat(harness.reconciles() - before)
        .as("reconciles of a paused rollout in a minute")
        .isLessThan(10);
  }

  @Test
  void abortRemovesManagedRoutes() {
    RolloutHarness harness = seedWith("routes");
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));

    harness.abort(NAMESPACE, ROLLOUT);

    assertThat(split(harness).canaryWeight()).isZero();
    assertThat(split(harness).headerRoutes()).isEmpty();
    assertThat(split(harness).mirrorRoutes()).isEmpty();
  }

  @Test
  void rollingBackWithinTheWindowSkipsEveryStep() {
    RolloutHarness harness = seedWith("  rollbackWindow: {revisions: 3}\n");
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));
    harness.promoteFull(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(2));
    String v2 = harness.rollout(NAMESPACE, ROLLOUT).status().stableRS();

    harness.undo(NAMESPACE, ROLLOUT, 1);
    harness.advance(Duration.ofMinutes(1));

    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.stableRS()).isNotEqualTo(v2).isEqualTo(status.currentPodHash());
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.cluster().events())
        .anyMatch(e -> e.message().equals("Rollback within window"));
  }

  @Test
  void dynamicStableScaleShrinksStableOnlyAfterTrafficLeftIt() {
    RolloutHarness harness = seedWith("");
    harness.apply(
        NAMESPACE,
        Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
            .replace(
                "      canaryMetadata:", "      dynamicStableScale: true\n      canaryMetadata:"));
    harness.advance(Duration.ofSeconds(30));
    String stable = harness.rollout(NAMESPACE, ROLLOUT).status().stableRS();
    int[] minStable = {Integer.MAX_VALUE};
    harness.afterEveryPass(
        h -> {
          TrafficSplit s = split(h);
          int needed = (int) Math.ceil(5 * s.stableWeight() / 100.0);
          int available = availableOf(h, s.stableHash());
          assertThat(available)
              .as("stable pods for %d%% of traffic", s.stableWeight())
              .isGreaterThanOrEqualTo(needed);
          minStable[0] = Math.min(minStable[0], Seed.replicasOf(h, stable));
        });

    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(14));
    harness.abort(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(2));

    assertThat(minStable[0]).as("stable was scaled down with its traffic").isLessThan(5);
    assertThat(split(harness).canaryWeight()).isZero();
    assertThat(Seed.replicasOf(harness, stable)).isEqualTo(5);
  }

  @Test
  void aNewRevisionDuringADynamicStableScaleUpdateNeverStarvesStable() {
    RolloutHarness harness = seedWith("");
    harness.apply(
        NAMESPACE,
        Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
            .replace(
                "      canaryMetadata:", "      dynamicStableScale: true\n      canaryMetadata:"));
    harness.advance(Duration.ofSeconds(30));
    Seed.pushV2(harness);
    harness.advance(Duration.ofSeconds(30));
    harness.promote(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofSeconds(30));
    String v2 = harness.rollout(NAMESPACE, ROLLOUT).status().currentPodHash();
    assertThat(split(harness).canaryWeight()).isEqualTo(20);
    harness.afterEveryPass(
        h -> {
          TrafficSplit s = split(h);
          assertThat(availableOf(h, s.stableHash()))
              .as("stable pods for %d%% of traffic", s.stableWeight())
              .isGreaterThanOrEqualTo((int) Math.ceil(5 * s.stableWeight() / 100.0));
          if (s.canaryWeight() > 0) {
            assertThat(availableOf(h, s.canaryHash()))
                .as("canary %s pods", s.canaryHash())
                .isPositive();
          }
        });

    harness.apply(
        NAMESPACE,
        Seed.bookinfo()
            .replace(Seed.V1_IMAGE, "docker.io/istio/examples-bookinfo-reviews-v3:1.16.4"));
    harness.advance(Duration.ofMinutes(2));

    assertThat(Seed.replicasOf(harness, v2)).isZero();
    assertThat(split(harness).canaryHash()).isNotEqualTo(v2);
  }

  private static int availableOf(RolloutHarness harness, String hash) {
    for (var r : harness.cluster().list("ReplicaSet", NAMESPACE)) {
      var rs = (io.rollout4j.model.GenericResource) r;
      if (hash.equals(rs.metadata().labels().get("rollouts-pod-template-hash"))) {
        return ((Number) rs.path("status", "availableReplicas")).intValue();
      }
    }
    return 0;
  }
}
