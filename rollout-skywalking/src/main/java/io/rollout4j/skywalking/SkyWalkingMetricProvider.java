package io.rollout4j.skywalking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.analysis.providers.MeasurementProvider;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Argo's {@code skywalking} provider: the metric's GraphQL {@code query} is POSTed to {@code
 * {address}/graphql} with one variable, {@code duration} = {start: now − interval, end: now, step:
 * MINUTE}, and the response's {@code data} object is the {@code result} the conditions see, so the
 * seed's {@code all(result.service_apdex.values.values, {asFloat(.value) >= 9900})} works as in
 * Argo.
 *
 * <p>Times are written as OAP reads them, {@code yyyy-MM-dd HHmm} without a zone, in {@link
 * Builder#timeZone} (UTC by default, the zone of the usual OAP container; Argo uses the
 * controller's local zone). A GraphQL {@code errors} array (every message, not only the first), an
 * HTTP error, a body that is not JSON, a refused connection or a timeout (10 s by default, Argo: 30
 * s) make the measurement an Error with the server's message. One {@link HttpClient} per provider
 * instance; measurements share its connections and no thread is started per measurement.
 */
public final class SkyWalkingMetricProvider implements MeasurementProvider {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HHmm");
  private static final int MAX_MESSAGE = 300;

  private final HttpClient client;
  private final Duration timeout;
  private final ZoneId timeZone;

  private SkyWalkingMetricProvider(Builder builder) {
    this.timeout = builder.timeout;
    this.timeZone = builder.timeZone;
    this.client =
        builder.client != null
            ? builder.client
            : HttpClient.newBuilder()
                .connectTimeout(builder.timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
  }

  /** A provider with the defaults (UTC, 10 s timeout); what ServiceLoader discovery creates. */
  public SkyWalkingMetricProvider() {
    this(new Builder());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link SkyWalkingMetricProvider}; every setter checks its argument. */
  public static final class Builder {
    private Duration timeout = Duration.ofSeconds(10);
    private ZoneId timeZone = ZoneOffset.UTC;
    private @Nullable HttpClient client;

    private Builder() {}

    /** How long one query may take, connection included; 1 ms to 5 min. Default 10 s. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative()
          || timeout.isZero()
          || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("timeout: expected 1ms..5m but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The zone OAP reads the {@code duration} times in (its JVM's default zone). Default UTC. */
    public Builder timeZone(ZoneId timeZone) {
      this.timeZone = Objects.requireNonNull(timeZone, "timeZone");
      return this;
    }

    /** The HTTP client to use (proxies, TLS, an executor of your own); one is built otherwise. */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    public SkyWalkingMetricProvider build() {
      return new SkyWalkingMetricProvider(this);
    }
  }

  @Override
  public String type() {
    return "skywalking";
  }

  @Override
  public @Nullable Object measure(MetricRequest request) {
    Map<String, Object> spec = request.provider();
    String address = required(spec, "address");
    String query = required(spec, "query");
    String intervalText = required(spec, "interval");
    Duration interval =
        DurationStrings.parseGo(intervalText)
            .filter(d -> !d.isNegative())
            .orElseThrow(
                () ->
                    new UnavailableException(
                        "skywalking provider: interval: expected a duration such as 3m but was '"
                            + intervalText
                            + "'"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", Map.of("duration", duration(request.now(), interval)));
    URI uri;
    try {
      uri = URI.create(address + "/graphql");
    } catch (IllegalArgumentException e) {
      throw new UnavailableException(
          "skywalking provider: address: invalid URL '" + address + "': " + e.getMessage());
    }
    HttpRequest.Builder http =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Accept", "application/json; charset=utf-8");
    addHeaders(http, spec.get("headers"));
    try {
      http.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    } catch (JsonProcessingException e) {
      throw new UnavailableException("skywalking provider: cannot build the request: " + e);
    }
    HttpResponse<String> response = send(http.build(), uri);
    return dataOf(response);
  }

  /**
   * The spec's {@code headers} ({@code [{key, value}]}). Values usually hold a credential from a
   * Secret-backed argument, so no message ever includes one, only the header's name.
   */
  private static void addHeaders(HttpRequest.Builder http, @Nullable Object headers) {
    if (headers == null) {
      return;
    }
    if (!(headers instanceof List<?> list)) {
      throw new UnavailableException(
          "skywalking provider: headers: expected a list of {key, value}");
    }
    for (int i = 0; i < list.size(); i++) {
      Object key = list.get(i) instanceof Map<?, ?> header ? header.get("key") : null;
      Object value = list.get(i) instanceof Map<?, ?> header ? header.get("value") : null;
      if (!(key instanceof String name) || name.isBlank() || !(value instanceof String text)) {
        throw new UnavailableException(
            "skywalking provider: headers[" + i + "]: expected a key and a value");
      }
      try {
        http.setHeader(name, text);
      } catch (IllegalArgumentException e) {
        throw new UnavailableException(
            "skywalking provider: headers["
                + i
                + "]: header '"
                + name
                + "' cannot be set (restricted name or illegal characters in its value)");
      }
    }
  }

  /** The {@code duration} variable: the look-back window ending now, to the minute. */
  Map<String, Object> duration(Instant now, Duration interval) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES);
    Instant start = now.minus(interval).truncatedTo(ChronoUnit.MINUTES);
    Map<String, Object> duration = new LinkedHashMap<>();
    duration.put("start", MINUTE.format(start.atZone(timeZone)));
    duration.put("end", MINUTE.format(end.atZone(timeZone)));
    duration.put("step", "MINUTE");
    return duration;
  }

  private HttpResponse<String> send(HttpRequest http, URI uri) {
    try {
      return client.send(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new UnavailableException(
          "skywalking provider: POST " + uri + " timed out after " + timeout.toMillis() + "ms", e);
    } catch (IOException e) {
      throw new UnavailableException("skywalking provider: POST " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("skywalking provider: interrupted", e);
    }
  }

  private static @Nullable Object dataOf(HttpResponse<String> response) {
    String text = response.body() == null ? "" : response.body();
    Object json;
    try {
      json =
          text.isBlank()
              ? null
              : MeasurementProvider.withGoNumbers(JSON.readValue(text, Object.class));
    } catch (JsonProcessingException e) {
      json = null;
      if (response.statusCode() == 200) {
        throw new UnavailableException(
            "skywalking provider: decoding response: " + abbreviate(e.getOriginalMessage()));
      }
    }
    if (json instanceof Map<?, ?> map
        && map.get("errors") instanceof List<?> errors
        && !errors.isEmpty()) {
      List<String> messages = new ArrayList<>();
      for (Object error : errors) {
        Object message = error instanceof Map<?, ?> m ? m.get("message") : error;
        messages.add(String.valueOf(message));
      }
      throw new UnavailableException("graphql: " + abbreviate(String.join("; ", messages)));
    }
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new UnavailableException(
          "graphql: server returned a non-200 status code: "
              + response.statusCode()
              + (text.isBlank() ? "" : " (" + abbreviate(text) + ")"));
    }
    Object data = json instanceof Map<?, ?> map ? map.get("data") : null;
    if (data == null) {
      throw new UnavailableException("no results returned from SkyWalking query");
    }
    requireNoExpressionErrors(data);
    return data;
  }

  /**
   * MQE reports a bad expression (unknown metric, syntax) not as a GraphQL error but as an {@code
   * execExpression} result of type {@code UNKNOWN} with an {@code error}; that is an Error
   * measurement with OAP's message rather than a result that merely fails the condition.
   */
  private static void requireNoExpressionErrors(Object data) {
    if (!(data instanceof Map<?, ?> fields)) {
      return;
    }
    List<String> messages = new ArrayList<>();
    fields.forEach(
        (alias, value) -> {
          if (value instanceof Map<?, ?> result
              && "UNKNOWN".equals(result.get("type"))
              && result.get("error") instanceof String error
              && !error.isBlank()) {
            messages.add(alias + ": " + error);
          }
        });
    if (!messages.isEmpty()) {
      throw new UnavailableException("mqe: " + abbreviate(String.join("; ", messages)));
    }
  }

  private static String required(Map<String, Object> spec, String field) {
    if (spec.get(field) instanceof String value && !value.isBlank()) {
      return value;
    }
    throw new UnavailableException(
        "skywalking provider: " + field + " is required (got " + spec.get(field) + ")");
  }

  private static String abbreviate(@Nullable String text) {
    String oneLine = String.valueOf(text).strip().replaceAll("\\s+", " ");
    return oneLine.length() > MAX_MESSAGE ? oneLine.substring(0, MAX_MESSAGE) + "…" : oneLine;
  }
}
