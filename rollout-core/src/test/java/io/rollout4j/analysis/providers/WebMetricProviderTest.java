package io.rollout4j.analysis.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.rollout4j.analysis.Assessments;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web provider against a real HTTP server on the loopback interface. */
class WebMetricProviderTest {

  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicReference<String> seenBody = new AtomicReference<>();
  private final AtomicReference<String> seenHeader = new AtomicReference<>();
  private final WebMetricProvider provider = new WebMetricProvider();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    respond(
        "/json",
        200,
        "{\"data\": {\"rate\": 0.97, \"items\": [{\"value\": 1}, {\"value\": 7}]}, \"a.b\": true}");
    respond("/text", 200, "OK");
    respond("/empty", 200, "");
    respond("/fail", 500, "upstream exploded");
    server.createContext(
        "/echo",
        exchange -> {
          seenBody.set(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          seenHeader.set(exchange.getRequestHeaders().getFirst("X-Scope"));
          send(exchange, 200, "{\"ok\": true}");
        });
    server.createContext(
        "/hang",
        exchange -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          send(exchange, 200, "late");
        });
    server.createContext(
        "/token",
        exchange -> {
          String form =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          // This server takes the client's credentials only in the form, as some do.
          if (form.contains("client_id=rollouts") && form.contains("client_secret=s3cret")) {
            send(exchange, 200, "{\"access_token\":\"abc\",\"expires_in\":3600}");
          } else {
            send(exchange, 401, "{\"error\":\"invalid_client\"}");
          }
        });
    server.createContext(
        "/authorized",
        exchange -> {
          seenHeader.set(exchange.getRequestHeaders().getFirst("Authorization"));
          send(exchange, 200, "{\"ok\": true}");
        });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private void respond(String path, int status, String body) {
    server.createContext(path, exchange -> send(exchange, status, body));
  }

  private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private Object measure(Map<String, Object> spec) {
    return provider.measure(
        new MetricRequest("m", "web", spec, Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void jsonPathSelectsTheResultAndConditionsSeeIt() {
    Object rate = measure(Map.of("url", url("/json"), "jsonPath", "{$.data.rate}"));

    assertThat(rate).isEqualTo(0.97);
    assertThat(Assessments.measurement("result >= 0.95", null, rate).phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    // Every JSON number is a float64 to Argo's conditions (Go's encoding/json): 7 is 7.0, so
    // "result % 2" is an Error measurement, as under Argo, not a pass.
    Object seven = measure(Map.of("url", url("/json"), "jsonPath", "{$.data.items[-1].value}"));
    assertThat(seven).isEqualTo(7.0);
    assertThat(Assessments.measurement("result % 2 == 1", null, seven).phase())
        .isEqualTo(AnalysisPhase.ERROR);
    assertThat(Assessments.measurement("type(result) == 'float'", null, seven).phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(measure(Map.of("url", url("/json"), "jsonPath", "{$['a.b']}"))).isEqualTo(true);
    assertThat(measure(Map.of("url", url("/json")))).isInstanceOf(Map.class);
  }

  @Test
  void aBodyThatIsNotJsonIsTheValue() {
    assertThat(measure(Map.of("url", url("/text")))).isEqualTo("OK");
    assertThat(measure(Map.of("url", url("/empty")))).isEqualTo("");
    assertThat(
            Assessments.measurement(
                    "result == 'fail123'", null, measure(Map.of("url", url("/text"))))
                .phase())
        .isEqualTo(AnalysisPhase.FAILED);
  }

  @Test
  void failuresAreErrorsWithTheServersAnswer() {
    assertThatThrownBy(() -> measure(Map.of("url", url("/fail"))))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("received non 2xx response code: 500 (upstream exploded)");
    assertThatThrownBy(() -> measure(Map.of("url", url("/json"), "jsonPath", "{$.data.missing}")))
        .hasMessageContaining("missing is not found");
    assertThatThrownBy(() -> measure(Map.of("url", "http://127.0.0.1:1/nothing")))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("failed");
  }

  @Test
  void aSlowServerTimesOut() {
    assertThatThrownBy(() -> measure(Map.of("url", url("/hang"), "timeoutSeconds", 1)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("timed out after 1s");
  }

  @Test
  void headersAndJsonBodiesAreSent() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("url", url("/echo"));
    spec.put("method", "POST");
    spec.put("headers", List.of(Map.of("key", "X-Scope", "value", "canary")));
    spec.put("jsonBody", Map.of("service", "reviews"));

    assertThat(measure(spec)).isEqualTo(Map.of("ok", true));
    assertThat(seenBody.get()).isEqualTo("{\"service\":\"reviews\"}");
    assertThat(seenHeader.get()).isEqualTo("canary");
  }

  @Test
  void providersAreFoundByTheirKeyAndWithTheServiceLoader() {
    MetricProviders discovered = MetricProviders.builder().discover().build();

    assertThat(discovered.types()).contains("web", "prometheus");
    assertThat(
            discovered.measure(
                new MetricRequest("m", "web", Map.of("url", url("/text")), Instant.EPOCH)))
        .isEqualTo("OK");
    assertThatThrownBy(
            () -> discovered.measure(new MetricRequest("m", "datadog", Map.of(), Instant.EPOCH)))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("provider datadog is not supported by Rollout4j; supported: prometheus, web");
  }

  @Test
  void oauth2ClientCredentialsPutABearerTokenOnTheRequest() {
    Object ok =
        measure(
            Map.of(
                "url",
                url("/authorized"),
                "jsonPath",
                "{$.ok}",
                "authentication",
                Map.of(
                    "oauth2",
                    Map.of(
                        "tokenUrl",
                        url("/token"),
                        "clientId",
                        "rollouts",
                        "clientSecret",
                        "s3cret"))));

    assertThat(ok).isEqualTo(true);
    assertThat(seenHeader.get()).isEqualTo("Bearer abc");
  }
}
