package io.rollout4j.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SkyWalking's OAP as the seed's analysis queries it (GraphQL {@code readMetricsValues}), on
 * 127.0.0.1: four minutes of {@code service_apdex} at the value a test sets. The real OAP is
 * exercised by rollout-skywalking's own tests; here the cluster side is what is under test.
 */
final class OapStandIn implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger apdex = new AtomicInteger(9950);
  private final AtomicInteger queries = new AtomicInteger();

  OapStandIn() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/graphql",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            queries.incrementAndGet();
            String point = "{\"value\":" + apdex.get() + ",\"isEmptyValue\":false}";
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
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void apdex(int value) {
    apdex.set(value);
  }

  int queries() {
    return queries.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
