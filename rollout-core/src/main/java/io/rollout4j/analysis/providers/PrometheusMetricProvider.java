package io.rollout4j.analysis.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.expr.ExprException;
import io.rollout4j.expr.TimeExpression;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.port.MeasuredValue;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Argo's {@code prometheus} provider: an instant query at the measurement's time ({@code
 * /api/v1/query}) or, with {@code rangeQuery}, a range query whose {@code start} and {@code end}
 * are expressions such as {@code now() - duration("10m")}. The conditions see what Argo gives them:
 * a scalar as a number, a vector as a list of numbers (Go's {@code []float64}, one per series), a
 * matrix as the list of every sample of every series; NaN and ±Inf stay floats. The measurement's
 * value is Argo's text ({@code 0.99}, {@code [0.99,1]}), the warnings Prometheus returned are its
 * metadata, and the metric's result records the resolved query.
 *
 * <p>{@code address} (or, when a metric has none, the {@code ARGO_ROLLOUTS_PROMETHEUS_ADDRESS}
 * environment variable, as in Argo), {@code timeout} in seconds (30 by default), {@code headers},
 * {@code insecure} and {@code authentication.oauth2} (client credentials; the token is cached until
 * it expires) are honoured. {@code authentication.sigv4} for Amazon Managed Prometheus is not
 * supported and says so. Prometheus' own errors ({@code bad_data: ...}), non-2xx answers, timeouts
 * and refused connections become Error measurements with their text.
 */
public final class PrometheusMetricProvider implements MeasurementProvider {
  static final String ADDRESS_VARIABLE = "ARGO_ROLLOUTS_PROMETHEUS_ADDRESS";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpClients clients;
  private final OAuth2ClientCredentials oauth2;
  private final @Nullable String defaultAddress;

  /**
   * A provider with its own HTTP client, the wall clock for token expiry, and the default address
   * from {@code ARGO_ROLLOUTS_PROMETHEUS_ADDRESS} when it is set.
   */
  public PrometheusMetricProvider() {
    this(builder());
  }

  private PrometheusMetricProvider(Builder builder) {
    this.clients = new HttpClients(builder.client);
    this.oauth2 = new OAuth2ClientCredentials(builder.clock);
    this.defaultAddress = builder.defaultAddress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a provider; every one has a default. */
  public static final class Builder {
    private HttpClient client = HttpClients.standard();
    private Clock clock = Clock.systemUTC();
    private @Nullable String defaultAddress = System.getenv(ADDRESS_VARIABLE);

    private Builder() {}

    /** The client for queries and token requests (its connections are reused). */
    public Builder httpClient(HttpClient client) {
      this.client = java.util.Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock OAuth2 token expiry is judged by. */
    public Builder clock(Clock clock) {
      this.clock = java.util.Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The server of metrics that name no {@code address}. */
    public Builder defaultAddress(@Nullable String address) {
      if (address != null && !address.isEmpty() && !isUrl(address)) {
        throw new IllegalArgumentException(
            "defaultAddress: expected an absolute URL such as http://prometheus:9090, got \""
                + address
                + "\"");
      }
      this.defaultAddress = address == null || address.isEmpty() ? null : address;
      return this;
    }

    public PrometheusMetricProvider build() {
      return new PrometheusMetricProvider(this);
    }
  }

  @Override
  public String type() {
    return "prometheus";
  }

  @Override
  public MeasuredValue measure(MetricRequest request) {
    Map<String, Object> spec = request.provider();
    String address = address(spec);
    String query = spec.get("query") instanceof String q ? q : "";
    Duration timeout = timeout(spec);
    if (spec.get("authentication") instanceof Map<?, ?> auth
        && auth.get("sigv4") instanceof Map<?, ?> sigv4
        && !sigv4.isEmpty()
        && address.contains("aps-workspaces")) {
      throw new UnavailableException(
          "prometheus provider: authentication.sigv4 (Amazon Managed Prometheus) is not supported"
              + " by Rollout4j; use authentication.oauth2 or headers");
    }
    HttpClient client = clients.get(Boolean.TRUE.equals(spec.get("insecure")));
    Map<String, String> headers = new LinkedHashMap<>();
    String authorization =
        oauth2.authorization("prometheus", spec.get("authentication"), client, timeout);
    if (authorization != null) {
      headers.put("Authorization", authorization);
    }
    HttpClients.headers(spec).forEach(h -> headers.put(h.getKey(), h.getValue()));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("query", query);
    String endpoint;
    if (spec.get("rangeQuery") instanceof Map<?, ?> range) {
      endpoint = "/api/v1/query_range";
      form.put("start", seconds(time(range.get("start"), "start", request.now())));
      form.put("end", seconds(time(range.get("end"), "end", request.now())));
      Object stepText = range.get("step");
      Duration step =
          DurationStrings.parseGo(stepText == null ? "" : String.valueOf(stepText))
              .orElseThrow(
                  () ->
                      new UnavailableException(
                          "failed to parse rangeQuery.step as duration: time: invalid duration \""
                              + (stepText == null ? "" : stepText)
                              + "\""));
      form.put(
          "step",
          new BigDecimal(step.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString());
    } else {
      endpoint = "/api/v1/query";
      form.put("time", seconds(request.now()));
    }
    URI uri = endpoint(address, endpoint);
    String body = encode(form);
    HttpResponse<String> response = send(client, post(uri, body, headers, timeout), uri, timeout);
    if (response.statusCode() == 405 || response.statusCode() == 501) {
      URI get = URI.create(uri + "?" + body);
      response = send(client, get(get, headers, timeout), uri, timeout);
    }
    return decode(response, query);
  }

  private String address(Map<String, Object> spec) {
    String address = spec.get("address") instanceof String a ? a : "";
    if (!address.isEmpty()) {
      if (!isUrl(address)) {
        throw new UnavailableException(
            "prometheus provider: address \""
                + address
                + "\" is not a URL (expected a scheme and a host, e.g. http://prometheus:9090)");
      }
      return address;
    }
    if (defaultAddress != null) {
      return defaultAddress;
    }
    throw new UnavailableException(
        "prometheus provider: address is not configured (set provider.prometheus.address or "
            + ADDRESS_VARIABLE
            + " for the controller)");
  }

  private static Duration timeout(Map<String, Object> spec) {
    Object value = spec.get("timeout");
    if (value == null) {
      return DEFAULT_TIMEOUT;
    }
    if (!(value instanceof Number n) || n.longValue() < 0) {
      throw new UnavailableException(
          "prometheus provider: timeout should not be negative (seconds, got " + value + ")");
    }
    return n.longValue() == 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(n.longValue());
  }

  private static Instant time(@Nullable Object expression, String field, Instant now) {
    String text = expression == null ? "" : String.valueOf(expression);
    try {
      return TimeExpression.compile(text).evaluate(now);
    } catch (ExprException e) {
      throw new UnavailableException(
          "failed to parse rangeQuery." + field + " as time: " + e.getMessage());
    }
  }

  private static boolean isUrl(String text) {
    try {
      URI uri = new URI(text);
      return uri.getScheme() != null && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The API endpoint under the address, keeping a path prefix (a server behind a proxy). */
  private static URI endpoint(String address, String path) {
    String base = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    return URI.create(base + path);
  }

  /** Seconds since the epoch with the fraction, as Prometheus' clients send a time. */
  static String seconds(Instant instant) {
    return new BigDecimal(instant.getEpochSecond())
        .add(new BigDecimal(instant.getNano()).movePointLeft(9))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String encode(Map<String, String> form) {
    StringJoiner out = new StringJoiner("&");
    form.forEach(
        (k, v) ->
            out.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return out.toString();
  }

  private static HttpRequest post(
      URI uri, String form, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    headers.forEach(b::setHeader);
    return b.build();
  }

  private static HttpRequest get(URI uri, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    headers.forEach(b::setHeader);
    return b.build();
  }

  private static HttpResponse<String> send(
      HttpClient client, HttpRequest request, URI uri, Duration timeout) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new UnavailableException(
          "prometheus provider: "
              + uri
              + ": context deadline exceeded (timeout "
              + timeout.toSeconds()
              + "s)",
          e);
    } catch (IOException e) {
      throw new UnavailableException("prometheus provider: " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("prometheus provider: interrupted", e);
    }
  }

  /** The answer as Prometheus' Go client reads it, then as Argo hands it on. */
  private static MeasuredValue decode(HttpResponse<String> response, String query) {
    int code = response.statusCode();
    boolean apiError = code == 400 || code == 422;
    if (code / 100 != 2 && !apiError) {
      String kind =
          switch (code / 100) {
            case 4 -> "client_error: client error: " + code;
            case 5 -> "server_error: server error: " + code;
            default -> "bad_response: bad response code " + code;
          };
      throw new UnavailableException(kind + HttpClients.excerpt(response.body()));
    }
    Map<?, ?> body;
    try {
      body = code == 204 ? Map.of() : JSON.readValue(response.body(), Map.class);
    } catch (JsonProcessingException e) {
      throw new UnavailableException(
          "bad_response: " + e.getOriginalMessage() + HttpClients.excerpt(response.body()));
    }
    if ("error".equals(body.get("status"))) {
      throw new UnavailableException(body.get("errorType") + ": " + body.get("error"));
    }
    if (apiError) {
      throw new UnavailableException("bad_response: inconsistent body for response code");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    if (body.get("warnings") instanceof List<?> warnings && !warnings.isEmpty()) {
      StringJoiner joined = new StringJoiner(", ");
      warnings.forEach(w -> joined.add("\"" + w + "\""));
      metadata.put("warnings", joined.toString());
    }
    Map<?, ?> data = body.get("data") instanceof Map<?, ?> d ? d : Map.of();
    Object result = data.get("result");
    String resultType = String.valueOf(data.get("resultType"));
    switch (resultType) {
      case "scalar" -> {
        double value = sample(result, query);
        return new MeasuredValue(value, goFloat(value), metadata);
      }
      case "vector" -> {
        List<Double> values = new ArrayList<>();
        for (Object series : list(result)) {
          if (series instanceof Map<?, ?> s) {
            values.add(sample(s.get("value"), query));
          }
        }
        return vector(values, metadata);
      }
      case "matrix" -> {
        List<Double> values = new ArrayList<>();
        for (Object series : list(result)) {
          if (series instanceof Map<?, ?> s) {
            for (Object point : list(s.get("values"))) {
              values.add(sample(point, query));
            }
          }
        }
        return vector(values, metadata);
      }
      default -> throw new UnavailableException("Prometheus metric type not supported");
    }
  }

  private static List<?> list(@Nullable Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  private static MeasuredValue vector(List<Double> values, Map<String, String> metadata) {
    double[] vector = new double[values.size()];
    StringJoiner text = new StringJoiner(",", "[", "]");
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
      text.add(goFloat(vector[i]));
    }
    return new MeasuredValue(vector, text.toString(), metadata);
  }

  /** A {@code [timestamp, "value"]} pair's value. */
  private static double sample(@Nullable Object pair, String query) {
    if (pair instanceof List<?> p && p.size() == 2 && p.get(1) instanceof String text) {
      switch (text) {
        case "NaN":
          return Double.NaN;
        case "+Inf":
        case "Inf":
          return Double.POSITIVE_INFINITY;
        case "-Inf":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(text);
          } catch (NumberFormatException e) {
            break;
          }
      }
    }
    throw new UnavailableException(
        "bad_response: unreadable sample " + pair + " in the answer to " + query);
  }

  /**
   * A float as Go's {@code strconv.FormatFloat(f, 'f', -1, 64)} prints it, and ±Inf as {@code
   * +Inf}.
   */
  static String goFloat(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == 0) {
      return Double.doubleToRawLongBits(value) < 0 ? "-0" : "0";
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }
}
