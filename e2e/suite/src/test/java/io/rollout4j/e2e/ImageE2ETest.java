package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The controller's OCI image (built by {@code mvn -Pimage}, without a container daemon) holds a
 * runnable controller: its layers unpacked into a root, its entrypoint run there (chroot, as the
 * image's user) prints the version, and against the e2e cluster starts and stops on SIGTERM.
 */
class ImageE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String run(List<String> command, Duration deadline) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(command + " exited " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  private static JsonNode blob(Path layout, String digest) throws IOException {
    return JSON.readTree(
        layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())).toFile());
  }

  @Test
  void theImagesEntrypointRunsTheController() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "unpacking and running an image root needs chroot, i.e. root");
    Path tar =
        Path.of("..", "..", "rollout-controller", "target", "rollout4j-controller-image.tar")
            .toAbsolutePath()
            .normalize();
    assertThat(tar).as("built by e2e/run.sh (mvn -Pimage)").exists();
    Path work = Path.of("target", "image").toAbsolutePath();
    run(List.of("rm", "-rf", work.toString()), Duration.ofSeconds(30));
    Path layout = Files.createDirectories(work.resolve("layout"));
    Path root = Files.createDirectories(work.resolve("root"));
    run(List.of("tar", "-xf", tar.toString(), "-C", layout.toString()), Duration.ofSeconds(60));

    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = blob(layout, index.path("manifests").get(0).path("digest").asText());
    JsonNode config = blob(layout, manifest.path("config").path("digest").asText()).path("config");
    for (JsonNode layer : manifest.path("layers")) {
      String digest = layer.path("digest").asText().substring("sha256:".length());
      run(
          List.of(
              "tar",
              "-xzf",
              layout.resolve("blobs/sha256/" + digest).toString(),
              "-C",
              root.toString()),
          Duration.ofSeconds(60));
    }
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
    List<String> env = new ArrayList<>();
    config.path("Env").forEach(e -> env.add(e.asText()));
    String user = config.path("User").asText();
    assertThat(user).isEqualTo("65532");
    assertThat(entrypoint).first().isEqualTo("/opt/java/bin/java");

    List<String> inImage = new ArrayList<>(List.of("env", "-i"));
    inImage.addAll(env);
    inImage.addAll(List.of("/usr/sbin/chroot", "--userspec=" + user + ":" + user, root.toString()));
    inImage.addAll(entrypoint);

    List<String> version = new ArrayList<>(inImage);
    version.add("--version");
    assertThat(run(version, Duration.ofSeconds(60))).contains("rollout4j-controller");

    try (RealCluster cluster = RealCluster.connect()) {
      Files.copy(cluster.kubeconfig, root.resolve("tmp/kubeconfig"));
      run(
          List.of("chmod", "644", root.resolve("tmp/kubeconfig").toString()),
          Duration.ofSeconds(5));
      String ns = cluster.namespace("image");
      List<String> controller = new ArrayList<>(inImage);
      controller.addAll(
          List.of(
              "--kubeconfig=/tmp/kubeconfig",
              "--namespaced",
              "--namespace=" + ns,
              "--leader-elect=false",
              "--bind-address=127.0.0.1",
              "--healthzPort=0",
              "--metricsPort=0"));
      Path log = work.resolve("controller.log");
      Process process =
          new ProcessBuilder(controller)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        RealCluster.await(
            "the controller in the image started",
            Duration.ofSeconds(60),
            () -> {
              try {
                return Files.readString(log).contains(" - started");
              } catch (IOException e) {
                return false;
              }
            });
      } finally {
        process.destroy();
        assertThat(process.waitFor(40, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(process.exitValue()).isZero();
      assertThat(Files.readString(log)).contains("stopped");
    }
  }
}
