package io.rollout4j.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A real Prometheus server on the loopback interface for one test class: its TSDB back-filled with
 * {@code promtool} from OpenMetrics text (history the test writes), scraping every second an
 * exporter in this JVM whose text the test controls, and stopped by its process handle. The binary
 * is Debian's {@code prometheus} package ({@code .ci/run} installs it) or the one {@code
 * ROLLOUT4J_PROMETHEUS} names, with {@code promtool} beside it.
 */
final class RealPrometheus implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final HttpServer exporter;
  private final URI address;
  private final Path log;

  private RealPrometheus(Process process, HttpServer exporter, URI address, Path log) {
    this.process = process;
    this.exporter = exporter;
    this.address = address;
    this.log = log;
  }

  /** The server binary, or an error saying how to get one. */
  static Path binary() {
    String configured = System.getenv("ROLLOUT4J_PROMETHEUS");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "prometheus");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no prometheus binary: install Debian's prometheus package (apt-get install"
            + " --no-install-recommends prometheus) or set ROLLOUT4J_PROMETHEUS to a prometheus"
            + " 2.x binary with promtool beside it");
  }

  /**
   * Back-fills {@code history} (OpenMetrics text ending in {@code # EOF}) into a new TSDB under
   * {@code dir}, then starts the server on it, scraping {@code exposition} every second, and waits
   * until it is ready.
   */
  static RealPrometheus start(Path dir, String history, Supplier<String> exposition)
      throws IOException, InterruptedException {
    Path prometheus = binary();
    Path promtool = prometheus.resolveSibling("promtool");
    Path tsdb = dir.resolve("tsdb");
    Path input = dir.resolve("history.om");
    Files.writeString(input, history, StandardCharsets.UTF_8);
    Path backfillLog = dir.resolve("promtool.log");
    Process backfill =
        new ProcessBuilder(
                promtool.toString(),
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                input.toString(),
                tsdb.toString())
            .redirectErrorStream(true)
            .redirectOutput(backfillLog.toFile())
            .start();
    if (!backfill.waitFor(2, TimeUnit.MINUTES) || backfill.exitValue() != 0) {
      backfill.destroyForcibly();
      throw new IllegalStateException(
          "promtool could not back-fill the history: " + Files.readString(backfillLog));
    }

    HttpServer exporter =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          byte[] body = exposition.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    exporter.start();

    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
        - job_name: exporter
          static_configs:
          - targets: ["127.0.0.1:%d"]
        """
            .formatted(exporter.getAddress().getPort()),
        StandardCharsets.UTF_8);
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = dir.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                List.of(
                    prometheus.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + tsdb,
                    "--storage.tsdb.retention.time=30d",
                    "--web.listen-address=127.0.0.1:" + port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RealPrometheus server =
        new RealPrometheus(process, exporter, URI.create("http://127.0.0.1:" + port), log);
    try {
      server.awaitReady(Duration.ofMinutes(1));
    } catch (RuntimeException | IOException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Where queries go: {@code http://127.0.0.1:<port>}. */
  URI address() {
    return address;
  }

  boolean alive() {
    return process.isAlive();
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> ready =
            HTTP.send(
                HttpRequest.newBuilder(address.resolve("/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "prometheus not ready in " + timeout + ": " + Files.readString(log));
  }

  /** Polls {@code condition} every 200 ms until it holds (a scrape has landed, say). */
  void await(String what, Duration timeout, Supplier<Boolean> condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.get()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  @Override
  public void close() {
    exporter.stop(0);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
