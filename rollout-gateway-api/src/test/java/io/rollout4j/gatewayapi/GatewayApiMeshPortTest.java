package io.rollout4j.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Gateway API adapter against the fabric8 mock API server, with the plugin's test objects. */
@EnableKubernetesMockClient(crud = true)
class GatewayApiMeshPortTest {
  KubernetesClient client;
  KubernetesMockServer server;
  private GatewayApiMeshPort port;

  @BeforeEach
  void crds() {
    GatewayCluster.installCrds(client);
    port = GatewayApiMeshPort.create(client);
  }

  private Rollout load(String test) {
    return GatewayCluster.apply(
            client,
            GatewayCluster.read(test + "/resources/services.yaml")
                + "\n---\n"
                + GatewayCluster.read(test + "/resources/" + routeFile(test))
                + "\n---\n"
                + GatewayCluster.read(test + "/resources/rollout.yaml"))
        .get(0);
  }

  private static String routeFile(String test) {
    return test.contains("grpc") ? "grpcroute.yaml" : "httproute.yaml";
  }

  private static TrafficSplit split(int weight, TrafficSplit.HeaderRoute... headers) {
    return new TrafficSplit(weight, "canary-hash", "stable-hash", List.of(headers), List.of());
  }

  private static TrafficSplit.HeaderRoute header(String route, String name, String value) {
    return new TrafficSplit.HeaderRoute(route, Map.of(name, Map.of("exact", value)));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(GenericKubernetesResource route) {
    return (List<Map<String, Object>>) GatewayApiMeshPort.specOf(route).get("rules");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> weights(Map<String, Object> rule) {
    return ((List<Map<String, Object>>) rule.get("backendRefs"))
        .stream().map(b -> b.get("weight")).toList();
  }

  @Test
  void theWeightGoesOnEveryRuleThatSendsToTheRolloutsServicesAndOnNothingElse() {
    Rollout rollout = load("httproute-multi-rule-header");
    GenericKubernetesResource before =
        GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-multi-rule");

    port.apply(rollout, split(30));

    GenericKubernetesResource after =
        GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-multi-rule");
    assertThat(rules(after))
        .hasSize(2)
        .allSatisfy(r -> assertThat(weights(r)).containsExactly(70, 30));
    assertThat(rules(after).get(0).get("matches")).isEqualTo(rules(before).get(0).get("matches"));
    assertThat(GatewayApiMeshPort.specOf(after).get("parentRefs"))
        .isEqualTo(GatewayApiMeshPort.specOf(before).get("parentRefs"));
    assertThat(after.getMetadata().getLabels())
        .containsEntry(GatewayApiMeshPort.IN_PROGRESS_LABEL, GatewayApiMeshPort.IN_PROGRESS);
    assertThat(port.current(rollout))
        .hasValueSatisfying(s -> assertThat(s.canaryWeight()).isEqualTo(30));
  }

  @Test
  void headerRoutesAreManagedRulesThatGoWhenTheStepsNoLongerSetThem() {
    Rollout rollout = load("httproute-multi-rule-header");

    port.apply(rollout, split(30, header("canary-route1", "X-Version", "v2")));

    GenericKubernetesResource route =
        GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-multi-rule");
    assertThat(rules(route))
        .extracting(r -> r.get("name"))
        .containsExactly(null, null, "canary-route1", "canary-route1-1");
    assertThat(port.current(rollout))
        .hasValueSatisfying(
            s ->
                assertThat(s.headerRoutes())
                    .containsExactly(header("canary-route1", "X-Version", "v2")));

    port.apply(rollout, split(0));

    route = GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-multi-rule");
    assertThat(rules(route))
        .hasSize(2)
        .allSatisfy(r -> assertThat(weights(r)).containsExactly(100, 0));
    assertThat(route.getMetadata().getLabels())
        .doesNotContainKey(GatewayApiMeshPort.IN_PROGRESS_LABEL);
  }

  @Test
  void headerAndMirrorRoutesReadBackAsTheEngineWroteThemSoAStepIsWrittenOnce() {
    Rollout rollout = load("single-httproute");
    TrafficSplit.MirrorRoute mirror =
        new TrafficSplit.MirrorRoute(
            "mirrored",
            List.of(
                Map.of(
                    "method", Map.of("exact", "GET"),
                    "path", Map.of("prefix", "/api"),
                    "headers", Map.of("X-Debug", Map.of("regex", "on|yes")))),
            50);
    TrafficSplit.HeaderRoute prefixed =
        new TrafficSplit.HeaderRoute("by-header", Map.of("X-Tenant", Map.of("prefix", "beta.")));
    TrafficSplit wanted =
        new TrafficSplit(30, "canary-hash", "stable-hash", List.of(prefixed), List.of(mirror));
    Rollout managed =
        Manifests.parseOne(
            GatewayCluster.read("single-httproute/resources/rollout.yaml")
                .replace(
                    "        plugins:",
                    "        managedRoutes: [{name: by-header}, {name: mirrored}]\n        plugins:"),
            Rollout.class);
    port.apply(managed, wanted);
    GatewayCluster.point(client, "single-httproute-canary-service", "canary-hash");
    GatewayCluster.point(client, "single-httproute-stable-service", "stable-hash");

    // What the engine compares with the split it wants: equal, so it writes nothing again.
    assertThat(port.current(managed)).contains(wanted);
  }

  /**
   * Which revision each side of a split reaches is read from the Services on every reconcile: with
   * informers from a cache that follows their selectors, without a request each time.
   */
  @Test
  void withInformersTheServicesRevisionsComeFromACacheThatFollowsTheirSelectors()
      throws InterruptedException {
    Rollout rollout = load("single-httproute");
    GatewayCluster.point(client, "single-httproute-canary-service", "canary-hash");
    GatewayCluster.point(client, "single-httproute-stable-service", "stable-hash");
    try (GatewayApiMeshPort cached = GatewayApiMeshPort.builder(client).informers(true).build()) {
      cached.apply(rollout, split(30));
      assertThat(cached.current(rollout)).contains(split(30));
      assertThat(cached.current(rollout)).contains(split(30));

      GatewayCluster.point(client, "single-httproute-canary-service", "new-hash");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"new-hash".equals(cached.current(rollout).orElseThrow().canaryHash())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(cached.current(rollout).orElseThrow().canaryHash()).isEqualTo("new-hash");

      while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
        // what came before
      }
      for (int i = 0; i < 5; i++) {
        cached.current(rollout);
      }
      List<String> requests = new ArrayList<>();
      for (var r = server.takeRequest(100, TimeUnit.MILLISECONDS);
          r != null;
          r = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
        requests.add(r.getMethod() + " " + r.getPath());
      }
      assertThat(requests).as("requests of five reads of the split").isEmpty();
    }
  }

  @Test
  void aRouteAGitOpsSyncPutBackMidCanaryIsSeenAndRewritten() {
    Rollout rollout = load("advanced-header-based-httproute");
    TrafficSplit wanted = split(30, header("canary-route1", "X-Test", "test"));
    port.apply(rollout, wanted);

    // Argo CD syncs the route from Git: its rules as the manifest has them, no weights, no managed
    // rule (plugin issue #208: the plugin never restores them).
    GenericKubernetesResource live =
        GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-header-advanced");
    GenericKubernetesResource fromGit =
        client
            .getKubernetesSerialization()
            .convertValue(
                Manifests.toMap(
                    Manifests.parseOne(
                        GatewayCluster.read(
                            "advanced-header-based-httproute/resources/httproute.yaml"),
                        io.rollout4j.model.GenericResource.class)),
                GenericKubernetesResource.class);
    fromGit.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    GatewayCluster.replace(client, fromGit);

    // The engine compares what the route carries with what the rollout wants...
    assertThat(port.current(rollout)).isNotEqualTo(java.util.Optional.of(wanted));
    // ...and writes its split again.
    port.apply(rollout, wanted);

    GenericKubernetesResource repaired =
        GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-header-advanced");
    assertThat(rules(repaired)).hasSize(2);
    assertThat(weights(rules(repaired).get(0))).containsExactly(70, 30);
    assertThat(rules(repaired).get(1)).containsEntry("name", "canary-route1");
  }

  @Test
  void aMissingRouteStopsTheWriteBeforeAnyRouteIsChanged() {
    Rollout rollout = load("single-httproute");
    Rollout twoRoutes =
        Manifests.parseOne(
            Manifests.toYaml(rollout)
                .replace(
                    "httpRoute: httproute-basic",
                    "httpRoutes: [{name: httproute-basic}, {name: not-there}]"),
            Rollout.class);
    GenericKubernetesResource before =
        GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-basic");

    assertThatThrownBy(() -> port.apply(twoRoutes, split(30)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("plugins[argoproj-labs/gatewayAPI].httpRoutes[1]")
        .hasMessageContaining("\"not-there\"")
        .hasMessageContaining("not found");
    assertThat(
            GatewayCluster.get(client, "HTTPRoute", "v1", "httproute-basic")
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void aRouteThatDoesNotSendToTheRolloutsServicesIsInvalid() {
    Rollout rollout = load("single-httproute");
    Rollout otherServices =
        Manifests.parseOne(
            Manifests.toYaml(rollout).replace("single-httproute-canary-service", "elsewhere"),
            Rollout.class);
    assertThatThrownBy(() -> port.apply(otherServices, split(30)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining(
            "HTTPRoute \"httproute-basic\": rules[0] has a backendRef to the stable Service"
                + " \"single-httproute-stable-service\" but none to the canary Service"
                + " \"elsewhere\"");
  }

  @Test
  void grpcRoutesTakeWeightsAndHeaderRoutesToo() {
    Rollout rollout = load("single-header-based-grpcroute");

    port.apply(rollout, split(30, header("canary-route1", "X-Test", "test")));

    GenericKubernetesResource route =
        GatewayCluster.get(client, "GRPCRoute", "v1", "grpcroute-header");
    assertThat(weights(rules(route).get(0))).containsExactly(70, 30);
    assertThat(rules(route).get(1)).containsEntry("name", "canary-route1");
  }

  @Test
  void theConfigurationIsCheckedFieldByField() {
    Rollout rollout = load("single-httproute");
    Rollout broken =
        Manifests.parseOne(
            Manifests.toYaml(rollout)
                .replace("httpRoute: httproute-basic", "httpRoutes: [{useHeaderRoutes: true}]"),
            Rollout.class);
    assertThatThrownBy(() -> port.apply(broken, split(30)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("plugins[argoproj-labs/gatewayAPI].httpRoutes[0].name")
        .hasMessageContaining("expected the name of a HTTPRoute");
  }
}
