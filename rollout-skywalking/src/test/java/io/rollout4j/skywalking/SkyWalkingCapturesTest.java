package io.rollout4j.skywalking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rollout4j.analysis.providers.MeasurementProvider;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.expr.Condition;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The provider against the request/response pairs captured from a real OAP 10.1.0, replayed by an
 * HTTP server on 127.0.0.1: the provider sends byte-for-byte the captured request body and turns
 * the captured response into the same {@code result}, or into an Error with the server's message.
 */
class SkyWalkingCapturesTest {
  // Integers read as longs, as the provider reads them, so captured data compares equal.
  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS)
          .build();
  private static final String SEED_CONDITION =
      "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})";

  /** The captures' window: 2026-11-24 23:35 .. 23:38 with interval 3m, in UTC. */
  private static final Instant CAPTURED_AT = Instant.parse("2026-11-24T23:38:41Z");

  private HttpServer server;
  private final AtomicReference<Map<String, Object>> replay = new AtomicReference<>();
  private final AtomicReference<Map<String, Object>> received = new AtomicReference<>();
  private final AtomicReference<String> authorization = new AtomicReference<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService executor = Executors.newCachedThreadPool();

  static Map<String, Object> capture(String name) {
    try {
      return JSON.readValue(
          Shared.read("skywalking-query-protocol/captured-oap-10.1.0/" + name), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeEach
  @SuppressWarnings("unchecked")
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/graphql",
        exchange -> {
          received.set(JSON.readValue(exchange.getRequestBody(), Map.class));
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          Map<String, Object> response = (Map<String, Object>) replay.get().get("response");
          if (response.containsKey("hang")) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Object body = response.get("body");
          byte[] bytes =
              body instanceof String s
                  ? s.getBytes(StandardCharsets.UTF_8)
                  : JSON.writeValueAsBytes(body);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(((Number) response.get("status")).intValue(), bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.setExecutor(executor);
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @SuppressWarnings("unchecked")
  private Object measure(SkyWalkingMetricProvider provider, Map<String, Object> capture) {
    replay.set(capture);
    Map<String, Object> body =
        (Map<String, Object>) ((Map<String, Object>) capture.get("request")).get("body");
    return provider.measure(
        new MetricRequest(
            "apdex",
            "skywalking",
            Map.of("address", address(), "query", body.get("query"), "interval", "3m"),
            CAPTURED_AT));
  }

  /** The captured exchanges whose response carries data (08 is an MQE error, 09-14 errors). */
  static List<String> dataCaptures() {
    return List.of(
        "01-seed-query-healthy-canary.json",
        "02-seed-query-degraded-canary.json",
        "03-seed-query-unknown-service.json",
        "04-readMetricsValues-with-ids.json",
        "05-readMetricsValues-unknown-metric.json",
        "06-mqe-time-series.json",
        "07-mqe-aggregate-min.json");
  }

  @ParameterizedTest
  @MethodSource("dataCaptures")
  @SuppressWarnings("unchecked")
  void aCapturedExchangeIsReproducedAndItsDataIsTheResult(String name) {
    Map<String, Object> capture = capture(name);

    Object result = measure(new SkyWalkingMetricProvider(), capture);

    Map<String, Object> request = (Map<String, Object>) capture.get("request");
    assertThat(received.get()).isEqualTo(request.get("body"));
    Map<String, Object> response = (Map<String, Object>) capture.get("response");
    // Numbers as Argo's conditions see them: Go's decoded JSON makes every number a float64.
    assertThat(result)
        .isEqualTo(
            MeasurementProvider.withGoNumbers(
                ((Map<String, Object>) response.get("body")).get("data")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void anMqeExpressionErrorIsAnErrorMeasurementWithOapsMessage() {
    Map<String, Object> capture = capture("08-mqe-unknown-metric.json");

    assertThatThrownBy(() -> measure(new SkyWalkingMetricProvider(), capture))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("mqe: execExpression: Metric: [no_such_metric] does not exist.");
    assertThat(received.get())
        .isEqualTo(((Map<String, Object>) capture.get("request")).get("body"));
  }

  private Map<String, Object> withHeader(String key, String value) {
    return Map.of(
        "address",
        address(),
        "query",
        "{ version }",
        "interval",
        "3m",
        "headers",
        List.of(Map.of("key", key, "value", value)));
  }

  @Test
  void headersFromTheSpecAreSentAndNeverAppearInAMessage() {
    replay.set(capture("01-seed-query-healthy-canary.json"));
    SkyWalkingMetricProvider provider = new SkyWalkingMetricProvider();

    provider.measure(
        new MetricRequest(
            "apdex", "skywalking", withHeader("Authorization", "Bearer s3cr3t"), CAPTURED_AT));

    assertThat(authorization.get()).isEqualTo("Bearer s3cr3t");
    MetricRequest restricted =
        new MetricRequest("apdex", "skywalking", withHeader("Host", "s3cr3t"), CAPTURED_AT);
    assertThatThrownBy(() -> provider.measure(restricted))
        .hasMessage(
            "skywalking provider: headers[0]: header 'Host' cannot be set (restricted name or"
                + " illegal characters in its value)")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void theSeedConditionPassesForTheHealthyCanaryAndFailsForTheDegradedOne() {
    Condition seed = Condition.compile(SEED_CONDITION);
    SkyWalkingMetricProvider provider = new SkyWalkingMetricProvider();

    assertThat(seed.test(measure(provider, capture("01-seed-query-healthy-canary.json")))).isTrue();
    assertThat(seed.test(measure(provider, capture("02-seed-query-degraded-canary.json"))))
        .isFalse();
    // A service OAP never saw reads as zeros, not an error: the seed's condition fails.
    assertThat(seed.test(measure(provider, capture("03-seed-query-unknown-service.json"))))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "09-error-syntax.json",
        "10-error-validation-unknown-field.json",
        "11-error-bad-duration-format.json",
        "12-error-missing-variable.json",
        "13-error-bad-step-enum.json",
        "14-error-range-over-500-points.json"
      })
  @SuppressWarnings("unchecked")
  void aGraphqlErrorBecomesAnErrorMeasurementWithTheServersMessage(String name) {
    Map<String, Object> capture = capture(name);
    Map<String, Object> response = (Map<String, Object>) capture.get("response");
    List<Map<String, Object>> errors =
        (List<Map<String, Object>>) ((Map<String, Object>) response.get("body")).get("errors");
    String first = String.valueOf(errors.get(0).get("message"));

    assertThatThrownBy(() -> measure(new SkyWalkingMetricProvider(), capture))
        .isInstanceOf(UnavailableException.class)
        .hasMessageStartingWith("graphql: " + first.substring(0, Math.min(first.length(), 60)));
  }

  private static Map<String, Object> response(int status, Object body) {
    return Map.of(
        "request", Map.of("body", Map.of("query", "{ version }")),
        "response", Map.of("status", status, "body", body));
  }

  @Test
  void plainTextErrorsNonJsonBodiesAndMissingDataAreErrors() {
    SkyWalkingMetricProvider provider = new SkyWalkingMetricProvider();

    assertThatThrownBy(() -> measure(provider, response(415, "Unsupported media type.")))
        .hasMessage(
            "graphql: server returned a non-200 status code: 415 (Unsupported media type.)");
    assertThatThrownBy(() -> measure(provider, response(200, "<html>proxy</html>")))
        .hasMessageStartingWith("skywalking provider: decoding response:");
    assertThat(measure(provider, response(200, Map.of("data", Map.of())))).isEqualTo(Map.of());
    assertThatThrownBy(() -> measure(provider, response(200, Map.of("extensions", Map.of()))))
        .hasMessage("no results returned from SkyWalking query");
  }

  @Test
  void aRefusedConnectionAndASlowServerAreErrorsWithinTheTimeout() {
    SkyWalkingMetricProvider provider =
        SkyWalkingMetricProvider.builder().timeout(Duration.ofMillis(300)).build();
    Map<String, Object> hanging =
        Map.of(
            "request", Map.of("body", Map.of("query", "{ version }")),
            "response", Map.of("status", 200, "hang", true, "body", Map.of("data", Map.of())));

    assertThatThrownBy(() -> measure(provider, hanging))
        .isInstanceOf(UnavailableException.class)
        .hasMessageEndingWith("timed out after 300ms");

    release.countDown();
    server.stop(0);
    assertThatThrownBy(() -> measure(provider, hanging))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("failed: java.net.ConnectException");
  }

  @Test
  void theWindowIsWrittenInTheConfiguredZone() {
    SkyWalkingMetricProvider tokyo =
        SkyWalkingMetricProvider.builder().timeZone(ZoneId.of("Asia/Tokyo")).build();

    assertThat(tokyo.duration(CAPTURED_AT, Duration.ofMinutes(3)))
        .containsExactly(
            Map.entry("start", "2026-11-25 0835"),
            Map.entry("end", "2026-11-25 0838"),
            Map.entry("step", "MINUTE"));
  }

  @Test
  void missingOrMalformedFieldsAreNamed() {
    SkyWalkingMetricProvider provider = new SkyWalkingMetricProvider();
    Instant now = CAPTURED_AT;

    assertThatThrownBy(
            () ->
                provider.measure(
                    new MetricRequest(
                        "m", "skywalking", Map.of("query", "{ version }", "interval", "3m"), now)))
        .hasMessage("skywalking provider: address is required (got null)");
    assertThatThrownBy(
            () ->
                provider.measure(
                    new MetricRequest(
                        "m",
                        "skywalking",
                        Map.of(
                            "address", address(), "query", "{ version }", "interval", "3 minutes"),
                        now)))
        .hasMessage(
            "skywalking provider: interval: expected a duration such as 3m but was '3 minutes'");
  }

  @Test
  void serviceLoaderDiscoveryFindsTheProvider() {
    assertThat(MetricProviders.builder().discover().build().types()).contains("skywalking", "web");
  }
}
