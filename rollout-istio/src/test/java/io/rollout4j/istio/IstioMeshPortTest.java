package io.rollout4j.istio;

import static io.rollout4j.istio.VirtualServiceRoutesTest.conformance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.TrafficSplit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Istio adapter on Argo's own Istio examples (host-level, subset-level, header and mirror
 * routes, several VirtualServices, TLS and TCP), against concurrent edits and misconfigured
 * objects, on the fabric8 mock server in CRUD mode.
 */
@EnableKubernetesMockClient(crud = true)
class IstioMeshPortTest {
  private static final String NS = "demo";

  KubernetesClient client;

  private Rollout load(String... paths) {
    IstioCluster.installCrds(client);
    StringBuilder yaml = new StringBuilder();
    for (String path : paths) {
      yaml.append(path.contains("\n") ? path : conformance(path)).append("\n---\n");
    }
    return IstioCluster.apply(client, NS, yaml.toString()).get(0);
  }

  private GenericKubernetesResource vs(String name) {
    return IstioCluster.get(client, "VirtualService", NS, name);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> routes(GenericKubernetesResource vs, String section) {
    return (List<Map<String, Object>>) IstioCluster.spec(vs).get(section);
  }

  /** host (and subset) → weight of one route, in the route's order. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> weights(Map<String, Object> route) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object target : (List<Object>) route.get("route")) {
      Map<String, Object> t = (Map<String, Object>) target;
      Map<String, Object> d = (Map<String, Object>) t.get("destination");
      out.put(
          d.get("host") + (d.get("subset") == null ? "" : "/" + d.get("subset")), t.get("weight"));
    }
    return out;
  }

  /**
   * A VirtualService someone else edits (a GitOps sync putting git's weights back) wakes the
   * rollout that routes through it, as Argo's Istio controller does; the port's own writes do not.
   */
  @Test
  void aVirtualServiceChangedBySomeoneElseIsReportedForItsRollout() throws InterruptedException {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/istio/istio-host-split.yaml");
    List<String> woken = new CopyOnWriteArrayList<>();
    try (IstioMeshPort port = IstioMeshPort.builder(client).informers(true).build()) {
      port.onChange(woken::add);
      port.current(rollout);
      port.apply(rollout, TrafficSplit.of(30, "h2", "h1"));
      Thread.sleep(300);
      assertThat(woken).as("the port's own write").isEmpty();

      GenericKubernetesResource reverted = vs("istio-host-split-vsvc");
      routes(reverted, "http").get(0).put("retries", Map.of("attempts", 3));
      IstioCluster.update(client, reverted);

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (woken.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(woken).contains(NS + "/" + rollout.name());
    }
  }

  @Test
  void hostLevelSplittingSetsTheServiceDestinationsWeights() {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/istio/istio-host-split.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);

    port.apply(rollout, TrafficSplit.of(30, "h2", "h1"));

    GenericKubernetesResource vs = vs("istio-host-split-vsvc");
    assertThat(weights(routes(vs, "http").get(0)))
        .containsExactly(
            Map.entry("istio-host-split-stable", 70), Map.entry("istio-host-split-canary", 30));
    assertThat(port.current(rollout))
        .hasValueSatisfying(s -> assertThat(s.canaryWeight()).isEqualTo(30));
  }

  @Test
  void subsetLevelSplittingLabelsTheSubsetsAndMarksTheRule() {
    Rollout rollout = load("argo-rollouts-examples/examples/istio/istio-subset-split.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);

    port.apply(rollout, TrafficSplit.of(25, "h2", "h1"));

    assertThat(weights(routes(vs("istio-subset-split-vsvc"), "http").get(0)))
        .containsExactly(
            Map.entry("istio-subset-split/stable", 75), Map.entry("istio-subset-split/canary", 25));
    GenericKubernetesResource rule =
        IstioCluster.get(client, "DestinationRule", NS, "istio-subset-split-destrule");
    assertThat(rule.getMetadata().getAnnotations())
        .containsEntry("argo-rollouts.argoproj.io/managed-by-rollouts", rollout.name());
    assertThat(port.current(rollout)).contains(TrafficSplit.of(25, "h2", "h1"));
  }

  @Test
  void aHeaderRouteGoesFirstToTheCanaryServiceAndLeavesWhenTheStepIsOver() {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/header-routing/istio-hr-host.yaml");
    Map<String, Object> git = IstioCluster.spec(vs("rollouts-demo-vsvc"));
    IstioMeshPort port = IstioMeshPort.create(client);
    TrafficSplit withHeader =
        new TrafficSplit(
            20,
            "h2",
            "h1",
            List.of(
                new TrafficSplit.HeaderRoute(
                    "set-header-1", Map.of("agent", Map.of("regex", "firefox(.*)")))),
            List.of());

    port.apply(rollout, withHeader);

    List<Map<String, Object>> http = routes(vs("rollouts-demo-vsvc"), "http");
    assertThat(http).extracting(r -> r.get("name")).containsExactly("set-header-1", "primary");
    assertThat(http.get(0))
        .isEqualTo(
            Map.of(
                "name", "set-header-1",
                "match",
                    List.of(Map.of("headers", Map.of("agent", Map.of("regex", "firefox(.*)")))),
                "route",
                    List.of(
                        Map.of("destination", Map.of("host", "canary-service"), "weight", 100))));
    assertThat(weights(http.get(1)))
        .containsExactly(Map.entry("stable-service", 80), Map.entry("canary-service", 20));
    assertThat(port.current(rollout).orElseThrow().headerRoutes())
        .isEqualTo(withHeader.headerRoutes());

    port.apply(rollout, TrafficSplit.of(20, "h2", "h1"));

    assertThat(IstioCluster.spec(vs("rollouts-demo-vsvc"))).isEqualTo(git);
  }

  @Test
  void mirrorRoutesCopyTheWeightedDestinationsAndMirrorToTheCanaryInManagedRoutesOrder() {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/mirror-route/istio-mirror-host.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);
    TrafficSplit mirrored =
        new TrafficSplit(
            20,
            "h2",
            "h1",
            List.of(),
            List.of(
                new TrafficSplit.MirrorRoute(
                    "mirror-route-1", List.of(Map.of("path", Map.of("prefix", "/"))), 100),
                new TrafficSplit.MirrorRoute(
                    "mirror-route-2",
                    List.of(
                        Map.of("method", Map.of("exact", "GET"), "path", Map.of("prefix", "/"))),
                    80)));

    port.apply(rollout, mirrored);

    List<Map<String, Object>> http = routes(vs("rollouts-demo-vsvc"), "http");
    assertThat(http)
        .extracting(r -> r.get("name"))
        .containsExactly("mirror-route-1", "mirror-route-2", "primary");
    Map<String, Object> second = http.get(1);
    assertThat(second.get("match"))
        .isEqualTo(List.of(Map.of("method", Map.of("exact", "GET"), "uri", Map.of("prefix", "/"))));
    assertThat(second.get("mirror")).isEqualTo(Map.of("host", "canary-service"));
    assertThat(second.get("mirrorPercentage")).isEqualTo(Map.of("value", 80));
    assertThat(weights(second))
        .containsExactly(Map.entry("stable-service", 80), Map.entry("canary-service", 20));
    assertThat(port.current(rollout).orElseThrow().mirrorRoutes())
        .isEqualTo(mirrored.mirrorRoutes());

    // Mirror routes follow later weight changes with the route they copy.
    TrafficSplit at40 =
        new TrafficSplit(40, "h2", "h1", List.of(), mirrored.mirrorRoutes().subList(1, 2));
    port.apply(rollout, at40);

    http = routes(vs("rollouts-demo-vsvc"), "http");
    assertThat(http).extracting(r -> r.get("name")).containsExactly("mirror-route-2", "primary");
    assertThat(weights(http.get(0)))
        .containsExactly(Map.entry("stable-service", 60), Map.entry("canary-service", 40));
  }

  @Test
  void everyVirtualServiceOfTheRolloutMovesTogether() {
    Rollout rollout =
        load(
            "argo-rollouts-examples/docs/getting-started/istio/services.yaml",
            "argo-rollouts-examples/docs/getting-started/istio/multipleVirtualsvc.yaml",
            "argo-rollouts-examples/docs/getting-started/istio/rollout.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);

    port.apply(rollout, TrafficSplit.of(5, "h2", "h1"));

    assertThat(weights(routes(vs("rollouts-demo-vsvc1"), "http").get(0)))
        .containsExactly(
            Map.entry("rollouts-demo-stable", 95), Map.entry("rollouts-demo-canary", 5));
    assertThat(weights(routes(vs("rollouts-demo-vsvc2"), "http").get(0)))
        .containsExactly(
            Map.entry("rollouts-demo-stable", 95), Map.entry("rollouts-demo-canary", 5));
    // Only the named HTTP routes are the rollout's: vsvc1's TLS route keeps its weights.
    assertThat(weights(routes(vs("rollouts-demo-vsvc1"), "tls").get(0)))
        .containsExactly(
            Map.entry("rollouts-demo-stable", 100), Map.entry("rollouts-demo-canary", 0));
    // Hashes come from the Services' selectors in host-level splitting (the engine points them).
    assertThat(port.current(rollout).orElseThrow().canaryWeight()).isEqualTo(5);
  }

  @Test
  void aVirtualServiceChangedByHandInOnlyOneOfSeveralIsReportedAsNoSingleSplit() {
    Rollout rollout =
        load(
            "argo-rollouts-examples/docs/getting-started/istio/services.yaml",
            "argo-rollouts-examples/docs/getting-started/istio/multipleVirtualsvc.yaml",
            "argo-rollouts-examples/docs/getting-started/istio/rollout.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);
    port.apply(rollout, TrafficSplit.of(5, "h2", "h1"));
    GenericKubernetesResource second = vs("rollouts-demo-vsvc2");
    IstioCluster.spec(second).put("http", routes(vs("rollouts-demo-vsvc2"), "http"));
    weightsOf(second, 100, 0);
    IstioCluster.update(client, second);

    assertThat(port.current(rollout)).isEmpty();

    port.apply(rollout, TrafficSplit.of(5, "h2", "h1"));
    assertThat(port.current(rollout))
        .hasValueSatisfying(s -> assertThat(s.canaryWeight()).isEqualTo(5));
  }

  @SuppressWarnings("unchecked")
  private static void weightsOf(GenericKubernetesResource vs, int stable, int canary) {
    List<Object> targets = (List<Object>) routes(vs, "http").get(0).get("route");
    ((Map<String, Object>) targets.get(0)).put("weight", stable);
    ((Map<String, Object>) targets.get(1)).put("weight", canary);
  }

  @Test
  void tlsRoutesAreSelectedByPortAndSniHosts() {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/istio/istio-host-only-tls-split.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);

    port.apply(rollout, TrafficSplit.of(40, "h2", "h1"));

    assertThat(weights(routes(vs("istio-host-split-tls-vsvc"), "tls").get(0)))
        .containsExactly(
            Map.entry("istio-host-split-tls-stable", 60),
            Map.entry("istio-host-split-tls-canary", 40));
    assertThat(port.current(rollout))
        .hasValueSatisfying(s -> assertThat(s.canaryWeight()).isEqualTo(40));
  }

  private static final String TCP =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: db}
      spec:
        hosts: [db]
        tcp:
        - match: [{port: 5432}]
          route:
          - destination: {host: db-stable, port: {number: 5432}}
            weight: 100
          - destination: {host: db-canary, port: {number: 5432}}
            weight: 0
        - match: [{port: 5433}]
          route:
          - destination: {host: db-stable, port: {number: 5433}}
            weight: 100
          - destination: {host: db-canary, port: {number: 5433}}
            weight: 0
      ---
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata: {name: db}
      spec:
        replicas: 2
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec: {containers: [{name: db, image: "postgres:16"}]}
        strategy:
          canary:
            canaryService: db-canary
            stableService: db-stable
            trafficRouting:
              istio:
                virtualService:
                  name: db
                  tcpRoutes: [{port: 5432}]
            steps: [{setWeight: 50}]
      """;

  @Test
  void tcpRoutesAreSelectedByPortAndWrittenInTheObjectsOwnVersion() {
    Rollout rollout = load(TCP);
    IstioMeshPort port = IstioMeshPort.builder(client).apiVersion("v1beta1").build();

    port.apply(rollout, TrafficSplit.of(50, "h2", "h1"));

    GenericKubernetesResource vs = vs("db");
    assertThat(vs.getApiVersion()).isEqualTo("networking.istio.io/v1");
    assertThat(weights(routes(vs, "tcp").get(0)))
        .containsExactly(Map.entry("db-stable", 50), Map.entry("db-canary", 50));
    assertThat(weights(routes(vs, "tcp").get(1)))
        .containsExactly(Map.entry("db-stable", 100), Map.entry("db-canary", 0));
  }

  @Test
  void anUnchangedSplitWritesNothing() {
    Rollout rollout = load("argo-rollouts-examples/examples/istio/istio-subset-split.yaml");
    IstioMeshPort port = IstioMeshPort.create(client);
    port.apply(rollout, TrafficSplit.of(25, "h2", "h1"));
    String vsVersion = vs("istio-subset-split-vsvc").getMetadata().getResourceVersion();
    String drVersion =
        IstioCluster.get(client, "DestinationRule", NS, "istio-subset-split-destrule")
            .getMetadata()
            .getResourceVersion();

    port.apply(rollout, TrafficSplit.of(25, "h2", "h1"));

    assertThat(vs("istio-subset-split-vsvc").getMetadata().getResourceVersion())
        .isEqualTo(vsVersion);
    assertThat(
            IstioCluster.get(client, "DestinationRule", NS, "istio-subset-split-destrule")
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(drVersion);
  }

  // ---------------------------------------------------------------- concurrency

  /** A client that runs {@code edit} before each of its first {@code times} PUTs. */
  private KubernetesClient racingClient(int times, Consumer<Integer> edit) {
    AtomicInteger puts = new AtomicInteger();
    return new KubernetesClientBuilder()
        .withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(
            builder ->
                builder.addOrReplaceInterceptor(
                    "race",
                    new Interceptor() {
                      @Override
                      public void before(BasicBuilder request, HttpRequest http, RequestTags tags) {
                        if (http.method().equals("PUT") && puts.get() < times) {
                          edit.accept(puts.incrementAndGet());
                        }
                      }
                    }))
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aConcurrentEditBetweenReadAndWriteIsKeptAndTheWeightStillLands() {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/istio/istio-host-split.yaml");
    KubernetesClient racing =
        racingClient(
            1,
            n -> {
              GenericKubernetesResource vs = vs("istio-host-split-vsvc");
              routes(vs, "http").get(0).put("timeout", "3s");
              IstioCluster.update(client, vs);
            });
    IstioMeshPort port = IstioMeshPort.create(racing);

    port.apply(rollout, TrafficSplit.of(30, "h2", "h1"));

    Map<String, Object> route = routes(vs("istio-host-split-vsvc"), "http").get(0);
    assertThat(route.get("timeout")).isEqualTo("3s");
    assertThat(weights(route))
        .containsExactly(
            Map.entry("istio-host-split-stable", 70), Map.entry("istio-host-split-canary", 30));
    racing.close();
  }

  @Test
  void anObjectThatKeepsChangingGivesUpWithAConflictAfterTheRetries() {
    Rollout rollout = load("argo-rollouts-examples/test/e2e/istio/istio-host-split.yaml");
    AtomicInteger edits = new AtomicInteger();
    KubernetesClient racing =
        racingClient(
            100,
            n -> {
              GenericKubernetesResource vs = vs("istio-host-split-vsvc");
              vs.getMetadata()
                  .setLabels(Map.of("touched", String.valueOf(edits.incrementAndGet())));
              IstioCluster.update(client, vs);
            });
    IstioMeshPort port = IstioMeshPort.builder(racing).conflictRetries(2).build();

    assertThatThrownBy(() -> port.apply(rollout, TrafficSplit.of(30, "h2", "h1")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("changed by someone else 3 times");
    assertThat(edits).hasValue(3);
    assertThat(weights(routes(vs("istio-host-split-vsvc"), "http").get(0)))
        .containsEntry("istio-host-split-canary", 0);
    racing.close();
  }

  // ---------------------------------------------------------------- validation

  private void assertNothingWrittenAfter(Rollout rollout, String message) {
    IstioMeshPort port = IstioMeshPort.create(client);
    Map<String, String> before = versions();

    assertThatThrownBy(() -> port.apply(rollout, TrafficSplit.of(30, "h2", "h1")))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> port.current(rollout))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessage(message);
    assertThat(versions()).isEqualTo(before);
  }

  private Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kind : List.of("VirtualService", "DestinationRule")) {
      for (String version : List.of("v1alpha3", "v1beta1", "v1")) {
        client
            .genericKubernetesResources(IstioCluster.context(kind, version))
            .inNamespace(NS)
            .list()
            .getItems()
            .forEach(
                r ->
                    out.put(
                        kind + "/" + r.getMetadata().getName(),
                        r.getMetadata().getResourceVersion()));
      }
    }
    return out;
  }

  private static final String SUBSET_EXAMPLE =
      "argo-rollouts-examples/examples/istio/istio-subset-split.yaml";

  /** A change to Argo's subset example, and the error it must produce before any write. */
  record Misconfiguration(String what, String from, String to, String deleted, String message) {
    @Override
    public String toString() {
      return what;
    }
  }

  private static final String VS_FIELD =
      "spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value:"
          + " \"istio-subset-split-vsvc\": ";
  private static final String DR_FIELD =
      "spec.strategy.canary.trafficRouting.istio.destinationRule.name: Invalid value:"
          + " \"istio-subset-split-destrule\": ";

  static List<Misconfiguration> misconfigurations() {
    return List.of(
        new Misconfiguration(
            "missing VirtualService",
            "",
            "",
            "VirtualService/istio-subset-split-vsvc",
            VS_FIELD + "virtualservice.networking.istio.io \"istio-subset-split-vsvc\" not found"),
        new Misconfiguration(
            "missing DestinationRule",
            "",
            "",
            "DestinationRule/istio-subset-split-destrule",
            DR_FIELD
                + "destinationrule.networking.istio.io \"istio-subset-split-destrule\" not"
                + " found"),
        new Misconfiguration(
            "named route missing",
            "- primary",
            "- primray",
            "",
            VS_FIELD + "HTTP Route 'primray' is not found in the defined Virtual Service."),
        new Misconfiguration(
            "route without the canary destination",
            """
                - destination:
                    host: istio-subset-split
                    subset: canary
                  weight: 0
            """,
            "",
            "",
            VS_FIELD + "Canary DestinationRule subset 'canary' not found in route"),
        new Misconfiguration(
            "route with an unknown destination",
            "subset: canary",
            "subset: canary-old",
            "",
            VS_FIELD
                + "Route http[0] 'primary' has destination 'istio-subset-split' subset"
                + " 'canary-old', which is neither the canary nor the stable subset; list it in"
                + " destinationRule.additionalSubsetNames or remove it"),
        new Misconfiguration(
            "missing subset",
            "- name: canary",
            "- name: canary-v2",
            "",
            DR_FIELD + "Canary subset 'canary' not found in the DestinationRule's spec.subsets"));
  }

  @ParameterizedTest
  @MethodSource("misconfigurations")
  void aMisconfigurationIsReportedAndNothingIsWritten(Misconfiguration bad) {
    String yaml = conformance(SUBSET_EXAMPLE);
    assertThat(bad.from().isEmpty() || yaml.contains(bad.from())).isTrue();
    Rollout rollout = load(bad.from().isEmpty() ? yaml : yaml.replace(bad.from(), bad.to()));
    if (!bad.deleted().isEmpty()) {
      String[] kindAndName = bad.deleted().split("/");
      IstioCluster.delete(client, kindAndName[0], NS, kindAndName[1]);
    }

    assertNothingWrittenAfter(rollout, bad.message());
  }

  @Test
  void nameDotNamespaceReferencesAnotherNamespace() {
    assertThat(IstioMeshPort.ObjectName.parse("reviews", "shop"))
        .isEqualTo(new IstioMeshPort.ObjectName("reviews", "shop"));
    assertThat(IstioMeshPort.ObjectName.parse("reviews.mesh", "shop"))
        .isEqualTo(new IstioMeshPort.ObjectName("reviews", "mesh"));
    assertThat(IstioMeshPort.ObjectName.parse("my.vs.mesh.cluster.local", "shop"))
        .isEqualTo(new IstioMeshPort.ObjectName("my.vs", "mesh"));
  }

  @Test
  void builderOptionsAreChecked() {
    assertThatThrownBy(() -> IstioMeshPort.builder(client).apiVersion("v2"))
        .hasMessage("apiVersion: expected one of v1, v1beta1, v1alpha3 but was 'v2'");
    assertThatThrownBy(() -> IstioMeshPort.builder(client).conflictRetries(-1))
        .hasMessage("conflictRetries: expected 0..100 but was -1");
  }
}
