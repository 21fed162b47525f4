package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * One run of {@code e2e/perf.sh}: a fleet of N small canaries on a fresh cluster, run by one
 * controller (Rollout4j's or Argo's, chosen by {@code rollout4j.perf.controller}) alone, with the
 * same QPS and burst. It creates the fleet and waits until every rollout is Healthy, updates them
 * all at once and waits again, then leaves them idle; it measures the controller's process from
 * /proc (resident memory, CPU), its heap, and its API requests from the API server's audit log (by
 * user agent), and appends one line to {@code target/perf/results.tsv}.
 *
 * <p>Not part of the e2e suite's normal run: it needs {@code -Drollout4j.perf.n}. A report, not a
 * timed test: it fails only when the fleet does not become Healthy.
 */
@EnabledIfSystemProperty(named = "rollout4j.perf.n", matches = "\\d+")
class FleetPerfE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int QPS = 40;
  private static final int BURST = 80;
  private static final int PER_NAMESPACE = 250;
  private static final ResourceDefinitionContext ROLLOUTS = argo("Rollout", "rollouts");
  private static final ResourceDefinitionContext RUNS = argo("AnalysisRun", "analysisruns");
  private static final ResourceDefinitionContext TEMPLATES =
      argo("AnalysisTemplate", "analysistemplates");
  private static final ResourceDefinitionContext VIRTUAL_SERVICES =
      istio("VirtualService", "virtualservices");
  private static final ResourceDefinitionContext DESTINATION_RULES =
      istio("DestinationRule", "destinationrules");

  /** What one controller run measured. */
  record Sample(double cpuSeconds, long rssBytes, long peakRssBytes) {}

  @Test
  void fleet() throws Exception {
    int n = Integer.getInteger("rollout4j.perf.n");
    String which = System.getProperty("rollout4j.perf.controller", "rollout4j");
    Duration idle = Duration.ofSeconds(Long.getLong("rollout4j.perf.idleSeconds", 300));
    Duration deadline = Duration.ofMinutes(Long.getLong("rollout4j.perf.deadlineMinutes", 30));
    int namespaces = Math.max(1, (n + PER_NAMESPACE - 1) / PER_NAMESPACE);
    HttpServer stub = metricStub();
    String metricUrl = "http://127.0.0.1:" + stub.getAddress().getPort() + "/ok";
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (RealCluster cluster = RealCluster.connect()) {
      ArgoController.installCrds(cluster);
      for (int ns = 0; ns < namespaces; ns++) {
        String name = "perf-" + ns;
        cluster
            .client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
        cluster
            .client
            .genericKubernetesResources(TEMPLATES)
            .inNamespace(name)
            .resource(template(metricUrl))
            .create();
      }
      Instant started = Instant.now();
      Measured controller = Measured.start(which, cluster);
      try {
        parallel(
            pool,
            n,
            i -> {
              String ns = "perf-" + (i % namespaces);
              String app = "app-" + i;
              cluster.client.services().inNamespace(ns).resource(service(app)).create();
              cluster
                  .client
                  .genericKubernetesResources(VIRTUAL_SERVICES)
                  .inNamespace(ns)
                  .resource(virtualService(app))
                  .create();
              cluster
                  .client
                  .genericKubernetesResources(DESTINATION_RULES)
                  .inNamespace(ns)
                  .resource(destinationRule(app))
                  .create();
              cluster
                  .client
                  .genericKubernetesResources(ROLLOUTS)
                  .inNamespace(ns)
                  .resource(rollout(app, "1"))
                  .create();
            });
        Instant created = Instant.now();
        awaitHealthy(cluster, namespaces, n, "1", deadline, controller);
        Instant firstHealthy = Instant.now();

        Instant update = Instant.now();
        String patch =
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\","
                + "\"image\":\"registry.example/app:2\"}]}}}}";
        parallel(
            pool,
            n,
            i ->
                cluster
                    .client
                    .genericKubernetesResources(ROLLOUTS)
                    .inNamespace("perf-" + (i % namespaces))
                    .withName("app-" + i)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
        awaitHealthy(cluster, namespaces, n, "2", deadline, controller);
        Instant healthy = Instant.now();
        Sample afterUpdate = controller.sample();
        // Idle means nothing left to do: the old ReplicaSets scaled down after their delay and
        // every AnalysisRun finished; the idle window starts then.
        awaitSettled(cluster, namespaces, n, deadline);
        awaitRolloutsUnchanged(cluster, namespaces);
        Instant settled = Instant.now();
        Sample beforeIdle = controller.sample();

        Thread.sleep(idle.toMillis());
        Instant idleEnd = Instant.now();
        Sample afterIdle = controller.sample();
        long heap = controller.heapBytes();

        int objects = cachedObjects(cluster);

        Path audit = cluster.kubeconfig.getParent().resolve("audit");
        Map<String, Integer> setup = requests(audit, controller.userAgent, started, firstHealthy);
        Map<String, Integer> rollout = requests(audit, controller.userAgent, update, healthy);
        Map<String, Integer> idling = requests(audit, controller.userAgent, settled, idleEnd);
        double idleMinutes = Duration.between(settled, idleEnd).toMillis() / 60_000.0;
        System.out.println("perf: setup requests " + setup);
        System.out.println("perf: update requests " + rollout);
        System.out.println("perf: idle requests " + idling);
        Path results = Path.of("target", "perf", "results.tsv");
        Files.createDirectories(results.getParent());
        String line =
            String.join(
                    "\t",
                    which,
                    String.valueOf(n),
                    controller.version,
                    seconds(Duration.between(created, firstHealthy)),
                    seconds(Duration.between(update, healthy)),
                    mib(afterIdle.peakRssBytes()),
                    mib(afterIdle.rssBytes()),
                    mib(heap),
                    String.format(Locale.ROOT, "%.1f", afterUpdate.cpuSeconds()),
                    String.format(
                        Locale.ROOT,
                        "%.2f",
                        (afterIdle.cpuSeconds() - beforeIdle.cpuSeconds()) / idleMinutes),
                    String.valueOf(total(setup)),
                    String.valueOf(total(rollout)),
                    String.format(Locale.ROOT, "%.1f", total(idling) / idleMinutes),
                    verbs(rollout),
                    verbs(idling),
                    String.valueOf(objects))
                + "\n";
        Files.writeString(results, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print("perf: " + line);
      } finally {
        controller.close();
      }
    } finally {
      pool.shutdownNow();
      stub.stop(0);
    }
  }

  /** Waits until all n rollouts run image tag {@code tag} and are Healthy on it. */
  private static void awaitHealthy(
      RealCluster cluster,
      int namespaces,
      int n,
      String tag,
      Duration deadline,
      Measured controller) {
    RealCluster.await(
        n + " rollouts Healthy on :" + tag + " (" + controller.which + ")",
        deadline,
        () -> {
          if (!controller.process.isAlive()) {
            throw new IllegalStateException(controller.which + " controller exited");
          }
          int healthy = 0;
          for (GenericKubernetesResource r : rollouts(cluster, namespaces)) {
            JsonNode tree = JSON.valueToTree(r);
            JsonNode status = tree.path("status");
            boolean onTag =
                tree.at("/spec/template/spec/containers/0/image").asText().endsWith(":" + tag);
            boolean settled =
                "Healthy".equals(status.path("phase").asText())
                    && status
                        .path("observedGeneration")
                        .asText()
                        .equals(String.valueOf(r.getMetadata().getGeneration()))
                    && !status.path("currentPodHash").asText().isEmpty()
                    && status
                        .path("currentPodHash")
                        .asText()
                        .equals(status.path("stableRS").asText());
            if (onTag && settled) {
              healthy++;
            }
          }
          return healthy == n;
        });
  }

  private static List<GenericKubernetesResource> rollouts(RealCluster cluster, int namespaces) {
    List<GenericKubernetesResource> all = new ArrayList<>();
    for (int ns = 0; ns < namespaces; ns++) {
      all.addAll(
          cluster
              .client
              .genericKubernetesResources(ROLLOUTS)
              .inNamespace("perf-" + ns)
              .list()
              .getItems());
    }
    return all;
  }

  /**
   * How many objects the kinds a rollout controller watches hold in the cluster (what an informer
   * on all namespaces caches): Rollouts, ReplicaSets, AnalysisRuns, AnalysisTemplates, Services,
   * VirtualServices and DestinationRules.
   */
  private static int cachedObjects(RealCluster cluster) {
    Map<String, Integer> counts = new TreeMap<>();
    counts.put("rollouts", count(cluster, ROLLOUTS));
    counts.put("analysisruns", count(cluster, RUNS));
    counts.put("analysistemplates", count(cluster, TEMPLATES));
    counts.put("virtualservices", count(cluster, VIRTUAL_SERVICES));
    counts.put("destinationrules", count(cluster, DESTINATION_RULES));
    counts.put(
        "replicasets",
        cluster.client.apps().replicaSets().inAnyNamespace().list().getItems().size());
    counts.put("services", cluster.client.services().inAnyNamespace().list().getItems().size());
    System.out.println("perf: objects of the watched kinds " + counts);
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static int count(RealCluster cluster, ResourceDefinitionContext kind) {
    return cluster
        .client
        .genericKubernetesResources(kind)
        .inAnyNamespace()
        .list()
        .getItems()
        .size();
  }

  /** Waits until each rollout has one ReplicaSet with pods and no AnalysisRun is still running. */
  private static void awaitSettled(RealCluster cluster, int namespaces, int n, Duration deadline) {
    RealCluster.await(
        "old ReplicaSets scaled down and analysis finished",
        deadline,
        () -> {
          int scaled = 0;
          int running = 0;
          for (int ns = 0; ns < namespaces; ns++) {
            for (var rs :
                cluster.client.apps().replicaSets().inNamespace("perf-" + ns).list().getItems()) {
              Integer replicas = rs.getSpec().getReplicas();
              if (replicas != null && replicas > 0) {
                scaled++;
              }
            }
            for (GenericKubernetesResource run :
                cluster
                    .client
                    .genericKubernetesResources(RUNS)
                    .inNamespace("perf-" + ns)
                    .list()
                    .getItems()) {
              String phase = JSON.valueToTree(run).path("status").path("phase").asText();
              if (!phase.equals("Successful")
                  && !phase.equals("Failed")
                  && !phase.equals("Error")
                  && !phase.equals("Inconclusive")) {
                running++;
              }
            }
          }
          return scaled == n && running == 0;
        });
  }

  /**
   * The last status writes (conditions after the scale-down) trail the objects by seconds: waits
   * until no Rollout has changed for 10 s, or a minute has passed (a controller that keeps
   * rewriting status while idle is measured idling that way).
   */
  private static void awaitRolloutsUnchanged(RealCluster cluster, int namespaces)
      throws InterruptedException {
    Instant giveUp = Instant.now().plusSeconds(60);
    long newest = -1;
    Instant changed = Instant.now();
    while (Instant.now().isBefore(giveUp)) {
      long version = 0;
      for (GenericKubernetesResource rollout : rollouts(cluster, namespaces)) {
        version = Math.max(version, Long.parseLong(rollout.getMetadata().getResourceVersion()));
      }
      if (version != newest) {
        newest = version;
        changed = Instant.now();
      } else if (Duration.between(changed, Instant.now()).toSeconds() >= 10) {
        return;
      }
      Thread.sleep(1_000);
    }
    System.out.println("perf: Rollouts still changing a minute after the fleet settled");
  }

  /** The controller's API requests in [from, to], by "verb resource[/subresource]". */
  static Map<String, Integer> requests(Path auditDir, String userAgent, Instant from, Instant to)
      throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(auditDir)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("audit")).toList();
    }
    for (Path file : files) {
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (!line.contains("\"userAgent\":\"" + userAgent)) {
            continue;
          }
          JsonNode event = JSON.readTree(line);
          Instant at = Instant.parse(event.path("requestReceivedTimestamp").asText());
          if (at.isBefore(from) || at.isAfter(to)) {
            continue;
          }
          JsonNode ref = event.path("objectRef");
          String resource = ref.path("resource").asText("-");
          if (ref.hasNonNull("subresource")) {
            resource += "/" + ref.path("subresource").asText();
          }
          counts.merge(event.path("verb").asText() + " " + resource, 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static String verbs(Map<String, Integer> counts) {
    Map<String, Integer> byVerb = new TreeMap<>();
    counts.forEach((k, v) -> byVerb.merge(k.substring(0, k.indexOf(' ')), v, Integer::sum));
    StringBuilder out = new StringBuilder();
    byVerb.forEach(
        (k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.length() == 0 ? "-" : out.toString();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }

  private static void parallel(ExecutorService pool, int n, IntConsumer task) throws Exception {
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(pool.submit(() -> task.accept(index)));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  private static HttpServer metricStub() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
    return server;
  }

  private static GenericKubernetesResource template(String url) {
    return yaml(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata:
          name: ok
        spec:
          metrics:
          - name: ok
            interval: 10s
            successCondition: result == true
            failureLimit: 1
            provider:
              web:
                url: %s
                jsonPath: "{$.ok}"
        """
            .formatted(url));
  }

  private static io.fabric8.kubernetes.api.model.Service service(String app) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(app)
        .endMetadata()
        .withNewSpec()
        .addToSelector("app", app)
        .addNewPort()
        .withName("http")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  private static GenericKubernetesResource virtualService(String app) {
    return yaml(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %1$s
        spec:
          hosts: [%1$s]
          http:
          - name: primary
            route:
            - destination: {host: %1$s, subset: stable}
              weight: 100
            - destination: {host: %1$s, subset: canary}
              weight: 0
        """
            .formatted(app));
  }

  private static GenericKubernetesResource destinationRule(String app) {
    return yaml(
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: %1$s
        spec:
          host: %1$s
          subsets:
          - name: canary
            labels: {app: %1$s}
          - name: stable
            labels: {app: %1$s}
        """
            .formatted(app));
  }

  private static GenericKubernetesResource rollout(String app, String tag) {
    return yaml(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: %1$s
        spec:
          replicas: 2
          revisionHistoryLimit: 2
          selector:
            matchLabels: {app: %1$s}
          template:
            metadata:
              labels: {app: %1$s}
            spec:
              containers:
              - name: app
                image: registry.example/app:%2$s
          strategy:
            canary:
              trafficRouting:
                istio:
                  virtualService: {name: %1$s, routes: [primary]}
                  destinationRule: {name: %1$s, canarySubsetName: canary, stableSubsetName: stable}
              analysis:
                templates: [{templateName: ok}]
              steps:
              - setWeight: 20
              - pause: {duration: 5s}
              - setWeight: 50
              - pause: {duration: 5s}
              - setWeight: 80
              - pause: {duration: 5s}
        """
            .formatted(app, tag));
  }

  private static GenericKubernetesResource yaml(String text) {
    return Serialization.unmarshal(text, GenericKubernetesResource.class);
  }

  private static ResourceDefinitionContext argo(String kind, String plural) {
    return Trace.context("argoproj.io", "v1alpha1", kind, plural);
  }

  private static ResourceDefinitionContext istio(String kind, String plural) {
    return Trace.context("networking.istio.io", "v1", kind, plural);
  }

  /** A controller process under measurement: its /proc figures, heap and user agent. */
  static final class Measured implements AutoCloseable {
    private static final long CLOCK_TICKS = clockTicks();
    final String which;
    final Process process;
    final String userAgent;
    final String version;
    private final int metricsPort;

    private Measured(String which, Process process, String userAgent, String version, int port) {
      this.which = which;
      this.process = process;
      this.userAgent = userAgent;
      this.version = version;
      this.metricsPort = port;
    }

    static Measured start(String which, RealCluster cluster) throws IOException {
      int metricsPort = ArgoController.freePort();
      int healthzPort = ArgoController.freePort();
      List<String> command = new ArrayList<>();
      String userAgent;
      String version;
      ProcessBuilder builder;
      if (which.equals("argo")) {
        if (cluster.client.namespaces().withName("argo-rollouts").get() == null) {
          cluster.kubectl("", "create", "namespace", "argo-rollouts");
        }
        command.add(ArgoController.bin().resolve("rollouts-controller").toString());
        userAgent = "rollouts-controller/";
        version = ArgoController.version();
        builder = new ProcessBuilder(command);
        builder.environment().put("POD_NAMESPACE", "argo-rollouts");
      } else {
        Path repo = Path.of("..", "..").toAbsolutePath().normalize();
        command.add(repo.resolve("bin/rollout4j-controller").toString());
        command.add("--bind-address=127.0.0.1");
        userAgent = "rollout4j-controller/";
        version = "rollout4j";
        builder = new ProcessBuilder(command);
      }
      command.add("--kubeconfig=" + cluster.kubeconfig);
      command.add("--leader-elect=false");
      command.add("--qps=" + QPS);
      command.add("--burst=" + BURST);
      command.add("--rollout-threads=10");
      command.add("--metricsPort=" + metricsPort);
      command.add("--healthzPort=" + healthzPort);
      command.add("--loglevel=info");
      Path log = Path.of("target", "perf", which + ".log");
      Files.createDirectories(log.getParent());
      builder.redirectErrorStream(true).redirectOutput(log.toFile());
      return new Measured(which, builder.start(), userAgent, version, metricsPort);
    }

    Sample sample() {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double cpu =
            (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
        String status = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "status"));
        return new Sample(cpu, kib(status, "VmRSS") * 1024, kib(status, "VmHWM") * 1024);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Ours: live heap after a full GC (jcmd). Argo's: the Go heap in use, from its /metrics. */
    long heapBytes() throws IOException, InterruptedException {
      if (which.equals("argo")) {
        HttpResponse<String> metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        Matcher m =
            Pattern.compile("(?m)^go_memstats_heap_inuse_bytes (\\S+)").matcher(metrics.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
      }
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      String pid = String.valueOf(process.pid());
      RealCluster.run(List.of(jcmd, pid, "GC.run"), "", "jcmd GC.run");
      String info = RealCluster.run(List.of(jcmd, pid, "GC.heap_info"), "", "jcmd GC.heap_info");
      // Where the heap and the rest of the process go, for the report: the largest classes,
      // and native memory by area when the JVM runs with -XX:NativeMemoryTracking=summary.
      String histogram =
          RealCluster.run(List.of(jcmd, pid, "GC.class_histogram"), "", "jcmd GC.class_histogram");
      System.out.println(
          "perf: heap histogram (top 30)\n"
              + String.join("\n", histogram.lines().limit(33).toList()));
      try {
        System.out.println(
            "perf: native memory\n"
                + RealCluster.run(
                    List.of(jcmd, pid, "VM.native_memory", "summary"),
                    "",
                    "jcmd VM.native_memory"));
      } catch (IllegalStateException e) {
        System.out.println("perf: native memory tracking is off");
      }
      // G1 prints one "garbage-first heap" line, Serial and Parallel one per generation; the
      // Metaspace and class space lines are not heap.
      long used = -1;
      for (String line : info.lines().toList()) {
        Matcher m = Pattern.compile("used (\\d+)K").matcher(line);
        if (m.find() && !line.contains("Metaspace") && !line.contains("class space")) {
          used = Math.max(used, 0) + Long.parseLong(m.group(1)) * 1024;
        }
      }
      return used;
    }

    private static long kib(String status, String field) {
      Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(status);
      assertThat(m.find()).as(field + " in /proc/<pid>/status").isTrue();
      return Long.parseLong(m.group(1));
    }

    private static long clockTicks() {
      try {
        return Long.parseLong(
            RealCluster.run(List.of("getconf", "CLK_TCK"), "", "getconf CLK_TCK").trim());
      } catch (RuntimeException e) {
        return 100;
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
