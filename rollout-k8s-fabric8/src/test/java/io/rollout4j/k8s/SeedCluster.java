package io.rollout4j.k8s;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.istio.IstioMeshPort;
import io.rollout4j.k8s.mock.MockApiServer;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.skywalking.SkyWalkingMetricProvider;
import io.rollout4j.testkit.ManualClock;
import io.rollout4j.testkit.ReplicaSetSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The Bookinfo seed on an in-process API server ({@link MockApiServer}): Argo's and Istio's CRDs,
 * the seed's Services, Deployment, VirtualService, DestinationRule, AnalysisTemplate (pointed at a
 * local GraphQL stub answering with {@link #apdex}) and Rollout; a manual clock, the ReplicaSet
 * simulator, and controllers built on the real adapters, driven in virtual time.
 */
final class SeedCluster implements AutoCloseable {
  static final String NS = "bookinfo";
  static final String ROLLOUT = "reviews-rollout";
  static final String KEY = NS + "/" + ROLLOUT;
  static final String V1 = "docker.io/istio/examples-bookinfo-reviews-v1:1.16.4";
  static final String V2 = "docker.io/istio/examples-bookinfo-reviews-v2:1.16.4";

  /** The seed's VirtualService weights and DestinationRule subset hashes at one instant. */
  record MeshState(Object stable, Object canary, String stableSubset, String canarySubset) {}

  final KubernetesClient client;

  /** The test's own reads and GitOps writes, marked so request counts can leave them out. */
  final KubernetesClient observer;

  static final String OBSERVER_HEADER = "X-Rollout4j-Observer";
  final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  final AtomicInteger apdex = new AtomicInteger(9950);
  private final HttpServer graphql;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<RolloutController> controllers = new ArrayList<>();
  private ReplicaSetSimulator simulator;
  private RolloutController active;
  final List<MeshState> meshHistory = new ArrayList<>();

  private final MockApiServer api;

  SeedCluster(MockApiServer api) throws IOException {
    this.api = api;
    this.client = api.newClient();
    this.observer =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(client.getConfiguration())
            .withHttpClientBuilderConsumer(
                builder ->
                    builder.addOrReplaceInterceptor(
                        "observer",
                        new io.fabric8.kubernetes.client.http.Interceptor() {
                          @Override
                          public void before(
                              io.fabric8.kubernetes.client.http.BasicBuilder request,
                              io.fabric8.kubernetes.client.http.HttpRequest http,
                              io.fabric8.kubernetes.client.http.Interceptor.RequestTags tags) {
                            request.header(OBSERVER_HEADER, "1");
                          }
                        }))
            .build();
    graphql = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    graphql.setExecutor(executor);
    graphql.createContext(
        "/graphql",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String point = "{\"value\":" + apdex.get() + "}";
            byte[] body =
                ("{\"data\":{\"service_apdex\":{\"label\":null,\"values\":{\"values\":["
                        + point
                        + ","
                        + point
                        + "]}}}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    graphql.start();
    installIstioCrds();
    Fabric8ClusterPort setup = Fabric8ClusterPort.builder(observer).informers(false).build();
    for (Resource r :
        Manifests.parse(
            read(
                "tse-gitops-demo/variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml"))) {
      if (r.kind().equals("Service") || r.kind().equals("Deployment")) {
        setup.create(inNamespace(r));
      }
    }
    for (Resource r : Manifests.parse(read("tse-gitops-demo/argo/tse/conf.yaml"))) {
      if (r instanceof GenericResource g
          && (g.kind().equals("VirtualService") || g.kind().equals("DestinationRule"))) {
        GenericKubernetesResource object =
            client
                .getKubernetesSerialization()
                .convertValue(Manifests.toMap(g), GenericKubernetesResource.class);
        object.getMetadata().setNamespace(NS);
        client
            .genericKubernetesResources(istio(g.kind(), "v1alpha3"))
            .inNamespace(NS)
            .resource(object)
            .create();
      }
    }
    setup.create(
        inNamespace(
            Manifests.parseOne(
                read("tse-gitops-demo/argo/rollout/analysis.yaml")
                    .replace(
                        "http://oap.istio-system:12800",
                        "http://127.0.0.1:" + graphql.getAddress().getPort()),
                io.rollout4j.model.AnalysisTemplate.class)));
    setup.create(
        inNamespace(
            Manifests.parseOne(read("tse-gitops-demo/argo/rollout/rollout.yaml"), Rollout.class)));
  }

  static String read(String relative) {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    try {
      return Files.readString(
          root.resolve("conformance").resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Resource inNamespace(Resource r) {
    if (r instanceof GenericResource g) {
      return new GenericResource(
          g.apiVersion(), g.kind(), g.metadata().withNamespace(NS), g.body());
    }
    if (r instanceof Rollout rollout) {
      return rollout.withMetadata(rollout.metadata().withNamespace(NS));
    }
    if (r instanceof io.rollout4j.model.AnalysisTemplate t) {
      return new io.rollout4j.model.AnalysisTemplate(t.metadata().withNamespace(NS), t.spec());
    }
    return r;
  }

  static ResourceDefinitionContext istio(String kind, String version) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("networking.istio.io")
        .withVersion(version)
        .withPlural(kind.toLowerCase(Locale.ROOT) + "s")
        .withNamespaced(true)
        .build();
  }

  private void installIstioCrds() {
    StringBuilder yaml = new StringBuilder();
    for (String kind : List.of("VirtualService", "DestinationRule")) {
      String plural = kind.toLowerCase(Locale.ROOT) + "s";
      yaml.append(
          """
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata: {name: %s.networking.istio.io}
          spec:
            group: networking.istio.io
            scope: Namespaced
            names: {kind: %s, plural: %s, singular: %s, listKind: %sList}
            versions:
            - {name: v1alpha3, served: true, storage: true}
          ---
          """
              .formatted(plural, kind, plural, kind.toLowerCase(Locale.ROOT), kind));
    }
    api.apply(yaml.toString());
  }

  /** A new controller on the real adapters (its own informers), made the one the clock drives. */
  RolloutController startController() {
    return startController(RolloutController.builder(client));
  }

  final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  /** Writes (non-GET requests, Events aside) the driven controller's client has made. */
  final AtomicInteger writes = new AtomicInteger();

  /** For each reconcile that moved the rollout to another step: the writes it made. */
  final List<Integer> stepTransitionWrites = new ArrayList<>();

  RolloutController startController(RolloutController.Builder builder) {
    ControllerObserver metered = MicrometerControllerObserver.of(meters);
    RolloutController controller =
        builder
            .observer(
                new ControllerObserver() {
                  @Override
                  public void reconciled(String rollout, Duration took, boolean failed) {
                    metered.reconciled(rollout, took, failed);
                  }

                  @Override
                  public void request(String verb, String path) {
                    metered.request(verb);
                    if (!verb.equals("GET") && !path.contains("/events")) {
                      writes.incrementAndGet();
                    }
                  }

                  @Override
                  public void phase(String rollout, io.rollout4j.model.@Nullable RolloutPhase p) {
                    metered.phase(rollout, p);
                  }
                })
            .mesh(client -> IstioMeshPort.builder(client).informers(true).build())
            .metrics(
                MetricProviders.builder()
                    .register(SkyWalkingMetricProvider.builder().build())
                    .build())
            .clock(clock)
            .namespaces(Set.of(NS))
            .build()
            .startWithoutWorkers();
    controllers.add(controller);
    drive(controller);
    return controller;
  }

  /** From now on the clock drives {@code controller} (after a restart or a failover). */
  void drive(RolloutController controller) {
    active = controller;
    simulator =
        simulator == null
            ? new ReplicaSetSimulator(controller.cluster(), clock, Set.of(NS))
            : simulator.through(controller.cluster());
  }

  private @Nullable Integer step() {
    return active
        .cluster()
        .get(Rollout.KIND, NS, ROLLOUT)
        .map(r -> ((Rollout) r).status())
        .map(RolloutStatus::currentStepIndex)
        .orElse(null);
  }

  /** The controller the clock drives. */
  RolloutController active() {
    return active;
  }

  RolloutController.Stats controllerStats() {
    return active.stats();
  }

  /** One reconcile of the seed rollout now, without moving the clock. */
  void reconcileNow() {
    active.enqueue(KEY);
    active.runDue(1);
  }

  /** Stops the controller the clock drives, as a crash or a rollout of the controller would. */
  void stopActive() {
    active.close();
  }

  /**
   * Moves virtual time forward by {@code duration}, from one due event to the next: at each instant
   * the ReplicaSet simulator runs, the rollout is queued and every due reconcile runs, until
   * nothing changes; the mesh state is recorded whenever it changes.
   */
  void advance(Duration duration) {
    Instant end = clock.instant().plus(duration);
    while (true) {
      Instant simulatorNext = settle();
      Instant next = active.nextDue().orElse(null);
      if (simulatorNext != null && (next == null || simulatorNext.isBefore(next))) {
        next = simulatorNext;
      }
      if (next == null || next.isAfter(end)) {
        clock.set(end);
        settle();
        return;
      }
      clock.set(next.isAfter(clock.instant()) ? next : clock.instant().plusMillis(1));
    }
  }

  /**
   * At the current instant: pods move, and every due reconcile runs (one at a time, recording the
   * mesh after each) until neither the simulator nor the controller has anything left to do.
   */
  private @Nullable Instant settle() {
    Instant simulatorNext;
    while (true) {
      int before = simulator.writes();
      simulatorNext = simulator.step();
      if (simulator.writes() > before) {
        rollouts.forEach(active::enqueue);
      }
      Integer stepBefore = step();
      int writesBefore = writes.get();
      if (active.runDue(1) == 0) {
        return simulatorNext;
      }
      if (!java.util.Objects.equals(stepBefore, step())) {
        stepTransitionWrites.add(writes.get() - writesBefore);
      }
      record();
    }
  }

  /** The rollouts ({@code namespace/name}) looked at again when their pods change. */
  final java.util.Set<String> rollouts = new java.util.LinkedHashSet<>(List.of(KEY));

  /**
   * Applies a manifest as GitOps would (create or replace, in {@link #NS}), waits until the
   * controller's informers have it, and queues {@code rollout} ({@code namespace/name}).
   */
  void gitOps(String yaml, String rollout) {
    Fabric8ClusterPort port = Fabric8ClusterPort.builder(observer).informers(false).build();
    for (Resource r : Manifests.parse(yaml)) {
      Resource placed = inNamespace(r);
      Resource stored =
          port.get(placed.kind(), NS, String.valueOf(placed.name()))
              .map(
                  existing ->
                      port.update(
                          Manifests.fromMap(
                              withVersion(placed, existing.metadata().resourceVersion()))))
              .orElseGet(() -> port.create(placed));
      awaitSeen(stored);
    }
    rollouts.add(rollout);
    active.enqueue(rollout);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withVersion(Resource resource, @Nullable String version) {
    Map<String, Object> tree = new java.util.LinkedHashMap<>(Manifests.toMap(resource));
    Map<String, Object> metadata =
        new java.util.LinkedHashMap<>((Map<String, Object>) tree.get("metadata"));
    metadata.put("resourceVersion", version);
    tree.put("metadata", metadata);
    return tree;
  }

  /** Pushes the v2 image to the reviews Deployment, as GitOps would. */
  void pushV2() {
    Fabric8ClusterPort port = Fabric8ClusterPort.builder(observer).informers(false).build();
    Resource deployment = port.get("Deployment", NS, "reviews").orElseThrow();
    Resource pushed =
        port.update(Manifests.parse(Manifests.toYaml(deployment).replace(V1, V2)).get(0));
    awaitSeen(pushed);
    active.enqueue(KEY);
  }

  /**
   * Waits (real time, bounded) until the driven controller's informers have an object someone else
   * wrote: the watch delivers it asynchronously, as it does in a real cluster.
   */
  void awaitSeen(Resource written) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String seen =
          active
              .cluster()
              .get(written.kind(), NS, String.valueOf(written.name()))
              .map(r -> String.valueOf(r.metadata().resourceVersion()))
              .orElse("");
      if (seen.equals(written.metadata().resourceVersion())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            written.kind() + " " + written.name() + " never reached the cache");
      }
      Thread.onSpinWait();
    }
  }

  Rollout rollout() {
    return (Rollout)
        Fabric8ClusterPort.builder(observer)
            .informers(false)
            .build()
            .get(Rollout.KIND, NS, ROLLOUT)
            .orElseThrow();
  }

  RolloutStatus status() {
    return rollout().status();
  }

  List<Resource> list(String kind) {
    return Fabric8ClusterPort.builder(observer).informers(false).build().list(kind, NS);
  }

  @SuppressWarnings("unchecked")
  MeshState mesh() {
    GenericKubernetesResource vs =
        observer
            .genericKubernetesResources(istio("VirtualService", "v1alpha3"))
            .inNamespace(NS)
            .withName("reviews")
            .get();
    Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
    List<Object> route =
        (List<Object>)
            ((Map<String, Object>) ((List<Object>) spec.get("http")).get(0)).get("route");
    return new MeshState(
        ((Map<String, Object>) route.get(0)).get("weight"),
        ((Map<String, Object>) route.get(1)).get("weight"),
        subsetHash("stable"),
        subsetHash("canary"));
  }

  @SuppressWarnings("unchecked")
  private String subsetHash(String subset) {
    GenericKubernetesResource dr =
        observer
            .genericKubernetesResources(istio("DestinationRule", "v1alpha3"))
            .inNamespace(NS)
            .withName("reviews")
            .get();
    Map<String, Object> spec = (Map<String, Object>) dr.getAdditionalProperties().get("spec");
    for (Object s : (List<Object>) spec.get("subsets")) {
      Map<String, Object> m = (Map<String, Object>) s;
      if (subset.equals(m.get("name"))) {
        Object labels = m.get("labels");
        return labels instanceof Map<?, ?> l
            ? String.valueOf(l.get("rollouts-pod-template-hash"))
            : "null";
      }
    }
    throw new AssertionError("no subset " + subset);
  }

  private void record() {
    MeshState now = mesh();
    if (meshHistory.isEmpty() || !meshHistory.get(meshHistory.size() - 1).equals(now)) {
      meshHistory.add(now);
    }
  }

  @Override
  public void close() {
    controllers.forEach(RolloutController::close);
    observer.close();
    graphql.stop(0);
    executor.shutdownNow();
  }
}
