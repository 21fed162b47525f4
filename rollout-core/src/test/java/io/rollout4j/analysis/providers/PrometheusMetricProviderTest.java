package io.rollout4j.analysis.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rollout4j.analysis.Assessments;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.port.MeasuredValue;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus provider against an HTTP server on the loopback interface that answers as
 * Prometheus' API does (the shapes of /api/v1/query and /api/v1/query_range, its error bodies), and
 * an OAuth2 token endpoint. The real server is in {@code RealPrometheusTest}.
 */
class PrometheusMetricProviderTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00.250Z");

  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final SteppedClock clock = new SteppedClock(NOW);
  private PrometheusMetricProvider provider;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/", this::api);
    server.createContext("/get-only/api/v1/", this::getOnly);
    server.createContext(
        "/token",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          boolean basic =
              auth != null
                  && auth.equals(
                      "Basic "
                          + java.util.Base64.getEncoder()
                              .encodeToString(
                                  "rollouts:s3cr%2Ft".getBytes(StandardCharsets.UTF_8)));
          if (!basic || !body.contains("grant_type=client_credentials")) {
            send(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
          }
          int n = tokensIssued.incrementAndGet();
          send(
              exchange,
              200,
              "{\"access_token\":\"token-" + n + "\",\"token_type\":\"bearer\",\"expires_in\":60}");
        });
    server.start();
    provider = PrometheusMetricProvider.builder().clock(clock).defaultAddress(null).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void api(HttpExchange exchange) throws IOException {
    Map<String, String> form = form(exchange);
    requests.add(form);
    String query = form.getOrDefault("query", "");
    switch (query) {
      case "scalar" -> send(exchange, 200, ok("scalar", "[1733392800.25,\"0.995\"]"));
      case "vector" ->
          send(
              exchange,
              200,
              ok(
                  "vector",
                  "[{\"metric\":{\"pod\":\"a\"},\"value\":[1,\"0.5\"]},"
                      + "{\"metric\":{\"pod\":\"b\"},\"value\":[1,\"1\"]}]"));
      case "empty" -> send(exchange, 200, ok("vector", "[]"));
      case "nan" ->
          send(
              exchange,
              200,
              ok(
                  "vector",
                  "[{\"metric\":{},\"value\":[1,\"NaN\"]},{\"metric\":{},\"value\":[1,\"+Inf\"]},"
                      + "{\"metric\":{},\"value\":[1,\"-Inf\"]}]"));
      case "matrix" ->
          send(
              exchange,
              200,
              ok(
                  "matrix",
                  "[{\"metric\":{\"pod\":\"a\"},\"values\":[[1,\"1\"],[2,\"0.25\"]]},"
                      + "{\"metric\":{\"pod\":\"b\"},\"values\":[[1,\"3\"]]}]"));
      case "string" -> send(exchange, 200, ok("string", "[1,\"hello\"]"));
      case "warned" ->
          send(
              exchange,
              200,
              "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]},"
                  + "\"warnings\":[\"partial response\",\"too many series\"]}");
      case "bad(" ->
          send(
              exchange,
              400,
              "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error:"
                  + " unclosed left parenthesis\"}");
      case "overloaded" -> send(exchange, 503, "too many queries");
      case "hang" -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        send(exchange, 200, ok("scalar", "[1,\"1\"]"));
      }
      default -> send(exchange, 200, ok("vector", "[]"));
    }
  }

  private void getOnly(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("GET")) {
      exchange.getRequestBody().readAllBytes();
      send(exchange, 405, "");
      return;
    }
    api(exchange);
  }

  private static String ok(String type, String result) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\""
        + type
        + "\",\"result\":"
        + result
        + "}}";
  }

  private static Map<String, String> form(HttpExchange exchange) throws IOException {
    String text =
        exchange.getRequestMethod().equals("GET")
            ? exchange.getRequestURI().getRawQuery()
            : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_method", exchange.getRequestMethod());
    form.put("_path", exchange.getRequestURI().getPath());
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      form.put("_authorization", auth);
    }
    String tenant = exchange.getRequestHeaders().getFirst("X-Scope-OrgID");
    if (tenant != null) {
      form.put("_tenant", tenant);
    }
    if (text != null) {
      for (String pair : text.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return form;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  private MeasuredValue measure(Map<String, Object> spec) {
    return provider.measure(new MetricRequest("m", "prometheus", spec, NOW));
  }

  private MeasuredValue query(String query) {
    return measure(Map.of("address", address(), "query", query));
  }

  private static AnalysisPhase assess(String condition, MeasuredValue measured) {
    return Assessments.measurement(condition, null, measured.result()).phase();
  }

  @Test
  void aScalarIsANumberAndItsValueIsGoText() {
    MeasuredValue measured = query("scalar");

    assertThat(measured.result()).isEqualTo(0.995);
    assertThat(measured.value()).isEqualTo("0.995");
    assertThat(assess("result >= 0.99", measured)).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(requests.get(0))
        .containsEntry("_method", "POST")
        .containsEntry("_path", "/api/v1/query")
        .containsEntry("time", "1796464800.25");
  }

  @Test
  void aVectorIsGosFloatSliceOneValuePerSeries() {
    MeasuredValue measured = query("vector");

    assertThat((double[]) measured.result()).containsExactly(0.5, 1.0);
    assertThat(measured.value()).isEqualTo("[0.5,1]");
    assertThat(assess("result[0] >= 0.5", measured)).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(assess("all(result, {# >= 0.9})", measured)).isEqualTo(AnalysisPhase.FAILED);
    assertThat(assess("len(result) == 2", measured)).isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void anEmptyResultIsAnEmptyVectorThatIndexingTurnsIntoAnError() {
    MeasuredValue measured = query("empty");

    assertThat((double[]) measured.result()).isEmpty();
    assertThat(measured.value()).isEqualTo("[]");
    Assessments.Outcome outcome =
        Assessments.measurement("result[0] >= 0.95", null, measured.result());
    assertThat(outcome.phase()).isEqualTo(AnalysisPhase.ERROR);
    assertThat(outcome.message()).contains("index out of range");
    assertThat(assess("len(result) == 0 || result[0] >= 0.95", measured))
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void nanAndInfinitiesStayFloats() {
    MeasuredValue measured = query("nan");

    assertThat(measured.value()).isEqualTo("[NaN,+Inf,-Inf]");
    assertThat(
            assess(
                "isNaN(result[0]) && isInf(result[1]) && result[1] > 0 && isInf(result[2]) && result[2] < 0",
                measured))
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(assess("result[0] >= 0.95", measured))
        .as("NaN compares false, as in Go")
        .isEqualTo(AnalysisPhase.FAILED);
  }

  @Test
  void aRangeQueryEvaluatesItsTimesAtTheMeasurementAndFlattensTheMatrix() {
    MeasuredValue measured =
        measure(
            Map.of(
                "address",
                address(),
                "query",
                "matrix",
                "rangeQuery",
                Map.of("start", "now() - duration('10m')", "end", "now()", "step", "1m30s")));

    assertThat((double[]) measured.result()).containsExactly(1.0, 0.25, 3.0);
    assertThat(measured.value()).isEqualTo("[1,0.25,3]");
    assertThat(requests.get(0))
        .containsEntry("_path", "/api/v1/query_range")
        .containsEntry("start", "1796464200.25")
        .containsEntry("end", "1796464800.25")
        .containsEntry("step", "90");
  }

  @Test
  void aRangeQueryWithABadTimeOrStepSaysWhichField() {
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("address", address());
    base.put("query", "matrix");

    base.put("rangeQuery", Map.of("start", "1 + 1", "end", "now()", "step", "1m"));
    assertThatThrownBy(() -> measure(base))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("failed to parse rangeQuery.start as time: expected time.Time, but got int");
    base.put("rangeQuery", Map.of("start", "now()", "end", "now()", "step", "soon"));
    assertThatThrownBy(() -> measure(base))
        .hasMessage("failed to parse rangeQuery.step as duration: time: invalid duration \"soon\"");
  }

  @Test
  void prometheusErrorsWarningsAndUnsupportedTypesAreReportedWithTheirText() {
    assertThatThrownBy(() -> query("bad("))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("bad_data: 1:5: parse error: unclosed left parenthesis");
    assertThatThrownBy(() -> query("overloaded"))
        .hasMessage("server_error: server error: 503 (too many queries)");
    assertThatThrownBy(() -> query("string")).hasMessage("Prometheus metric type not supported");

    MeasuredValue warned = query("warned");
    assertThat(warned.value()).isEqualTo("2");
    assertThat(warned.metadata())
        .containsExactly(Map.entry("warnings", "\"partial response\", \"too many series\""));
  }

  @Test
  void aServerThatOnlyAllowsGetIsAskedAgainWithGet() {
    MeasuredValue measured =
        measure(Map.of("address", address() + "/get-only/", "query", "scalar"));

    assertThat(measured.result()).isEqualTo(0.995);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0))
        .containsEntry("_method", "GET")
        .containsEntry("_path", "/get-only/api/v1/query");
  }

  @Test
  void timeoutsAndRefusedConnectionsAreErrorsNamingTheServer() throws IOException {
    assertThatThrownBy(() -> measure(Map.of("address", address(), "query", "hang", "timeout", 1L)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("/api/v1/query: context deadline exceeded (timeout 1s)");
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    assertThatThrownBy(() -> measure(Map.of("address", "http://127.0.0.1:" + closed, "query", "x")))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("http://127.0.0.1:" + closed + "/api/v1/query")
        .hasMessageContaining("ConnectException");
  }

  @Test
  void theAddressMustBeAUrlAndMayComeFromTheControllersDefault() {
    assertThatThrownBy(() -> measure(Map.of("query", "scalar")))
        .hasMessageContaining("address is not configured");
    assertThatThrownBy(() -> measure(Map.of("address", "prometheus:9090", "query", "scalar")))
        .hasMessageContaining("is not a URL");
    assertThatThrownBy(() -> measure(Map.of("address", address(), "query", "x", "timeout", -1L)))
        .hasMessageContaining("timeout should not be negative");

    PrometheusMetricProvider withDefault =
        PrometheusMetricProvider.builder().defaultAddress(address()).build();
    assertThat(
            withDefault
                .measure(new MetricRequest("m", "prometheus", Map.of("query", "scalar"), NOW))
                .result())
        .isEqualTo(0.995);
    assertThatThrownBy(() -> PrometheusMetricProvider.builder().defaultAddress("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultAddress");
  }

  @Test
  void headersAreSentWithEveryQuery() {
    measure(
        Map.of(
            "address",
            address(),
            "query",
            "scalar",
            "headers",
            List.of(Map.of("key", "X-Scope-OrgID", "value", "team-a"))));

    assertThat(requests.get(0)).containsEntry("_tenant", "team-a");
  }

  @Test
  void oauth2TokensAreFetchedWithClientCredentialsAndReusedUntilTheyExpire() {
    Map<String, Object> spec =
        Map.of(
            "address",
            address(),
            "query",
            "scalar",
            "authentication",
            Map.of(
                "oauth2",
                Map.of(
                    "tokenUrl",
                    address() + "/token",
                    "clientId",
                    "rollouts",
                    "clientSecret",
                    "s3cr/t",
                    "scopes",
                    List.of("metrics.read"))));

    measure(spec);
    clock.advance(Duration.ofSeconds(45));
    measure(spec);
    clock.advance(Duration.ofSeconds(10)); // 55 s: within 10 s of expiry, a new token
    measure(spec);

    assertThat(tokensIssued.get()).isEqualTo(2);
    assertThat(requests)
        .extracting(r -> r.get("_authorization"))
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
  }

  @Test
  void oauth2WithoutClientCredentialsOrWithWrongOnesIsAnError() {
    assertThatThrownBy(
            () ->
                measure(
                    Map.of(
                        "address",
                        address(),
                        "query",
                        "scalar",
                        "authentication",
                        Map.of("oauth2", Map.of("tokenUrl", address() + "/token")))))
        .hasMessageContaining("needs clientId and clientSecret");
    assertThatThrownBy(
            () ->
                measure(
                    Map.of(
                        "address",
                        address(),
                        "query",
                        "scalar",
                        "authentication",
                        Map.of(
                            "oauth2",
                            Map.of(
                                "tokenUrl",
                                address() + "/token",
                                "clientId",
                                "rollouts",
                                "clientSecret",
                                "wrong")))))
        .hasMessageContaining("oauth2: cannot fetch token")
        .hasMessageContaining("401")
        .hasMessageContaining("invalid_client");
    assertThat(requests).isEmpty();
  }

  @Test
  void sigv4ForAmazonManagedPrometheusIsNotSupportedAndSaysSo() {
    assertThatThrownBy(
            () ->
                measure(
                    Map.of(
                        "address",
                        "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1",
                        "query",
                        "scalar",
                        "authentication",
                        Map.of("sigv4", Map.of("region", "eu-west-1")))))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("sigv4")
        .hasMessageContaining("not supported");
  }

  /** A clock the test moves by hand: token expiry without waiting. */
  private static final class SteppedClock extends java.time.Clock {
    private volatile Instant now;

    SteppedClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void goFloatTextMatchesStrconvFormatFloat() {
    assertThat(PrometheusMetricProvider.goFloat(1.0)).isEqualTo("1");
    assertThat(PrometheusMetricProvider.goFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PrometheusMetricProvider.goFloat(1e21)).isEqualTo("1000000000000000000000");
    assertThat(PrometheusMetricProvider.goFloat(1.5e-7)).isEqualTo("0.00000015");
    assertThat(PrometheusMetricProvider.goFloat(-0.0)).isEqualTo("-0");
    assertThat(PrometheusMetricProvider.goFloat(-2.5)).isEqualTo("-2.5");
  }
}
