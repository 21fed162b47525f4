package io.rollout4j.istio;

import static io.rollout4j.istio.VirtualServiceRoutesTest.conformance;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.testkit.RolloutHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's canary driven by the engine through the Istio adapter, on the fabric8 mock server
 * holding the Bookinfo demo's VirtualService and DestinationRule.
 */
@EnableKubernetesMockClient(crud = true)
class IstioSeedCanaryTest {
  static final String NS = "bookinfo";
  static final String ROLLOUT = "reviews-rollout";
  private static final String V1 = "docker.io/istio/examples-bookinfo-reviews-v1:1.16.4";
  private static final String V2 = "docker.io/istio/examples-bookinfo-reviews-v2:1.16.4";

  KubernetesClient client;
  KubernetesMockServer server;
  private RolloutHarness harness;
  private Map<String, Object> gitVirtualService;
  private Map<String, Object> gitDestinationRule;

  /** What the mesh carries at one instant: VS stable/canary weights and the DR subsets' hashes. */
  record MeshState(Object stable, Object canary, String stableSubset, String canarySubset) {}

  private static String bookinfo() {
    return conformance(
        "tse-gitops-demo/variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml");
  }

  @BeforeEach
  void seedDeployed() {
    IstioCluster.installCrds(client);
    IstioCluster.apply(client, NS, conformance("tse-gitops-demo/argo/tse/conf.yaml"));
    gitVirtualService = IstioCluster.spec(vs());
    gitDestinationRule = IstioCluster.spec(dr());
    harness = RolloutHarness.withMesh(IstioMeshPort.create(client));
    harness.metrics().script("skywalking", request -> apdex(9950));
    harness.apply(NS, bookinfo());
    harness.apply(NS, conformance("tse-gitops-demo/argo/rollout/analysis.yaml"));
    harness.apply(NS, conformance("tse-gitops-demo/argo/rollout/rollout.yaml"));
    harness.advance(Duration.ofMinutes(1));
  }

  static Map<String, Object> apdex(int value) {
    Map<String, Object> point = Map.of("value", Integer.toString(value));
    Map<String, Object> series = new java.util.HashMap<>();
    series.put("label", null);
    series.put("values", Map.of("values", List.of(point, point)));
    return Map.of("service_apdex", series);
  }

  private GenericKubernetesResource vs() {
    return IstioCluster.get(client, "VirtualService", NS, "reviews");
  }

  private GenericKubernetesResource dr() {
    return IstioCluster.get(client, "DestinationRule", NS, "reviews");
  }

  @SuppressWarnings("unchecked")
  private MeshState mesh() {
    List<Object> route =
        (List<Object>)
            ((Map<String, Object>) ((List<Object>) IstioCluster.spec(vs()).get("http")).get(0))
                .get("route");
    Object stable = ((Map<String, Object>) route.get(0)).get("weight");
    Object canary = ((Map<String, Object>) route.get(1)).get("weight");
    return new MeshState(stable, canary, subsetHash("stable"), subsetHash("canary"));
  }

  @SuppressWarnings("unchecked")
  private String subsetHash(String subset) {
    for (Object s : (List<Object>) IstioCluster.spec(dr()).get("subsets")) {
      Map<String, Object> m = (Map<String, Object>) s;
      if (subset.equals(m.get("name"))) {
        return String.valueOf(
            ((Map<String, Object>) m.get("labels")).get("rollouts-pod-template-hash"));
      }
    }
    throw new AssertionError("no subset " + subset);
  }

  private RolloutStatus status() {
    return harness.rollout(NS, ROLLOUT).status();
  }

  private void pushV2() {
    harness.apply(NS, bookinfo().replace(V1, V2));
  }

  @Test
  void initialDeployLabelsBothSubsetsAndLeavesTheVirtualServiceAsInGit() {
    String h1 = status().stableRS();

    assertThat(status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(mesh()).isEqualTo(new MeshState(100, 0, h1, h1));
    assertThat(IstioCluster.spec(vs())).isEqualTo(gitVirtualService);
    assertThat(dr().getMetadata().getAnnotations())
        .containsEntry("argo-rollouts.argoproj.io/managed-by-rollouts", ROLLOUT)
        .containsEntry("tsb.tetrate.io/workspace", "bookinfo-ws");
    // The subsets keep their own labels; only the hash label is added.
    assertThat(IstioCluster.spec(dr()).get("host")).isEqualTo("reviews");
    assertThat(IstioCluster.spec(dr()).toString()).contains("version=canary", "version=stable");
  }

  @Test
  void everyStepOfTheSeedCanaryReachesTheMeshAsInArgo() {
    String h1 = status().stableRS();
    List<MeshState> states = new ArrayList<>();
    List<Instant> changedAt = new ArrayList<>();
    harness.afterEveryPass(
        h -> {
          MeshState now = mesh();
          if (states.isEmpty() || !states.get(states.size() - 1).equals(now)) {
            states.add(now);
            changedAt.add(h.clock().instant());
          }
        });
    Instant pushed = harness.clock().instant();
    pushV2();
    harness.advance(Duration.ofMinutes(40));

    String h2 = status().stableRS();
    assertThat(h2).isNotEqualTo(h1);
    assertThat(status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(states)
        .containsExactly(
            new MeshState(100, 0, h1, h1),
            new MeshState(90, 10, h1, h2),
            new MeshState(80, 20, h1, h2),
            new MeshState(60, 40, h1, h2),
            new MeshState(40, 60, h1, h2),
            new MeshState(20, 80, h1, h2),
            new MeshState(0, 100, h1, h2),
            new MeshState(100, 0, h2, h2));
    // Pauses of 10 and 5 minutes between the weights, as the demo's Rollout has them.
    assertThat(Duration.between(changedAt.get(1), changedAt.get(2)))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    assertThat(Duration.between(changedAt.get(2), changedAt.get(3)))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(Duration.between(pushed, changedAt.get(7)))
        .isBetween(Duration.ofMinutes(30), Duration.ofMinutes(32));
    // Fully promoted, the VirtualService is byte for byte what git holds.
    assertThat(IstioCluster.spec(vs())).isEqualTo(gitVirtualService);
  }

  /** Requests the mock server received since the last call, counted by verb and resource. */
  private Map<String, Integer> requestsSinceLastCall() throws InterruptedException {
    Map<String, Integer> counts = new TreeMap<>();
    RecordedRequest request;
    while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      String path = request.getPath();
      String resource =
          path.contains("virtualservices")
              ? "VirtualService"
              : path.contains("destinationrules") ? "DestinationRule" : path;
      counts.merge(request.getMethod() + " " + resource, 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void theWholeCanaryWritesEachObjectOnlyWhenItsManagedFieldsChange() throws InterruptedException {
    requestsSinceLastCall();
    pushV2();
    harness.advance(Duration.ofMinutes(40));

    Map<String, Integer> requests = requestsSinceLastCall();
    // Seven weight changes (10, 20, 40, 60, 80, 100, back to 0) and two subset switches (canary
    // to the new hash, then stable at promotion): one PUT each, nothing else written.
    assertThat(requests)
        .containsEntry("PUT VirtualService", 7)
        .containsEntry("PUT DestinationRule", 2);
    assertThat(requests.keySet()).allMatch(k -> k.startsWith("GET ") || k.startsWith("PUT "));
  }

  @Test
  void abortSendsEverythingBackToStableAndTheVirtualServiceBackToGit() {
    String h1 = status().stableRS();
    pushV2();
    harness.advance(Duration.ofMinutes(16));
    String h2 = status().currentPodHash();
    assertThat(mesh()).isEqualTo(new MeshState(60, 40, h1, h2));

    harness.abort(NS, ROLLOUT);
    harness.advance(Duration.ofMinutes(2));

    assertThat(status().phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(mesh().stable()).isEqualTo(100);
    assertThat(mesh().canary()).isEqualTo(0);
    assertThat(mesh().stableSubset()).isEqualTo(h1);
    assertThat(IstioCluster.spec(vs())).isEqualTo(gitVirtualService);
  }

  @Test
  @SuppressWarnings("unchecked")
  void weightsChangedByHandAreRestoredAtTheNextReconcile() {
    pushV2();
    harness.advance(Duration.ofMinutes(11));
    assertThat(mesh().canary()).isEqualTo(20);

    // A GitOps sync puts git's weights back.
    GenericKubernetesResource reverted = vs();
    reverted.setAdditionalProperty("spec", gitVirtualService);
    IstioCluster.update(client, reverted);
    assertThat(mesh().canary()).isEqualTo(0);

    harness.reconcile();

    assertThat(mesh().stable()).isEqualTo(80);
    assertThat(mesh().canary()).isEqualTo(20);
  }

  @Test
  void aDeletedVirtualServiceStopsTheRolloutWithAnInvalidSpecCondition() {
    IstioCluster.delete(client, "VirtualService", NS, "reviews");
    GenericKubernetesResource ruleBefore = dr();
    pushV2();
    harness.advance(Duration.ofMinutes(2));

    assertThat(status().phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status().message())
        .isEqualTo(
            "InvalidSpec: The Rollout \"reviews-rollout\" is invalid:"
                + " spec.strategy.canary.trafficRouting.istio.virtualService.name:"
                + " Invalid value: \"reviews\":"
                + " virtualservice.networking.istio.io \"reviews\" not found");
    assertThat(dr().getMetadata().getResourceVersion())
        .isEqualTo(ruleBefore.getMetadata().getResourceVersion());
  }

  @Test
  void aRolloutOnARouterIstioDoesNotServeGetsAStatusAndTheMeshIsUntouched() {
    GenericKubernetesResource serviceBefore = vs();
    harness.apply(
        NS,
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
        ---
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
                nginx: {stableIngress: shop}
              steps: [{setWeight: 50}]
        """);
    harness.advance(Duration.ofMinutes(1));

    RolloutStatus shop = harness.rollout(NS, "shop").status();
    assertThat(shop.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(shop.message())
        .isEqualTo(
            "InvalidSpec: The Rollout \"shop\" is invalid: spec.strategy.canary.trafficRouting.nginx:"
                + " traffic router 'nginx' is not served by this controller (it serves: istio);"
                + " nothing is changed until the rollout uses one of those or a MeshPort for"
                + " 'nginx' is configured");
    assertThat(harness.cluster().list("ReplicaSet", NS))
        .noneMatch(rs -> String.valueOf(rs.name()).startsWith("shop-"));
    assertThat(vs().getMetadata().getResourceVersion())
        .isEqualTo(serviceBefore.getMetadata().getResourceVersion());
  }
}
