package io.rollout4j.analysis.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Argo's {@code web} provider: an HTTP request whose JSON response is the result (the node that
 * {@code jsonPath} selects, the whole body by default). A body that is not JSON is the result as a
 * string, never a crash. {@code headers}, {@code body} or {@code jsonBody}, {@code method} and
 * {@code timeoutSeconds} (10 by default), {@code insecure} (no TLS verification) and {@code
 * authentication.oauth2} (client credentials, the token cached until it expires) are honoured.
 */
public final class WebMetricProvider implements MeasurementProvider {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY = 10 * 1024 * 1024;
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final HttpClients clients;
  private final OAuth2ClientCredentials oauth2;

  /** A provider with its own HTTP client (connections reused across measurements). */
  public WebMetricProvider() {
    this(HttpClients.standard());
  }

  /** A provider sending with {@code client}; token expiry is judged by the wall clock. */
  public WebMetricProvider(HttpClient client) {
    this(client, Clock.systemUTC());
  }

  /** A provider sending with {@code client}, judging OAuth2 token expiry by {@code clock}. */
  public WebMetricProvider(HttpClient client, Clock clock) {
    this.clients = new HttpClients(client);
    this.oauth2 = new OAuth2ClientCredentials(clock);
  }

  @Override
  public String type() {
    return "web";
  }

  @Override
  public @Nullable Object measure(MetricRequest request) {
    Map<String, Object> spec = request.provider();
    if (!(spec.get("url") instanceof String url) || url.isBlank()) {
      throw new UnavailableException("web provider: url is required");
    }
    String method =
        spec.get("method") instanceof String m && !m.isBlank() ? m.toUpperCase(Locale.ROOT) : "GET";
    Duration timeout =
        spec.get("timeoutSeconds") instanceof Number n && n.longValue() > 0
            ? Duration.ofSeconds(n.longValue())
            : DEFAULT_TIMEOUT;
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    } catch (IllegalArgumentException e) {
      throw new UnavailableException(
          "web provider: invalid url \"" + url + "\": " + e.getMessage());
    }
    HttpClient client = clients.get(Boolean.TRUE.equals(spec.get("insecure")));
    String authorization = oauth2.authorization("web", spec.get("authentication"), client, timeout);
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpClients.headers(spec).forEach(h -> builder.header(h.getKey(), h.getValue()));
    String body = null;
    if (spec.get("jsonBody") != null) {
      try {
        body = JSON.writeValueAsString(spec.get("jsonBody"));
      } catch (JsonProcessingException e) {
        throw new UnavailableException(
            "web provider: jsonBody cannot be written: " + e.getOriginalMessage());
      }
      builder.header("Content-Type", "application/json");
    } else if (spec.get("body") instanceof String text) {
      body = text;
    }
    builder.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<byte[]> response;
    try {
      response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new UnavailableException(
          "web provider: " + method + " " + url + " timed out after " + timeout.toSeconds() + "s",
          e);
    } catch (IOException e) {
      throw new UnavailableException("web provider: " + method + " " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("web provider: interrupted", e);
    }
    byte[] bytes = response.body();
    String text = new String(bytes, 0, Math.min(bytes.length, MAX_BODY), StandardCharsets.UTF_8);
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new UnavailableException(
          "received non 2xx response code: " + response.statusCode() + HttpClients.excerpt(text));
    }
    Object json;
    try {
      json =
          text.isBlank()
              ? null
              : MeasurementProvider.withGoNumbers(JSON.readValue(text, Object.class));
    } catch (JsonProcessingException e) {
      return text; // not JSON: the body itself is the value (Argo issue #4535)
    }
    if (json == null) {
      return text;
    }
    String path = spec.get("jsonPath") instanceof String p && !p.isBlank() ? p : "{$}";
    return JsonPath.select(json, path);
  }
}
