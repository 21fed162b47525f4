package io.rollout4j.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.IstioTrafficRouting;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Route selection and weights on real VirtualServices: the seed's and Argo's e2e objects. */
class VirtualServiceRoutesTest {

  static String conformance(String relative) {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    try {
      return Files.readString(
          root.resolve("conformance").resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GenericResource virtualService(List<Resource> resources, String name) {
    return resources.stream()
        .filter(r -> r.kind().equals("VirtualService") && name.equals(r.name()))
        .map(GenericResource.class::cast)
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericResource resource) {
    return (Map<String, Object>) resource.get("spec");
  }

  private static List<Object> weights(Map<String, Object> spec, String section, int index) {
    Object route = ((Map<?, ?>) ((List<?>) spec.get(section)).get(index)).get("route");
    return ((List<?>) route)
        .stream().map(t -> ((Map<?, ?>) t).get("weight")).map(w -> (Object) w).toList();
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 20, 40, 60, 80, 100, 0})
  void theSeedsVirtualServiceFollowsEverySetWeightOfTheCanary(int weight) {
    List<Resource> conf = Manifests.parse(conformance("tse-gitops-demo/argo/tse/conf.yaml"));
    Map<String, Object> spec = spec(virtualService(conf, "reviews"));

    Map<String, Object> updated =
        VirtualServiceRoutes.withCanaryWeight(
            spec,
            IstioTrafficRouting.VirtualService.named("reviews"),
            RouteDestinations.bySubset("canary", "stable"),
            weight,
            Set.of());

    // The seed lists stable first, then canary.
    assertThat(weights(updated, "http", 0)).containsExactly(100 - weight, weight);
    assertThat(updated.get("hosts")).isEqualTo(spec.get("hosts"));
    assertThat(weights(spec, "http", 0)).as("input untouched").containsExactly(100, 0);
    assertThat(
            VirtualServiceRoutes.canaryWeights(
                updated,
                IstioTrafficRouting.VirtualService.named("reviews"),
                RouteDestinations.bySubset("canary", "stable"),
                Set.of()))
        .containsExactly(weight);
  }

  @Test
  void anUnchangedWeightGivesAnEqualSpecSoNothingNeedsWriting() {
    List<Resource> conf = Manifests.parse(conformance("tse-gitops-demo/argo/tse/conf.yaml"));
    Map<String, Object> spec = spec(virtualService(conf, "reviews"));

    assertThat(
            VirtualServiceRoutes.withCanaryWeight(
                spec,
                IstioTrafficRouting.VirtualService.named("reviews"),
                RouteDestinations.bySubset("canary", "stable"),
                0,
                Set.of()))
        .isEqualTo(spec);
  }

  @Test
  void argosHttpAndTlsHostSplitMovesTheNamedRouteAndTheMatchingTlsRoute() {
    List<Resource> objects =
        Manifests.parse(
            conformance("argo-rollouts-examples/test/e2e/istio/istio-host-http-tls-split.yaml"));
    Rollout rollout =
        (Rollout) objects.stream().filter(Rollout.class::isInstance).findFirst().orElseThrow();
    var canary = rollout.spec().canary();
    IstioTrafficRouting.VirtualService ref =
        canary.trafficRouting().istio().allVirtualServices().get(0);
    Map<String, Object> spec = spec(virtualService(objects, "istio-host-split-vsvc"));

    Map<String, Object> updated =
        VirtualServiceRoutes.withCanaryWeight(
            spec,
            ref,
            RouteDestinations.byHost(canary.canaryService(), canary.stableService()),
            10,
            Set.of());

    assertThat(weights(updated, "http", 0)).containsExactly(90, 10);
    assertThat(weights(updated, "tls", 0)).containsExactly(90, 10);
    assertThat(((Map<?, ?>) ((List<?>) updated.get("tls")).get(0)).get("match"))
        .isEqualTo(((Map<?, ?>) ((List<?>) spec.get("tls")).get(0)).get("match"));
  }

  private static final String MIXED =
      """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: mixed}
      spec:
        hosts: [app]
        http:
        - name: primary
          retries: {attempts: 3, perTryTimeout: 2s}
          route:
          - {destination: {host: stable-svc}, weight: 100}
          - {destination: {host: canary-svc.default.svc.cluster.local}, weight: 0}
        - name: secondary
          route:
          - {destination: {host: stable-svc}, weight: 100}
          - {destination: {host: canary-svc}, weight: 0}
        tls:
        - match: [{port: 3000, sniHosts: [app]}]
          route:
          - {destination: {host: stable-svc}, weight: 100}
          - {destination: {host: canary-svc}, weight: 0}
        - match: [{port: 3001, sniHosts: [app]}]
          route:
          - {destination: {host: stable-svc}, weight: 100}
          - {destination: {host: canary-svc}, weight: 0}
        tcp:
        - match: [{port: 3000}]
          route:
          - {destination: {host: stable-svc}, weight: 100}
          - {destination: {host: canary-svc}, weight: 0}
        - match: [{port: 3001}]
          route:
          - {destination: {host: stable-svc}, weight: 100}
          - {destination: {host: canary-svc}, weight: 0}
      """;

  private static Map<String, Object> mixed() {
    return spec((GenericResource) Manifests.parse(MIXED).get(0));
  }

  private static final RouteDestinations HOSTS =
      RouteDestinations.byHost("canary-svc", "stable-svc");

  @Test
  void onlyTheListedRoutesMoveAsInArgosFixtures() {
    var ref =
        new IstioTrafficRouting.VirtualService(
            "mixed",
            List.of("primary"),
            List.of(new IstioTrafficRouting.TlsRoute(3000L, List.of("app"))),
            List.of(new IstioTrafficRouting.TcpRoute(3000L)));

    Map<String, Object> updated =
        VirtualServiceRoutes.withCanaryWeight(mixed(), ref, HOSTS, 20, Set.of());

    assertThat(weights(updated, "http", 0)).containsExactly(80, 20);
    assertThat(weights(updated, "http", 1)).containsExactly(100, 0);
    assertThat(weights(updated, "tls", 0)).containsExactly(80, 20);
    assertThat(weights(updated, "tls", 1)).containsExactly(100, 0);
    assertThat(weights(updated, "tcp", 0)).containsExactly(80, 20);
    assertThat(weights(updated, "tcp", 1)).containsExactly(100, 0);
    assertThat(((Map<?, ?>) ((List<?>) updated.get("http")).get(0)).get("retries"))
        .isEqualTo(Map.of("attempts", 3, "perTryTimeout", "2s"));
  }

  @Test
  void additionalSubsetsKeepTheirWeightAndStableGetsTheRest() {
    Map<String, Object> spec =
        spec(
            (GenericResource)
                Manifests.parse(
                        """
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: vs}
                        spec:
                          http:
                          - route:
                            - {destination: {host: app, subset: stable}, weight: 80}
                            - {destination: {host: app, subset: canary}, weight: 0}
                            - {destination: {host: app, subset: shadow}, weight: 20}
                        """)
                    .get(0));
    var destinations = new RouteDestinations(true, "canary", "stable", Set.of("shadow"));

    Map<String, Object> updated =
        VirtualServiceRoutes.withCanaryWeight(
            spec, IstioTrafficRouting.VirtualService.named("vs"), destinations, 30, Set.of());

    assertThat(weights(updated, "http", 0)).containsExactly(50, 30, 20);
  }

  @Test
  void everyConfigurationErrorNamesWhatIsMissingAndChangesNothing() {
    var unnamed = IstioTrafficRouting.VirtualService.named("mixed");
    assertThatThrownBy(
            () -> VirtualServiceRoutes.withCanaryWeight(mixed(), unnamed, HOSTS, 10, Set.of()))
        .isInstanceOf(IstioRouteException.class)
        .hasMessageContaining("must have exactly one route when omitting");
    var missing =
        new IstioTrafficRouting.VirtualService("mixed", List.of("tertiary"), List.of(), List.of());
    assertThatThrownBy(
            () -> VirtualServiceRoutes.withCanaryWeight(mixed(), missing, HOSTS, 10, Set.of()))
        .hasMessage("HTTP Route 'tertiary' is not found in the defined Virtual Service.");
    var tls =
        new IstioTrafficRouting.VirtualService(
            "mixed",
            List.of(),
            List.of(new IstioTrafficRouting.TlsRoute(4000L, List.of())),
            List.of());
    assertThatThrownBy(
            () -> VirtualServiceRoutes.withCanaryWeight(mixed(), tls, HOSTS, 10, Set.of()))
        .hasMessage("No matching TLS routes found in the defined Virtual Service.");
    var tcp =
        new IstioTrafficRouting.VirtualService(
            "mixed", List.of(), List.of(), List.of(new IstioTrafficRouting.TcpRoute(4000L)));
    assertThatThrownBy(
            () -> VirtualServiceRoutes.withCanaryWeight(mixed(), tcp, HOSTS, 10, Set.of()))
        .hasMessage("No matching TCP routes found in the defined Virtual Service.");
    var primary =
        new IstioTrafficRouting.VirtualService("mixed", List.of("primary"), List.of(), List.of());
    assertThatThrownBy(
            () ->
                VirtualServiceRoutes.withCanaryWeight(
                    mixed(),
                    primary,
                    RouteDestinations.byHost("other-canary", "stable-svc"),
                    10,
                    Set.of()))
        .hasMessage(
            "Route http[0] 'primary' has destination 'canary-svc.default.svc.cluster.local',"
                + " which is neither the canary nor the stable Service; remove it from the route");
    assertThatThrownBy(
            () ->
                VirtualServiceRoutes.withCanaryWeight(
                    mixed(), primary, RouteDestinations.bySubset("canary", "stable"), 10, Set.of()))
        .isInstanceOf(IstioRouteException.class);
    assertThatThrownBy(
            () ->
                VirtualServiceRoutes.withCanaryWeight(
                    Map.of("hosts", List.of("x")), unnamed, HOSTS, 10, Set.of()))
        .hasMessage(
            "Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService");
  }

  @Test
  void aRouteWithoutTheStableDestinationIsRejected() {
    Map<String, Object> spec =
        spec(
            (GenericResource)
                Manifests.parse(
                        """
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: vs}
                        spec:
                          http:
                          - route:
                            - {destination: {host: app, subset: canary}, weight: 100}
                        """)
                    .get(0));
    assertThatThrownBy(
            () ->
                VirtualServiceRoutes.withCanaryWeight(
                    spec,
                    IstioTrafficRouting.VirtualService.named("vs"),
                    RouteDestinations.bySubset("canary", "stable"),
                    10,
                    Set.of()))
        .hasMessage("Stable DestinationRule subset 'stable' not found in route");
  }

  @Test
  void managedHeaderRoutesDoNotCountAsTheUsersRoute() {
    Map<String, Object> spec = VirtualServiceRoutes.JsonTrees.copy(mixed());
    @SuppressWarnings("unchecked")
    List<Object> http = (List<Object>) spec.get("http");
    http.remove(1);
    http.add(
        0,
        Map.of(
            "name",
            "header-route",
            "route",
            List.of(Map.of("destination", Map.of("host", "canary-svc"), "weight", 100))));

    Map<String, Object> updated =
        VirtualServiceRoutes.withCanaryWeight(
            spec,
            IstioTrafficRouting.VirtualService.named("mixed"),
            HOSTS,
            40,
            Set.of("header-route"));

    assertThat(weights(updated, "http", 0)).containsExactly(100);
    assertThat(weights(updated, "http", 1)).containsExactly(60, 40);
  }
}
