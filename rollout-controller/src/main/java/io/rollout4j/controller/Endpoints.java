package io.rollout4j.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rollout4j.k8s.RolloutController;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * {@code /healthz} (the process lives), {@code /readyz} (informers synced, not stopping; a standby
 * is ready too) on the healthz port, and {@code /metrics} in Prometheus' text format on the metrics
 * port, as Argo's controller serves them.
 */
final class Endpoints implements AutoCloseable {
  private final String bindAddress;
  private final int healthzPort;
  private final int metricsPort;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<HttpServer> servers = new ArrayList<>();
  private @Nullable RolloutController controller;

  Endpoints(
      String bindAddress, int healthzPort, int metricsPort, PrometheusMeterRegistry registry) {
    this.bindAddress = bindAddress;
    this.healthzPort = healthzPort;
    this.metricsPort = metricsPort;
    this.registry = registry;
  }

  void start(RolloutController controller) {
    this.controller = controller;
    if (healthzPort > 0) {
      HttpServer health = server(healthzPort);
      health.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n", "text/plain"));
      health.createContext(
          "/readyz",
          exchange ->
              respond(
                  exchange,
                  ready.get() ? 200 : 503,
                  ready.get() ? "ok\n" : "not ready\n",
                  "text/plain"));
    }
    if (metricsPort > 0) {
      HttpServer metrics = metricsPort == healthzPort ? servers.get(0) : server(metricsPort);
      metrics.createContext(
          "/metrics",
          exchange ->
              respond(
                  exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    }
    servers.forEach(HttpServer::start);
  }

  private HttpServer server(int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
      servers.add(server);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + bindAddress + ":" + port + " (" + e.getMessage() + ")", e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  void ready() {
    ready.set(true);
  }

  void notReady() {
    ready.set(false);
  }

  /** Whether this instance currently holds the lease (or runs without leader election). */
  boolean leading() {
    return controller != null && controller.isLeading();
  }

  @Override
  public void close() {
    servers.forEach(server -> server.stop(0));
  }
}
