package io.rollout4j.analysis.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * OAuth2's client-credentials grant, as Argo's {@code authentication.oauth2} block configures it
 * for the Prometheus and web providers ({@code tokenUrl}, {@code clientId}, {@code clientSecret},
 * {@code scopes}): the token is fetched with HTTP Basic client authentication (and once more with
 * the credentials in the form when the server refuses that, as Go's oauth2 package does), then
 * reused until ten seconds before it expires. Thread-safe; one cache per provider.
 */
final class OAuth2ClientCredentials {
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private record Key(String tokenUrl, String clientId, String clientSecret, List<String> scopes) {}

  private record Token(String type, String value, Instant expiry) {}

  private final Map<Key, Token> tokens = new ConcurrentHashMap<>();
  private final Clock clock;

  OAuth2ClientCredentials(Clock clock) {
    this.clock = clock;
  }

  /**
   * The {@code Authorization} header value for the provider's {@code authentication} block, or null
   * when it configures no OAuth2 token URL.
   *
   * @throws UnavailableException when a mandatory field is missing or no token can be fetched
   */
  @Nullable String authorization(
      String provider, @Nullable Object authentication, HttpClient client, Duration timeout) {
    if (!(authentication instanceof Map<?, ?> auth)
        || !(auth.get("oauth2") instanceof Map<?, ?> oauth2)
        || !(oauth2.get("tokenUrl") instanceof String tokenUrl)
        || tokenUrl.isEmpty()) {
      return null;
    }
    String clientId = oauth2.get("clientId") instanceof String s ? s : "";
    String clientSecret = oauth2.get("clientSecret") instanceof String s ? s : "";
    if (clientId.isEmpty() || clientSecret.isEmpty()) {
      throw new UnavailableException(
          provider
              + " provider: authentication.oauth2 needs clientId and clientSecret besides"
              + " tokenUrl (missing mandatory parameter in metric for OAuth2 setup)");
    }
    List<String> scopes = new ArrayList<>();
    if (oauth2.get("scopes") instanceof List<?> list) {
      list.forEach(s -> scopes.add(String.valueOf(s)));
    }
    Key key = new Key(tokenUrl, clientId, clientSecret, List.copyOf(scopes));
    Instant now = clock.instant();
    Token token = tokens.get(key);
    if (token == null || !now.isBefore(token.expiry().minus(EXPIRY_MARGIN))) {
      token = fetch(provider, key, client, timeout, now);
      tokens.put(key, token);
    }
    return token.type() + " " + token.value();
  }

  private static Token fetch(
      String provider, Key key, HttpClient client, Duration timeout, Instant now) {
    StringBuilder form = new StringBuilder("grant_type=client_credentials");
    if (!key.scopes().isEmpty()) {
      form.append("&scope=").append(encode(String.join(" ", key.scopes())));
    }
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (encode(key.clientId()) + ":" + encode(key.clientSecret()))
                    .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response =
        post(provider, key, client, timeout, form.toString(), "Basic " + basic);
    if (response.statusCode() == 400 || response.statusCode() == 401) {
      String inForm =
          form
              + "&client_id="
              + encode(key.clientId())
              + "&client_secret="
              + encode(key.clientSecret());
      response = post(provider, key, client, timeout, inForm, null);
    }
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new UnavailableException(
          provider
              + " provider: oauth2: cannot fetch token from "
              + key.tokenUrl()
              + ": "
              + response.statusCode()
              + HttpClients.excerpt(response.body()));
    }
    Map<?, ?> body;
    try {
      body = JSON.readValue(response.body(), Map.class);
    } catch (JsonProcessingException e) {
      throw new UnavailableException(
          provider
              + " provider: oauth2: token response is not JSON"
              + HttpClients.excerpt(response.body()));
    }
    if (!(body.get("access_token") instanceof String value) || value.isEmpty()) {
      throw new UnavailableException(
          provider + " provider: oauth2: server response missing access_token");
    }
    String type =
        body.get("token_type") instanceof String t && !t.isEmpty() && !t.equalsIgnoreCase("bearer")
            ? t
            : "Bearer";
    Instant expiry =
        body.get("expires_in") instanceof Number n && n.longValue() > 0
            ? now.plusSeconds(n.longValue())
            : Instant.MAX;
    return new Token(type, value, expiry);
  }

  private static HttpResponse<String> post(
      String provider,
      Key key,
      HttpClient client,
      Duration timeout,
      String form,
      @Nullable String authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(key.tokenUrl()))
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new UnavailableException(
          provider + " provider: oauth2: token request to " + key.tokenUrl() + " timed out", e);
    } catch (IOException e) {
      throw new UnavailableException(
          provider + " provider: oauth2: token request to " + key.tokenUrl() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(provider + " provider: interrupted", e);
    } catch (IllegalArgumentException e) {
      throw new UnavailableException(
          provider + " provider: invalid oauth2 tokenUrl \"" + key.tokenUrl() + "\"", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
