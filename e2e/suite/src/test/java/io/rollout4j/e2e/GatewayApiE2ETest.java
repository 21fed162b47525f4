package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A canary routed by an HTTPRoute on the real API server with Gateway API's own CRDs (standard
 * channel), configured as Argo's Gateway API plugin: weights on every step, a header route and a
 * mirror route as managed rules, a GitOps sync that puts the route back mid-canary (the plugin's
 * issue #208) repaired by the controller, promotion, and an abort that takes everything back.
 */
class GatewayApiE2ETest {
  private static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: shop
      spec:
        parentRefs:
          - name: shop-gateway
        rules:
          - matches:
              - path: {type: PathPrefix, value: /}
            backendRefs:
              - name: shop-stable
                port: 80
              - name: shop-canary
                port: 80
      """;

  private static final String APP =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: shop-stable}
      spec:
        selector: {app: shop}
        ports: [{port: 80, targetPort: 8080}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: shop-canary}
      spec:
        selector: {app: shop}
        ports: [{port: 80, targetPort: 8080}]
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
              managedRoutes:
                - name: by-header
                - name: mirrored
              plugins:
                argoproj-labs/gatewayAPI:
                  httpRoutes:
                    - name: shop
                      useHeaderRoutes: true
                  namespace: NAMESPACE
            steps:
              - setWeight: 30
              - setHeaderRoute:
                  name: by-header
                  match:
                    - headerName: X-Canary
                      headerValue: {exact: "yes"}
              - setMirrorRoute:
                  name: mirrored
                  percentage: 50
                  match:
                    - path: {prefix: /api}
              - pause: {}
              - setWeight: 60
              - pause: {duration: 5s}
      """;

  private static final String GRPC_ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GRPCRoute
      metadata:
        name: shop
      spec:
        parentRefs:
          - name: shop-gateway
        rules:
          - matches:
              - method: {service: shop.Cart}
            backendRefs:
              - name: shop-stable
                port: 80
              - name: shop-canary
                port: 80
      """;

  private static ResourceDefinitionContext routes(String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("gateway.networking.k8s.io")
        .withVersion("v1")
        .withKind(kind)
        .withPlural(kind.toLowerCase(java.util.Locale.ROOT) + "s")
        .withNamespaced(true)
        .build();
  }

  /** The namespace's route "shop": its HTTPRoute, or its GRPCRoute (each test makes one). */
  private static GenericKubernetesResource route(RealCluster cluster, String ns) {
    GenericKubernetesResource http =
        cluster
            .client
            .genericKubernetesResources(routes("HTTPRoute"))
            .inNamespace(ns)
            .withName("shop")
            .get();
    return http != null
        ? http
        : cluster
            .client
            .genericKubernetesResources(routes("GRPCRoute"))
            .inNamespace(ns)
            .withName("shop")
            .get();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rules(GenericKubernetesResource route) {
    Map<String, Object> spec = (Map<String, Object>) route.getAdditionalProperties().get("spec");
    return (List<Map<String, Object>>) spec.get("rules");
  }

  /** The canary backendRef's weight on the route's first rule, null when it has none. */
  @SuppressWarnings("unchecked")
  private static Object canaryWeight(RealCluster cluster, String ns) {
    for (Map<String, Object> ref :
        (List<Map<String, Object>>) rules(route(cluster, ns)).get(0).get("backendRefs")) {
      if ("shop-canary".equals(ref.get("name"))) {
        return ref.get("weight");
      }
    }
    return null;
  }

  private static List<Object> ruleNames(RealCluster cluster, String ns) {
    return rules(route(cluster, ns)).stream()
        .map(r -> (Object) r.get("name"))
        .filter(Objects::nonNull)
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(RealCluster cluster, String ns) {
    GenericKubernetesResource rollout = cluster.argo("Rollout", ns, "shop");
    Object status = rollout == null ? null : rollout.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static boolean labelled(RealCluster cluster, String ns) {
    Map<String, String> labels = route(cluster, ns).getMetadata().getLabels();
    return labels != null
        && "in-progress".equals(labels.get("rollouts.argoproj.io/gatewayapi-canary"));
  }

  private static void setImage(RealCluster cluster, String ns, String image) {
    cluster.kubectl(
        "",
        "-n",
        ns,
        "patch",
        "rollouts.argoproj.io",
        "shop",
        "--type=merge",
        "-p",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"shop\",\"image\":\""
            + image
            + "\"}]}}}}");
  }

  private static void patchStatus(RealCluster cluster, String ns, String patch) {
    cluster.kubectl(
        "",
        "-n",
        ns,
        "patch",
        "rollouts.argoproj.io",
        "shop",
        "--subresource=status",
        "--type=merge",
        "-p",
        patch);
  }

  /** The steps both routes go through, awaited on one namespace's rollout "shop" and its route. */
  private record Shop(RealCluster cluster, String ns) {
    void awaitHealthyAtZero(String what) {
      RealCluster.await(
          what,
          Duration.ofMinutes(2),
          () ->
              "Healthy".equals(status(cluster, ns).get("phase"))
                  && Integer.valueOf(0).equals(canaryWeight(cluster, ns)));
    }

    void awaitPausedAt30With(List<String> managedRules) {
      RealCluster.await(
          "paused at 30% with the rules " + managedRules,
          Duration.ofMinutes(2),
          () ->
              "Paused".equals(status(cluster, ns).get("phase"))
                  && Integer.valueOf(30).equals(canaryWeight(cluster, ns))
                  && ruleNames(cluster, ns).containsAll(managedRules));
    }

    String managedRule(String name) {
      return rules(route(cluster, ns)).stream()
          .filter(r -> name.equals(r.get("name")))
          .findFirst()
          .orElseThrow()
          .toString();
    }

    /**
     * Argo CD syncs the route from Git (its rules replaced by the manifest's) and the controller
     * puts the canary's back. The sync's write and the repair each change the spec; the repair can
     * come before the test looks, so the reverted state itself is not asserted.
     */
    long revertAndAwaitRepair(String manifest, List<String> managedRules) {
      long generation = route(cluster, ns).getMetadata().getGeneration();
      cluster.apply(ns, manifest);
      long reverted = System.nanoTime();
      RealCluster.await(
          "the route repaired",
          Duration.ofSeconds(60),
          () ->
              route(cluster, ns).getMetadata().getGeneration() >= generation + 2
                  && Integer.valueOf(30).equals(canaryWeight(cluster, ns))
                  && ruleNames(cluster, ns).containsAll(managedRules));
      return Duration.ofNanos(System.nanoTime() - reverted).toMillis();
    }

    /** kubectl argo rollouts promote: the pause ends, then every later step, then promotion. */
    void promoteAndAwaitOneRule() {
      patchStatus(cluster, ns, "{\"status\":{\"pauseConditions\":null}}");
      RealCluster.await(
          "promoted, the route back to one rule, all to stable",
          Duration.ofMinutes(2),
          () ->
              "Healthy".equals(status(cluster, ns).get("phase"))
                  && Integer.valueOf(0).equals(canaryWeight(cluster, ns))
                  && ruleNames(cluster, ns).isEmpty()
                  && !labelled(cluster, ns));
    }
  }

  @Test
  void aCanaryThroughAnHttpRouteWithHeaderAndMirrorRoutesSurvivesAGitOpsRevertAndAborts() {
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("gateway");
      Shop shop = new Shop(cluster, ns);
      List<String> managed = List.of("by-header", "mirrored");
      // A long resync: the revert must be seen through the route's informer, not a resync.
      try (ControllerProcess controller =
          ControllerProcess.start(
              cluster.kubeconfig.toString(), ns, "--leader-elect=false", "--rollout-resync=600")) {
        cluster.apply(ns, ROUTE);
        cluster.apply(ns, APP.replace("NAMESPACE", ns));
        shop.awaitHealthyAtZero("revision 1 Healthy, the route at 0% canary");
        assertThat(labelled(cluster, ns)).isFalse();

        setImage(cluster, ns, "shop:2");
        shop.awaitPausedAt30With(managed);
        assertThat(labelled(cluster, ns)).isTrue();
        assertThat(shop.managedRule("by-header"))
            .contains("X-Canary")
            .contains("shop-canary")
            .doesNotContain("shop-stable");
        assertThat(shop.managedRule("mirrored")).contains("RequestMirror").contains("/api");

        long repaired = shop.revertAndAwaitRepair(ROUTE, managed);
        System.out.printf(
            "gateway-api: route reverted by a sync repaired after %d ms (resync 10 min)%n",
            repaired);

        shop.promoteAndAwaitOneRule();

        // A third revision, aborted at its first pause: traffic and managed rules go back.
        setImage(cluster, ns, "shop:3");
        shop.awaitPausedAt30With(managed);
        patchStatus(cluster, ns, "{\"status\":{\"abort\":true}}");
        RealCluster.await(
            "aborted: all traffic to stable, no managed rule",
            Duration.ofMinutes(1),
            () ->
                "Degraded".equals(status(cluster, ns).get("phase"))
                    && Integer.valueOf(0).equals(canaryWeight(cluster, ns))
                    && ruleNames(cluster, ns).isEmpty());
        assertThat(controller.alive()).isTrue();
      }
    }
  }

  @Test
  void aCanaryThroughAGrpcRouteWithAHeaderRouteSurvivesAGitOpsRevert() {
    String app =
        APP.replace("httpRoutes:", "grpcRoutes:")
            .replaceAll("(?m)^ {8}- setMirrorRoute:\n( {12}.*\n)+", "");
    assertThat(app).doesNotContain("setMirrorRoute").contains("grpcRoutes:");
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("grpc");
      Shop shop = new Shop(cluster, ns);
      try (ControllerProcess controller =
          ControllerProcess.start(
              cluster.kubeconfig.toString(), ns, "--leader-elect=false", "--rollout-resync=600")) {
        cluster.apply(ns, GRPC_ROUTE);
        cluster.apply(ns, app.replace("NAMESPACE", ns));
        shop.awaitHealthyAtZero("revision 1 Healthy, the route at 0% canary");

        setImage(cluster, ns, "shop:2");
        shop.awaitPausedAt30With(List.of("by-header"));
        assertThat(shop.managedRule("by-header")).contains("X-Canary").contains("shop.Cart");

        shop.revertAndAwaitRepair(GRPC_ROUTE, List.of("by-header"));

        shop.promoteAndAwaitOneRule();
        assertThat(controller.alive()).isTrue();
      }
    }
  }
}
