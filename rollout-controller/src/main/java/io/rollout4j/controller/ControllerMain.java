package io.rollout4j.controller;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.gatewayapi.GatewayApiMeshPort;
import io.rollout4j.istio.IstioMeshPort;
import io.rollout4j.k8s.MicrometerControllerObserver;
import io.rollout4j.k8s.RolloutController;
import io.rollout4j.port.MeshPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rollout4j-controller}: the RolloutController as a process, with the flags of Argo
 * Rollouts' {@code rollouts-controller} where they apply, so a Deployment of Argo's controller can
 * switch to this one by changing its image and command.
 */
@Command(
    name = "rollout4j-controller",
    mixinStandardHelpOptions = true,
    versionProvider = ControllerMain.Version.class,
    sortOptions = false,
    description = "Runs the Rollout4j controller: reconciles Argo Rollouts' Rollouts in a cluster.")
public final class ControllerMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerMain.class);

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Path to a kubeconfig. Only required if out-of-cluster; default: $KUBECONFIG,"
              + " ~/.kube/config, then the in-cluster service account.")
  @Nullable Path kubeconfig;

  @Option(
      names = "--namespaced",
      description =
          "Runs the controller in namespaced mode: only the namespace of --namespace, else of the"
              + " kubeconfig context or POD_NAMESPACE (does not require cluster RBAC).")
  boolean namespaced;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "The namespace to watch in namespaced mode.")
  @Nullable String namespace;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "Only rollouts labelled argo-rollouts.argoproj.io/controller-instance-id=ID; without it,"
              + " only rollouts without that label.")
  @Nullable String instanceId;

  @Option(
      names = "--leader-elect",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      arity = "0..1",
      description = "Leader election (a Lease), so only one of several instances reconciles.")
  boolean leaderElect;

  @Option(
      names = "--leader-election-namespace",
      paramLabel = "NS",
      description = "Namespace of the Lease; default: POD_NAMESPACE, else the watched namespace.")
  @Nullable String leaseNamespace;

  @Option(
      names = "--leader-election-lease-duration",
      defaultValue = "15s",
      converter = GoDuration.class,
      description = "How long a standby waits before taking an expired lease.")
  Duration leaseDuration = Duration.ofSeconds(15);

  @Option(
      names = "--leader-election-renew-deadline",
      defaultValue = "10s",
      converter = GoDuration.class,
      description = "How long the leader retries renewing before it gives up.")
  Duration renewDeadline = Duration.ofSeconds(10);

  @Option(
      names = "--leader-election-retry-period",
      defaultValue = "2s",
      converter = GoDuration.class,
      description = "How often to retry acquiring or renewing the lease.")
  Duration retryPeriod = Duration.ofSeconds(2);

  @Option(
      names = "--qps",
      defaultValue = "40",
      description = "Maximum queries per second to the API server (watches excluded).")
  double qps;

  @Option(names = "--burst", defaultValue = "80", description = "Maximum burst for the above.")
  int burst;

  @Option(
      names = "--rollout-threads",
      defaultValue = "10",
      description = "Worker threads; one reconcile at a time per rollout.")
  int rolloutThreads;

  @Option(
      names = "--rollout-resync",
      defaultValue = "900",
      paramLabel = "SECONDS",
      description = "Time period in seconds for rollouts resync.")
  long resyncSeconds;

  @Option(
      names = {"--metricsPort", "--metricsport"},
      defaultValue = "8090",
      description = "Port of /metrics (Prometheus text); 0 turns it off.")
  int metricsPort;

  @Option(
      names = "--healthzPort",
      defaultValue = "8080",
      description = "Port of /healthz (liveness) and /readyz (readiness); 0 turns it off.")
  int healthzPort;

  @Option(
      names = "--bind-address",
      defaultValue = "0.0.0.0",
      description = "Address the metrics and health endpoints listen on.")
  String bindAddress = "0.0.0.0";

  @Option(
      names = "--loglevel",
      defaultValue = "info",
      description = "One of: debug|info|warn|error.")
  String logLevel = "info";

  @Option(names = "--logformat", defaultValue = "text", description = "One of: text|json.")
  String logFormat = "text";

  /** The controller's version, from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ControllerMain.class.getPackage().getImplementationVersion();
      return new String[] {"rollout4j-controller " + (version == null ? "development" : version)};
    }
  }

  /** Go duration strings ({@code 15s}, {@code 1m30s}), as Argo's flags take them. */
  static final class GoDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return io.rollout4j.model.DurationStrings.parseGo(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "expected a Go duration such as 15s or 1m30s, found '" + value + "'"));
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Parses the flags and runs until SIGTERM or SIGINT; returns the exit code. */
  static int run(String... args) {
    return new CommandLine(new ControllerMain()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    Logging.configure(logLevel, logFormat);
    Config config = config();
    // Its own user agent, so the API server's audit log and metrics tell its requests apart.
    config.setUserAgent(new Version().getVersion()[0].replace(' ', '/'));
    Set<String> namespaces = null;
    if (namespaced) {
      String watched = namespace != null ? namespace : config.getNamespace();
      if (watched == null || watched.isBlank()) {
        watched = System.getenv().getOrDefault("POD_NAMESPACE", "default");
      }
      namespaces = Set.of(watched);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    RolloutController.Builder builder =
        RolloutController.builder(client)
            // Istio and Gateway API: each rollout goes to the port of its router.
            .mesh(
                c ->
                    MeshPorts.of(
                        IstioMeshPort.builder(c).informers(true).build(),
                        GatewayApiMeshPort.builder(c).informers(true).build()))
            .metrics(MetricProviders.builder().discover().build())
            .requestBudget(qps, burst)
            .workers(rolloutThreads)
            .resync(Duration.ofSeconds(resyncSeconds))
            .observer(MicrometerControllerObserver.of(registry));
    if (namespaces != null) {
      builder.namespaces(namespaces);
    }
    if (instanceId != null && !instanceId.isBlank()) {
      builder.instanceId(instanceId);
    }
    if (leaderElect) {
      String leaseNs = leaseNamespace;
      if (leaseNs == null) {
        leaseNs =
            System.getenv()
                .getOrDefault(
                    "POD_NAMESPACE", namespaces != null ? namespaces.iterator().next() : "default");
      }
      builder
          .leaderElection(leaseNs, "rollout4j-controller-lock")
          .leaseTimings(leaseDuration, renewDeadline, retryPeriod);
    }
    RolloutController controller = builder.build();
    Endpoints endpoints = new Endpoints(bindAddress, healthzPort, metricsPort, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              LOG.info("signal received: finishing the reconcile in flight, then stopping");
              endpoints.notReady();
              controller.close();
              endpoints.close();
              LOG.info("stopped");
              stopped.countDown();
              // A JVM ended by a signal exits 143 even after a clean stop; a controller that
              // stopped as asked exits 0, as Argo's does.
              Runtime.getRuntime().halt(0);
            },
            "rollout4j-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    endpoints.start(controller);
    LOG.info(
        "starting: API server {}, {}, instance-id {}, leader election {}",
        config.getMasterUrl(),
        namespaces == null ? "all namespaces" : "namespaces " + namespaces,
        instanceId == null ? "none" : instanceId,
        leaderElect ? "on" : "off");
    try {
      controller.start();
    } catch (IllegalStateException e) {
      LOG.error("{}", e.getMessage());
      return 1;
    }
    endpoints.ready();
    LOG.info("started");
    stopped.await();
    return 0;
  }

  private Config config() throws IOException {
    if (kubeconfig != null) {
      if (!Files.isReadable(kubeconfig)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--kubeconfig: cannot read " + kubeconfig.toAbsolutePath());
      }
      return Config.fromKubeconfig(kubeconfig.toFile());
    }
    return Config.autoConfigure(null);
  }
}
