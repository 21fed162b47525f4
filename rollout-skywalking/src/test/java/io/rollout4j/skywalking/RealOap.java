package io.rollout4j.skywalking;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Apache SkyWalking OAP 10.1.0 in a child process: the jars laid out by the build's {@code
 * skywalking-oap} module, the minimal configuration in {@code src/test/oap-config}, in-memory H2,
 * free loopback ports, UTC. {@link #close} stops it and its children; a JVM shutdown hook does the
 * same if the tests never get that far.
 */
final class RealOap implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(3);

  private final Process process;
  private final Thread reaper;
  private final Path log;
  private final URI address;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private RealOap(Process process, Path log, int restPort) {
    this.process = process;
    this.log = log;
    this.address = URI.create("http://127.0.0.1:" + restPort);
    this.reaper = new Thread(this::stop, "stop-oap");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts an OAP and returns once it answers GraphQL; fails with its log's tail otherwise. */
  static RealOap start() throws IOException {
    Path libs = Path.of(property("rollout4j.oap.libs", "../skywalking-oap/target/oap-libs"));
    Path config = Path.of(property("rollout4j.oap.config", "src/test/oap-config"));
    Path work = Path.of(property("rollout4j.oap.work", "target/oap"));
    if (!Files.isDirectory(libs)) {
      throw new IllegalStateException(
          "no OAP jars in "
              + libs.toAbsolutePath()
              + ": build the skywalking-oap module first (mvn -pl skywalking-oap package)");
    }
    Files.createDirectories(work);
    int restPort = freePort();
    int grpcPort = freePort();
    Path log = work.resolve("oap-" + restPort + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-Duser.timezone=UTC",
                "-Doap.logDir=" + work.toAbsolutePath(),
                "-cp",
                config.toAbsolutePath() + File.pathSeparator + libs.toAbsolutePath() + "/*",
                "org.apache.skywalking.oap.server.starter.OAPServerStartUp")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("OAP_REST_PORT", Integer.toString(restPort));
    builder.environment().put("OAP_GRPC_PORT", Integer.toString(grpcPort));
    RealOap oap = new RealOap(builder.start(), log, restPort);
    try {
      oap.await("OAP answering GraphQL", BOOT_TIMEOUT, oap::answers);
    } catch (RuntimeException e) {
      oap.close();
      throw e;
    }
    return oap;
  }

  URI address() {
    return address;
  }

  /** POSTs trace segments to OAP's HTTP receiver ({@code /v3/segments}). */
  void segments(List<Map<String, Object>> segments) {
    HttpResponse<String> response = post("/v3/segments", segments);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "OAP refused segments: " + response.statusCode() + " " + response.body());
    }
  }

  /** One entry span of {@code latencyMillis} for {@code service}, starting at {@code start}. */
  static Map<String, Object> call(
      String service, Instant start, long latencyMillis, boolean error) {
    String id = java.util.UUID.randomUUID().toString();
    return Map.of(
        "traceId", id,
        "traceSegmentId", id,
        "service", service,
        "serviceInstance", "pod-1",
        "spans",
            List.of(
                Map.of(
                    "operationName",
                    "GET:/reviews/1",
                    "startTime",
                    start.toEpochMilli(),
                    "endTime",
                    start.toEpochMilli() + latencyMillis,
                    "spanType",
                    "Entry",
                    "spanId",
                    0,
                    "parentSpanId",
                    -1,
                    "isError",
                    error,
                    "spanLayer",
                    "Http",
                    "componentId",
                    6000)));
  }

  /** The response body of a GraphQL request, as JSON. */
  @SuppressWarnings("unchecked")
  Map<String, Object> graphql(String query, Map<String, Object> variables) {
    HttpResponse<String> response =
        post("/graphql", Map.of("query", query, "variables", variables));
    try {
      return JSON.readValue(response.body(), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for a condition on the external process (boot, data persisted), polling every 200 ms.
   * Virtual time cannot drive a real server; this is the one place the tests wait on wall time.
   */
  void await(String what, Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "OAP exited with " + process.exitValue() + " before " + what + ":\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " after " + timeout + ":\n" + tail());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  private boolean answers() {
    try {
      return post("/graphql", Map.of("query", "{ version }")).body().contains("\"version\"");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private HttpResponse<String> post(String path, Object body) {
    try {
      return http.send(
          HttpRequest.newBuilder(address.resolve(path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String property(String name, String fallback) {
    return System.getProperty(name, fallback);
  }
}
