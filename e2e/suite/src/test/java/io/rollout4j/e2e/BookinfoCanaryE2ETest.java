package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.istio.IstioMeshPort;
import io.rollout4j.k8s.RolloutController;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Resource;
import io.rollout4j.skywalking.SkyWalkingMetricProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Bookinfo canary on a real API server, time-compressed: the seed's GitOps folder applied with
 * kubectl (Tetrate's own kinds left out; pauses of seconds, an analysis every 5 s), the controller
 * in this JVM, pods from the real ReplicaSet controller, scheduler and kwok.
 */
class BookinfoCanaryE2ETest {
  private static final String ROLLOUT = "reviews-rollout";
  private static final String V1 = "examples-bookinfo-reviews-v1:1.16.4";
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";
  private static final String V3 = "examples-bookinfo-reviews-v3:1.16.4";

  private static RealCluster cluster;
  private static OapStandIn oap;
  private static String ns;
  private static RolloutController controller;
  private static String bookinfo;

  private static Path seed() {
    String shared = System.getProperty("rollout4j.shared.dir");
    Path root =
        shared != null && !shared.isBlank() ? Path.of(shared) : Path.of("..", "..", "..", "shared");
    return root.resolve("conformance").resolve("tse-gitops-demo");
  }

  private static String read(String relative) throws IOException {
    return Files.readString(seed().resolve(relative), StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void deploy() throws IOException {
    cluster = RealCluster.connect();
    oap = new OapStandIn();
    ns = cluster.namespace("bookinfo");
    bookinfo = read("variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml");
    // Tetrate's kinds (Tenant, Workspace, Group, IngressGateway, Gateway) need Tetrate's CRDs.
    List<Resource> mesh = new ArrayList<>();
    for (Resource r : Manifests.parse(read("argo/tse/conf.yaml"))) {
      if (Set.of("VirtualService", "DestinationRule").contains(r.kind())) {
        mesh.add(r);
      }
    }
    cluster.apply(ns, bookinfo);
    cluster.apply(ns, Manifests.toYaml(mesh));
    cluster.apply(
        ns,
        read("argo/rollout/analysis.yaml")
            .replace("http://oap.istio-system:12800", oap.address())
            .replace("    interval: 5m", "    interval: 5s"));
    cluster.apply(
        ns,
        read("argo/rollout/rollout.yaml")
            .replace("duration: 10m", "duration: 10s")
            .replace("duration: 5m", "duration: 5s"));
    controller =
        RolloutController.builder(cluster.client)
            .mesh(c -> IstioMeshPort.builder(c).informers(true).build())
            .metrics(
                MetricProviders.builder()
                    .register(SkyWalkingMetricProvider.builder().build())
                    .build())
            .namespaces(Set.of(ns))
            .build()
            .start();
  }

  @AfterAll
  static void tearDown() {
    if (controller != null) {
      controller.close();
    }
    if (oap != null) {
      oap.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status() {
    GenericKubernetesResource rollout = cluster.argo("Rollout", ns, ROLLOUT);
    Object status = rollout == null ? null : rollout.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static boolean healthyOn(String hash) {
    Map<String, Object> s = status();
    return "Healthy".equals(s.get("phase")) && (hash == null || hash.equals(s.get("stableRS")));
  }

  /** The canary weight of the seed's VirtualService route, and the subsets' hashes. */
  private static MeshState mesh() {
    return meshOf(
        cluster.istio("VirtualService", ns, "reviews"),
        cluster.istio("DestinationRule", ns, "reviews"));
  }

  @SuppressWarnings("unchecked")
  private static MeshState meshOf(GenericKubernetesResource vs, GenericKubernetesResource dr) {
    Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
    List<Object> route =
        (List<Object>)
            ((Map<String, Object>) ((List<Object>) spec.get("http")).get(0)).get("route");
    int canary = 0;
    for (Object destination : route) {
      Map<String, Object> d = (Map<String, Object>) destination;
      if ("canary".equals(((Map<String, Object>) d.get("destination")).get("subset"))) {
        canary = d.get("weight") == null ? 0 : ((Number) d.get("weight")).intValue();
      }
    }
    String stable = null;
    String canaryHash = null;
    for (Object s :
        (List<Object>)
            ((Map<String, Object>) dr.getAdditionalProperties().get("spec")).get("subsets")) {
      Map<String, Object> subset = (Map<String, Object>) s;
      Object hash = ((Map<String, Object>) subset.get("labels")).get("rollouts-pod-template-hash");
      if ("stable".equals(subset.get("name"))) {
        stable = (String) hash;
      } else if ("canary".equals(subset.get("name"))) {
        canaryHash = (String) hash;
      }
    }
    return new MeshState(canary, stable, canaryHash);
  }

  record MeshState(int canaryWeight, String stableHash, String canaryHash) {}

  /**
   * Records every distinct mesh state while {@code action} runs, from watches on the VirtualService
   * and the DestinationRule: every write is seen, however short-lived.
   */
  private static List<MeshState> watching(Runnable action) {
    List<MeshState> seen = new CopyOnWriteArrayList<>();
    GenericKubernetesResource[] objects = {
      cluster.istio("VirtualService", ns, "reviews"),
      cluster.istio("DestinationRule", ns, "reviews")
    };
    seen.add(meshOf(objects[0], objects[1]));
    List<io.fabric8.kubernetes.client.Watch> watches = new ArrayList<>();
    String[] kinds = {"VirtualService", "DestinationRule"};
    for (int i = 0; i < 2; i++) {
      int which = i;
      watches.add(
          cluster
              .istioOperation(kinds[i], ns)
              .withName("reviews")
              .watch(
                  new io.fabric8.kubernetes.client.Watcher<GenericKubernetesResource>() {
                    @Override
                    public void eventReceived(Action event, GenericKubernetesResource object) {
                      synchronized (objects) {
                        objects[which] = object;
                        MeshState now = meshOf(objects[0], objects[1]);
                        if (!seen.get(seen.size() - 1).equals(now)) {
                          seen.add(now);
                        }
                      }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                  }));
    }
    try {
      action.run();
      // Events of the last writes may still be on their way.
      MeshState last = mesh();
      RealCluster.await(
          "the watches to report the last mesh state",
          Duration.ofSeconds(10),
          () -> seen.get(seen.size() - 1).equals(last));
    } finally {
      watches.forEach(io.fabric8.kubernetes.client.Watch::close);
    }
    return seen;
  }

  private static int readyPods(String hash) {
    return cluster
        .client
        .pods()
        .inNamespace(ns)
        .withLabel("rollouts-pod-template-hash", hash)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList()
        .size();
  }

  /** What the cluster holds for this test, for a failure message. */
  private static String dump() {
    return cluster.kubectl(
        "",
        "get",
        "-n",
        ns,
        "rollouts.argoproj.io,analysisruns.argoproj.io,replicasets,virtualservices.networking.istio.io,destinationrules.networking.istio.io",
        "-o",
        "yaml");
  }

  private static void await(
      String what, Duration deadline, java.util.function.Supplier<Boolean> done) {
    try {
      RealCluster.await(what, deadline, done);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + dump(), e);
    }
  }

  @Test
  void theSeedCanaryWalksEveryWeightPromotesAndAnAbortReturnsTrafficToStable() {
    await("revision 1 Healthy", Duration.ofMinutes(2), () -> healthyOn(null));
    String v1 = (String) status().get("stableRS");
    await("5 Ready pods of revision 1", Duration.ofMinutes(1), () -> readyPods(v1) == 5);
    Map<String, Object> healthy = status();
    assertThat(healthy.get("observedGeneration"))
        .isEqualTo(
            String.valueOf(cluster.argo("Rollout", ns, ROLLOUT).getMetadata().getGeneration()));

    List<MeshState> promotion =
        watching(
            () -> {
              cluster.apply(ns, bookinfo.replace(V1, V2));
              await(
                  "revision 2 promoted",
                  Duration.ofMinutes(3),
                  () -> healthyOn(null) && !v1.equals(status().get("stableRS")));
            });
    String v2 = (String) status().get("stableRS");
    assertThat(promotion)
        .extracting(MeshState::canaryWeight)
        .containsSubsequence(10, 20, 40, 60, 80, 100, 0);
    assertThat(promotion)
        .filteredOn(m -> m.canaryWeight() > 0)
        .allSatisfy(
            m -> {
              assertThat(m.stableHash()).isEqualTo(v1);
              assertThat(m.canaryHash()).isEqualTo(v2);
            });
    // Healthy is written after the mesh: by then both subsets select revision 2.
    assertThat(promotion.get(promotion.size() - 1)).isEqualTo(new MeshState(0, v2, v2));
    assertThat(readyPods(v2)).isEqualTo(5);
    List<GenericKubernetesResource> runs =
        cluster
            .client
            .genericKubernetesResources("argoproj.io/v1alpha1", "AnalysisRun")
            .inNamespace(ns)
            .list()
            .getItems();
    assertThat(runs).hasSize(1);
    assertThat(oap.queries()).isGreaterThan(0);

    oap.apdex(5000);
    List<MeshState> abort =
        watching(
            () -> {
              cluster.apply(ns, bookinfo.replace(V1, V3));
              await(
                  "revision 3 aborted",
                  Duration.ofMinutes(3),
                  () -> "Degraded".equals(status().get("phase")));
              await(
                  "traffic back on stable",
                  Duration.ofMinutes(1),
                  () -> mesh().canaryWeight() == 0);
            });
    assertThat(String.valueOf(status().get("message")))
        .startsWith(
            "RolloutAborted: Rollout aborted update to revision 3: Background analysis phase"
                + " error/failed: Metric \"apdex\" assessed Failed due to failed (4) >"
                + " failureLimit (3)");
    assertThat(abort).extracting(MeshState::canaryWeight).contains(20);
    MeshState end = mesh();
    assertThat(end.canaryWeight()).isZero();
    assertThat(end.stableHash()).isEqualTo(v2);
    // The aborted canary keeps its pods for abortScaleDownDelaySeconds (30 s), then goes to 0.
    await(
        "only revision 2 has pods",
        Duration.ofMinutes(2),
        () -> {
          List<ReplicaSet> sets =
              cluster.client.apps().replicaSets().inNamespace(ns).list().getItems();
          return sets.stream()
              .filter(rs -> rs.getMetadata().getName().startsWith(ROLLOUT))
              .allMatch(
                  rs ->
                      rs.getSpec().getReplicas()
                          == (Objects.equals(
                                  rs.getMetadata().getLabels().get("rollouts-pod-template-hash"),
                                  v2)
                              ? 5
                              : 0));
        });
  }
}
