package io.rollout4j.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Resource;
import io.rollout4j.skywalking.LiveOap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The seed's Bookinfo canary in a namespace of its own, time-compressed: its GitOps folder applied
 * with kubectl (Tetrate's own kinds left out; pauses of seconds, an analysis every 5 s against the
 * run's real SkyWalking OAP, which gets the canary's traffic), and what a test reads back: the
 * rollout's status, the mesh, Ready pods.
 */
final class Bookinfo implements AutoCloseable {
  static final String ROLLOUT = "reviews-rollout";
  static final String V1 = "examples-bookinfo-reviews-v1:1.16.4";
  private static final String SEED_SERVICE = "canary|reviews|bookinfo|cluster-1|-";
  private static final Duration FAST = Duration.ofMillis(20);

  final RealCluster cluster;

  /** The name the canary's sidecars report to SkyWalking: the seed's, with this namespace. */
  final String service;

  private final LiveOap oap;
  final String ns;
  final String bookinfo;

  private static Path seed() {
    String shared = System.getProperty("rollout4j.shared.dir");
    Path root =
        shared != null && !shared.isBlank() ? Path.of(shared) : Path.of("..", "..", "..", "shared");
    return root.resolve("conformance").resolve("tse-gitops-demo");
  }

  private static String read(String relative) {
    try {
      return Files.readString(seed().resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Bookinfo(RealCluster cluster) {
    this.cluster = cluster;
    this.oap = LiveOap.shared();
    this.ns = cluster.namespace("bookinfo");
    this.service = "canary|reviews|" + ns + "|cluster-1|-";
    oap.traffic(service, FAST);
    this.bookinfo = read("variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml");
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
            .replace(SEED_SERVICE, service)
            .replace("duration: 10m", "duration: 10s")
            .replace("duration: 5m", "duration: 5s"));
  }

  /** From now on every call of the canary takes {@code latency} (20 ms before). */
  void latency(Duration latency) {
    oap.traffic(service, latency);
  }

  /** GitOps pushes reviews with this image. */
  void push(String image) {
    cluster.apply(ns, bookinfo.replace(V1, image));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> status() {
    GenericKubernetesResource rollout = cluster.argo("Rollout", ns, ROLLOUT);
    Object status = rollout == null ? null : rollout.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** Waits until the canary of a pushed revision is past its first pause (step index 2 or more). */
  void awaitMidCanary() {
    await(
        "the canary past its first pause",
        Duration.ofMinutes(1),
        () -> status().get("currentStepIndex") instanceof Number n && n.intValue() >= 2);
  }

  boolean healthyOn(String hash) {
    Map<String, Object> s = status();
    return "Healthy".equals(s.get("phase")) && (hash == null || hash.equals(s.get("stableRS")));
  }

  /** The canary weight of the seed's VirtualService route, and the subsets' hashes. */
  MeshState mesh() {
    return meshOf(
        cluster.istio("VirtualService", ns, "reviews"),
        cluster.istio("DestinationRule", ns, "reviews"));
  }

  @SuppressWarnings("unchecked")
  MeshState meshOf(GenericKubernetesResource vs, GenericKubernetesResource dr) {
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
  List<MeshState> watching(Runnable action) {
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

  int readyPods(String hash) {
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
  String dump() {
    return cluster.kubectl(
        "",
        "get",
        "-n",
        ns,
        "rollouts.argoproj.io,analysisruns.argoproj.io,replicasets,virtualservices.networking.istio.io,destinationrules.networking.istio.io",
        "-o",
        "yaml");
  }

  void await(String what, Duration deadline, java.util.function.Supplier<Boolean> done) {
    try {
      RealCluster.await(what, deadline, done);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + dump(), e);
    }
  }

  @Override
  public void close() {
    oap.stop(service);
  }
}
