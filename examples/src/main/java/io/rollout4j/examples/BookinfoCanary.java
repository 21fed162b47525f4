package io.rollout4j.examples;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.istio.IstioMeshPort;
import io.rollout4j.k8s.ControllerObserver;
import io.rollout4j.k8s.Fabric8ClusterPort;
import io.rollout4j.k8s.RolloutController;
import io.rollout4j.k8s.mock.MockApiServer;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import io.rollout4j.skywalking.SkyWalkingMetricProvider;
import io.rollout4j.testkit.ManualClock;
import io.rollout4j.testkit.ReplicaSetSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The Bookinfo canary of the GitOps + Istio + SkyWalking demo (the reviews service moving from v1
 * to v2 in ten steps over 30 minutes, with background analysis of its apdex), run by the real
 * Rollout4j stack: the RolloutController with the fabric8 ClusterPort, the Istio MeshPort and the
 * SkyWalking provider. The demo's manifests are third-party data (Istio's Bookinfo sample); they
 * are read from the shared conformance folder beside the checkout, not shipped with Rollout4j.
 *
 * <p>By default everything runs in this process, in virtual time: fabric8's mock API server (CRUD
 * mode) stands in for the cluster, holding the demo's GitOps objects; a ReplicaSet simulator plays
 * the kubelet; a local GraphQL endpoint plays SkyWalking's OAP and reports the canary's apdex. The
 * 30-minute canary finishes in seconds and prints a timeline of steps, weights, pods and analysis.
 *
 * <pre>
 * BookinfoCanary                  the healthy canary, promoted after ~30 virtual minutes
 * BookinfoCanary --abort          the canary's apdex drops to 0.50: analysis fails, traffic goes back
 * BookinfoCanary --kubeconfig     run the controller against the cluster of your kubeconfig
 *                                 (namespace bookinfo; the demo's objects must be applied there)
 * BookinfoCanary --shared DIR     where the shared conformance corpus is (default ../shared)
 * </pre>
 */
public final class BookinfoCanary {
  private static final String NS = "bookinfo";
  private static final String ROLLOUT = "reviews-rollout";
  private static final String V1 = "docker.io/istio/examples-bookinfo-reviews-v1:1.16.4";
  private static final String V2 = "docker.io/istio/examples-bookinfo-reviews-v2:1.16.4";

  private BookinfoCanary() {}

  /** The mock API server logs every request through java.util.logging; kept quiet here. */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  public static void main(String[] args) throws Exception {
    MOCK_SERVER_LOG.setLevel(Level.OFF);
    boolean abort = List.of(args).contains("--abort");
    boolean cluster = List.of(args).contains("--kubeconfig");
    int shared = List.of(args).indexOf("--shared");
    Path demo =
        Path.of(shared >= 0 && shared + 1 < args.length ? args[shared + 1] : "../shared")
            .resolve("conformance/tse-gitops-demo")
            .normalize();
    if (cluster) {
      runOnCluster();
    } else {
      if (!Files.isDirectory(demo)) {
        System.err.println(
            "The Bookinfo demo's manifests are not at "
                + demo.toAbsolutePath()
                + ": put the shared folder beside the checkout, or pass --shared DIR");
        System.exit(2);
      }
      new Embedded(demo, abort).run();
    }
  }

  /** The controller against a real cluster: real time, worker threads, until Ctrl-C. */
  private static void runOnCluster() throws InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    RolloutController controller =
        RolloutController.builder(client)
            .mesh(c -> IstioMeshPort.builder(c).informers(true).build())
            .namespaces(Set.of(NS))
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(controller::close));
    System.out.println(
        "Rollout4j controls namespace " + NS + " on " + client.getMasterUrl() + "; Ctrl-C stops.");
    String last = "";
    while (true) {
      String line =
          controller
              .cluster()
              .get(Rollout.KIND, NS, ROLLOUT)
              .map(r -> describe((Rollout) r))
              .orElse("no rollout " + NS + "/" + ROLLOUT + " yet");
      if (!line.equals(last)) {
        System.out.println(Instant.now() + "  " + line);
        last = line;
      }
      TimeUnit.SECONDS.sleep(2);
    }
  }

  private static String describe(Rollout rollout) {
    RolloutStatus status = rollout.status();
    if (status == null) {
      return "no status yet";
    }
    return String.format(
        Locale.ROOT,
        "step %s  %s  %s",
        status.currentStepIndex(),
        status.phase(),
        status.message() == null ? "" : status.message());
  }

  /** The whole stack in this process, in virtual time. */
  private static final class Embedded {
    private final Path demo;
    private final boolean abort;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T09:00:00Z"));
    private final Map<String, Integer> requests = new ConcurrentHashMap<>();
    private Instant pushedAt = Instant.MAX;
    private String lastLine = "";
    private @Nullable Duration settledAfter;
    private @Nullable IstioMeshPort view;

    Embedded(Path demo, boolean abort) {
      this.demo = demo;
      this.abort = abort;
    }

    void run() throws Exception {
      long started = System.nanoTime();
      MockApiServer api = MockApiServer.start();
      HttpServer oap = graphqlStandIn();
      try {
        KubernetesClient setup = api.newClient();
        KubernetesClient client = api.newClient();
        System.out.println("Rollout4j · the Bookinfo canary on an in-process API server");
        System.out.println();
        load(api, setup, "http://127.0.0.1:" + oap.getAddress().getPort());
        view = IstioMeshPort.create(setup);
        RolloutController controller =
            RolloutController.builder(client)
                .mesh(c -> IstioMeshPort.builder(c).informers(true).build())
                .metrics(
                    MetricProviders.builder()
                        .register(SkyWalkingMetricProvider.builder().build())
                        .build())
                .clock(clock)
                .namespaces(Set.of(NS))
                .observer(
                    new ControllerObserver() {
                      @Override
                      public void request(String verb) {
                        requests.merge(verb, 1, Integer::sum);
                      }
                    })
                .build()
                .startWithoutWorkers();
        ReplicaSetSimulator pods = new ReplicaSetSimulator(controller.cluster(), clock, Set.of(NS));
        try {
          advance(controller, pods, Duration.ofMinutes(1));
          System.out.println("  deployed: " + describe(controller));
          System.out.println();
          pushedAt = clock.instant();
          pushV2(controller);
          System.out.println(
              "  time    step  weights (stable/canary)  pods stable  pods canary  analysis                      phase");
          advance(controller, pods, Duration.ofMinutes(40));
          summary(controller, started);
        } finally {
          controller.close();
        }
      } finally {
        oap.stop(0);
        api.close();
      }
    }

    /**
     * SkyWalking's OAP as the demo's AnalysisTemplate queries it: four minutes of service_apdex for
     * the canary.
     */
    private HttpServer graphqlStandIn() throws IOException {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(
          Executors.newCachedThreadPool(
              task -> {
                Thread thread = new Thread(task, "oap-stand-in");
                thread.setDaemon(true);
                return thread;
              }));
      server.createContext(
          "/graphql",
          exchange -> {
            try (exchange) {
              exchange.getRequestBody().readAllBytes();
              String point = "{\"value\":" + (abort ? 5000 : 9950) + ",\"isEmptyValue\":false}";
              byte[] body =
                  ("{\"data\":{\"service_apdex\":{\"label\":null,\"values\":{\"values\":["
                          + String.join(",", point, point, point, point)
                          + "]}}}}")
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().add("Content-Type", "application/json");
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
            }
          });
      server.start();
      return server;
    }

    /**
     * Istio's CRDs (Argo's come with the server), then the demo's objects from its GitOps folder.
     */
    private void load(MockApiServer api, KubernetesClient client, String oapAddress)
        throws IOException {
      StringBuilder istioCrds = new StringBuilder();
      for (String kind : List.of("VirtualService", "DestinationRule")) {
        String plural = kind.toLowerCase(Locale.ROOT) + "s";
        istioCrds.append(
            String.format(
                Locale.ROOT,
                "apiVersion: apiextensions.k8s.io/v1%nkind: CustomResourceDefinition%n"
                    + "metadata: {name: %s.networking.istio.io}%nspec:%n  group: networking.istio.io%n"
                    + "  scope: Namespaced%n  names: {kind: %s, plural: %s, singular: %s}%n"
                    + "  versions: [{name: v1alpha3, served: true, storage: true}]%n---%n",
                plural,
                kind,
                plural,
                kind.toLowerCase(Locale.ROOT)));
      }
      api.apply(istioCrds.toString());
      Fabric8ClusterPort port = Fabric8ClusterPort.builder(client).informers(false).build();
      String analysis =
          read("argo/rollout/analysis.yaml").replace("http://oap.istio-system:12800", oapAddress);
      for (String file :
          List.of(
              "variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml",
              "argo/tse/conf.yaml",
              "analysis",
              "argo/rollout/rollout.yaml")) {
        for (Resource r : Manifests.parse(file.equals("analysis") ? analysis : read(file))) {
          Resource placed = placed(r);
          if (List.of("VirtualService", "DestinationRule").contains(r.kind())) {
            GenericKubernetesResource object =
                client
                    .getKubernetesSerialization()
                    .convertValue(Manifests.toMap(placed), GenericKubernetesResource.class);
            client
                .genericKubernetesResources(istio(r.kind()))
                .inNamespace(NS)
                .resource(object)
                .create();
          } else if (List.of("Service", "Deployment", "AnalysisTemplate", "Rollout")
              .contains(r.kind())) {
            port.create(placed);
          }
        }
      }
    }

    private String read(String relative) throws IOException {
      return Files.readString(demo.resolve(relative), StandardCharsets.UTF_8);
    }

    private static Resource placed(Resource r) {
      return Manifests.fromMap(withNamespace(Manifests.toMap(r)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withNamespace(Map<String, Object> object) {
      Map<String, Object> copy = new LinkedHashMap<>(object);
      Map<String, Object> metadata =
          new LinkedHashMap<>((Map<String, Object>) object.get("metadata"));
      metadata.put("namespace", NS);
      copy.put("metadata", metadata);
      return copy;
    }

    private static ResourceDefinitionContext istio(String kind) {
      return new ResourceDefinitionContext.Builder()
          .withGroup("networking.istio.io")
          .withVersion("v1alpha3")
          .withPlural(kind.toLowerCase(Locale.ROOT) + "s")
          .withNamespaced(true)
          .build();
    }

    /** GitOps changes the reviews image; the controller's own port sees the change at once. */
    private void pushV2(RolloutController controller) {
      Fabric8ClusterPort port = controller.cluster();
      Resource deployment = port.get("Deployment", NS, "reviews").orElseThrow();
      port.update(Manifests.parse(Manifests.toYaml(deployment).replace(V1, V2)).get(0));
      controller.enqueue(NS + "/" + ROLLOUT);
      System.out.println(
          "  GitOps: reviews "
              + V1.substring(V1.lastIndexOf('/') + 1)
              + " → "
              + V2.substring(V2.lastIndexOf('/') + 1));
    }

    /** Virtual time, from one due event to the next; a timeline line whenever the view changes. */
    private void advance(
        RolloutController controller, ReplicaSetSimulator pods, Duration duration) {
      Instant end = clock.instant().plus(duration);
      while (true) {
        Instant podsNext = settle(controller, pods);
        Instant next = controller.nextDue().orElse(null);
        if (podsNext != null && (next == null || podsNext.isBefore(next))) {
          next = podsNext;
        }
        if (next == null || next.isAfter(end)) {
          clock.set(end);
          settle(controller, pods);
          return;
        }
        clock.set(next.isAfter(clock.instant()) ? next : clock.instant().plusMillis(1));
      }
    }

    private @Nullable Instant settle(RolloutController controller, ReplicaSetSimulator pods) {
      while (true) {
        int before = pods.writes();
        Instant next = pods.step();
        if (pods.writes() > before) {
          controller.enqueue(NS + "/" + ROLLOUT);
        }
        if (controller.runDue(1) == 0) {
          return next;
        }
        print(controller);
      }
    }

    private void print(RolloutController controller) {
      if (clock.instant().isBefore(pushedAt)) {
        return;
      }
      String line = describe(controller);
      if (line.equals(lastLine)) {
        return;
      }
      lastLine = line;
      Duration since = Duration.between(pushedAt, clock.instant());
      if (settledAfter == null && (line.endsWith("HEALTHY") || line.contains("DEGRADED"))) {
        settledAfter = since;
      }
      System.out.printf(
          Locale.ROOT, "  +%02d:%02d  %s%n", since.toMinutes(), since.toSecondsPart(), line);
    }

    private String describe(RolloutController controller) {
      Fabric8ClusterPort port = controller.cluster();
      Rollout rollout = (Rollout) port.get(Rollout.KIND, NS, ROLLOUT).orElseThrow();
      RolloutStatus status = rollout.status();
      if (status == null) {
        return "(no status yet)";
      }
      int steps =
          rollout.spec().strategy() instanceof CanaryStrategy canary ? canary.steps().size() : 0;
      IstioMeshPort mesh = view;
      TrafficSplit split = mesh == null ? null : mesh.current(rollout).orElse(null);
      String weights =
          split == null
              ? "   —   "
              : String.format(
                  Locale.ROOT, "%3d/%-3d", 100 - split.canaryWeight(), split.canaryWeight());
      String stable = pods(port, status.stableRS());
      String canary =
          status.currentPodHash() == null || status.currentPodHash().equals(status.stableRS())
              ? "  —  "
              : pods(port, status.currentPodHash());
      return String.format(
          Locale.ROOT,
          "%-5s %-24s %-12s %-12s %-29s %s",
          status.currentStepIndex() == null ? "—" : status.currentStepIndex() + "/" + steps,
          weights,
          stable,
          canary,
          analysis(port),
          status.phase() + (status.isAborted() ? " (aborted)" : ""));
    }

    private static String pods(Fabric8ClusterPort port, @Nullable String hash) {
      for (Resource r : port.listOwnedBy("ReplicaSet", NS, ROLLOUT)) {
        GenericResource rs = (GenericResource) r;
        if (hash != null && hash.equals(rs.metadata().labels().get("rollouts-pod-template-hash"))) {
          Object available = rs.path("status", "availableReplicas");
          return (available == null ? 0 : available) + "/" + rs.path("spec", "replicas");
        }
      }
      return "—";
    }

    private static String analysis(Fabric8ClusterPort port) {
      List<Resource> runs = port.listOwnedBy(AnalysisRun.KIND, NS, ROLLOUT);
      if (runs.isEmpty()) {
        return "—";
      }
      AnalysisRunStatus status = ((AnalysisRun) runs.get(runs.size() - 1)).status();
      if (status == null || status.metricResults().isEmpty()) {
        return "started";
      }
      AnalysisRunStatus.MetricResult apdex = status.metricResults().get(0);
      if (apdex.measurements().isEmpty()) {
        return "started";
      }
      AnalysisRunStatus.Measurement last =
          apdex.measurements().get(apdex.measurements().size() - 1);
      return apdex.measurements().size()
          + " measured, last "
          + String.valueOf(last.phase()).toLowerCase(Locale.ROOT)
          + (status.phase() != null && status.phase().isCompleted()
              ? "; run " + String.valueOf(status.phase()).toLowerCase(Locale.ROOT)
              : "");
    }

    private void summary(RolloutController controller, long started) {
      Rollout rollout = (Rollout) controller.cluster().get(Rollout.KIND, NS, ROLLOUT).orElseThrow();
      RolloutStatus status = rollout.status();
      if (status == null) {
        System.out.println("Outcome: the rollout has no status");
        return;
      }
      System.out.println();
      Duration settled = settledAfter == null ? Duration.ZERO : settledAfter;
      System.out.printf(
          Locale.ROOT,
          "Outcome: %s at +%02d:%02d of virtual time: %s%n",
          status.phase(),
          settled.toMinutes(),
          settled.toSecondsPart(),
          status.isAborted()
              ? "aborted, all traffic back on " + status.stableRS() + "; " + status.message()
              : status.stableRS() + " promoted to stable");
      System.out.printf(
          Locale.ROOT,
          "Ran 40 virtual minutes in %.1f s of wall time, %d reconciles.%n",
          (System.nanoTime() - started) / 1e9,
          controller.stats().reconciles());
      System.out.println(
          "API requests by verb (the controller's, watches excluded): " + new TreeMap<>(requests));
    }
  }
}
