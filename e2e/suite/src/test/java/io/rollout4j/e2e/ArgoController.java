package io.rollout4j.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Argo Rollouts controller and its kubectl plugin, built by {@code e2e/build.sh} from the
 * Go module proxy: the oracle the differential tier compares Rollout4j with. The controller runs
 * with {@code --instance-id}, so it takes only Rollouts labelled for it.
 */
final class ArgoController implements AutoCloseable {
  static final String INSTANCE_LABEL = "argo-rollouts.argoproj.io/controller-instance-id";

  private final Process process;
  final Path log;

  private ArgoController(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Path bin() {
    String bin = System.getProperty("rollout4j.e2e.bin");
    if (bin == null || bin.isBlank() || bin.startsWith("${")) {
      bin = System.getenv("ROLLOUT4J_E2E_BIN");
    }
    Path path = Path.of(bin);
    if (!Files.isExecutable(path.resolve("rollouts-controller"))) {
      throw new IllegalStateException(
          "no Argo Rollouts controller in " + path + ": run e2e/build.sh (it builds Argo too)");
    }
    return path;
  }

  /** The version e2e/build.sh built (the module's folder in the build cache is named after it). */
  static String version() {
    try {
      return Files.readString(bin().resolve(".argo.version")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Argo's own CRDs, from the module the controller was built from. */
  static Path crds() {
    return bin()
        .resolveSibling("src")
        .resolve("argo-rollouts-" + version())
        .resolve("manifests/crds");
  }

  /**
   * Installs Argo's CRDs over ours (server-side, they are too large for client-side apply): the
   * CRDs a user migrating from Argo already has.
   */
  static void installCrds(RealCluster cluster) {
    cluster.kubectl(
        "",
        "apply",
        "--server-side",
        "--force-conflicts",
        "-f",
        crds().resolve("rollout-crd.yaml").toString(),
        "-f",
        crds().resolve("analysis-run-crd.yaml").toString(),
        "-f",
        crds().resolve("analysis-template-crd.yaml").toString(),
        "-f",
        crds().resolve("cluster-analysis-template-crd.yaml").toString(),
        "-f",
        crds().resolve("experiment-crd.yaml").toString());
  }

  /** Starts Argo's controller for objects labelled with {@code instanceId}, in all namespaces. */
  static ArgoController start(RealCluster cluster, String instanceId) {
    if (cluster.client.namespaces().withName("argo-rollouts").get() == null) {
      cluster.kubectl("", "create", "namespace", "argo-rollouts");
    }
    List<String> command = new ArrayList<>();
    command.add(bin().resolve("rollouts-controller").toString());
    command.add("--kubeconfig=" + cluster.kubeconfig);
    command.add("--instance-id=" + instanceId);
    command.add("--leader-elect=false");
    command.add("--metricsPort=" + freePort());
    command.add("--healthzPort=" + freePort());
    command.add("--loglevel=info");
    Path log = Path.of("target", "argo-controller-" + instanceId + ".log");
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("POD_NAMESPACE", "argo-rollouts");
      return new ArgoController(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code kubectl argo rollouts <args>} against the cluster, as a user types it; returns what it
   * printed.
   */
  static String plugin(RealCluster cluster, String namespace, String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin().resolve("kubectl-argo-rollouts").toString());
    command.add("--kubeconfig=" + cluster.kubeconfig);
    command.add("--namespace=" + namespace);
    command.addAll(List.of(args));
    return RealCluster.run(command, "", "kubectl argo rollouts " + String.join(" ", args));
  }

  /**
   * {@code kubectl argo rollouts <args>} for at most {@code limit} (a {@code --watch} is stopped
   * then): what it printed, whatever its exit code, with the exit code appended when not 0.
   */
  static String pluginFor(RealCluster cluster, String namespace, Duration limit, String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin().resolve("kubectl-argo-rollouts").toString());
    command.add("--kubeconfig=" + cluster.kubeconfig);
    command.add("--namespace=" + namespace);
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("plugin", ".txt");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      String text = Files.readString(out);
      Files.delete(out);
      return exited && process.exitValue() != 0
          ? text + "(exit " + process.exitValue() + ")\n"
          : text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Labels an argoproj.io object (a parsed YAML document) for a controller instance: Argo with
   * {@code --instance-id} sees only objects with that label, templates included.
   */
  @SuppressWarnings("unchecked")
  static void label(Object document, String instanceId) {
    if (document instanceof Map<?, ?> object
        && String.valueOf(object.get("apiVersion")).startsWith("argoproj.io/")) {
      Map<String, Object> metadata =
          (Map<String, Object>)
              ((Map<String, Object>) object)
                  .computeIfAbsent("metadata", k -> new LinkedHashMap<>());
      ((Map<String, Object>) metadata.computeIfAbsent("labels", k -> new LinkedHashMap<>()))
          .put(INSTANCE_LABEL, instanceId);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
