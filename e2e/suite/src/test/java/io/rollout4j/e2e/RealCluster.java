package io.rollout4j.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The control plane {@code e2e/cluster.sh up} started: a fabric8 client on its kubeconfig, the
 * kubectl built with it (for applying manifests as GitOps would), namespaces of a test's own, and
 * polling with deadlines.
 */
final class RealCluster implements AutoCloseable {
  final Path kubeconfig;
  private final Path kubectl;
  final KubernetesClient client;
  private final List<String> namespaces = new ArrayList<>();

  private RealCluster(Path kubeconfig, Path kubectl) throws IOException {
    this.kubeconfig = kubeconfig;
    this.kubectl = kubectl;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build();
  }

  /** The cluster of {@code rollout4j.e2e.kubeconfig} (e2e/run.sh sets it from KUBECONFIG). */
  static RealCluster connect() {
    String kubeconfig = setting("rollout4j.e2e.kubeconfig", "KUBECONFIG");
    String bin = setting("rollout4j.e2e.bin", "ROLLOUT4J_E2E_BIN");
    if (kubeconfig == null || bin == null) {
      throw new IllegalStateException(
          "the e2e suite runs against e2e/cluster.sh: run e2e/run.sh, or set KUBECONFIG and"
              + " ROLLOUT4J_E2E_BIN from `e2e/cluster.sh up`");
    }
    try {
      return new RealCluster(Path.of(kubeconfig), Path.of(bin, "kubectl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String setting(String property, String environment) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      value = System.getenv(environment);
    }
    return value == null || value.isBlank() ? null : value;
  }

  /** A fresh namespace, deleted when the cluster is closed. */
  String namespace(String prefix) {
    String name =
        prefix
            + "-"
            + Long.toString(System.nanoTime() % 1_000_000_000L, 36).toLowerCase(Locale.ROOT);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    namespaces.add(name);
    return name;
  }

  /** {@code kubectl apply -f -} in a namespace, as a GitOps tool would apply a folder. */
  void apply(String namespace, String yaml) {
    kubectl(yaml, "apply", "-n", namespace, "-f", "-");
  }

  String kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return run(command, stdin, String.join(" ", args));
  }

  /** Runs a command line tool with {@code stdin}; its output, or a failure naming {@code what}. */
  static String run(List<String> command, String stdin, String what) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(what + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  GenericKubernetesResource istio(String kind, String namespace, String name) {
    return istioOperation(kind, namespace).withName(name).get();
  }

  io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
      istioOperation(String kind, String namespace) {
    return client
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("networking.istio.io")
                .withVersion("v1")
                .withKind(kind)
                .withPlural(kind.toLowerCase(Locale.ROOT) + "s")
                .withNamespaced(true)
                .build())
        .inNamespace(namespace);
  }

  GenericKubernetesResource argo(String kind, String namespace, String name) {
    return client
        .genericKubernetesResources("argoproj.io/v1alpha1", kind)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  /** Polls {@code done} every 100 ms until it holds; fails with {@code what} after the deadline. */
  static void await(String what, Duration deadline, Supplier<Boolean> done) {
    Instant end = Instant.now().plus(deadline);
    while (!Boolean.TRUE.equals(done.get())) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within " + deadline + ": " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  @Override
  public void close() {
    for (String namespace : namespaces) {
      client.namespaces().withName(namespace).delete();
    }
    client.close();
  }
}
