package io.rollout4j.analysis.providers;

import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP clients of the HTTP providers: one that verifies TLS as usual, and, built only when a
 * metric asks for {@code insecure: true} (as Argo's {@code InsecureSkipVerify}), one that accepts
 * any certificate and host name; and what the providers read from a spec or a response alike.
 */
final class HttpClients {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient secure;
  private volatile @Nullable HttpClient insecure;

  HttpClients(HttpClient secure) {
    this.secure = secure;
  }

  static HttpClient standard() {
    return HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  HttpClient get(boolean skipVerification) {
    if (!skipVerification) {
      return secure;
    }
    HttpClient client = insecure;
    if (client == null) {
      synchronized (this) {
        client = insecure;
        if (client == null) {
          client =
              HttpClient.newBuilder()
                  .connectTimeout(CONNECT_TIMEOUT)
                  .followRedirects(HttpClient.Redirect.NORMAL)
                  .sslContext(trustingEverything())
                  .build();
          insecure = client;
        }
      }
    }
    return client;
  }

  private static SSLContext trustingEverything() {
    // An extended trust manager is asked about the host name too, so accepting here also skips
    // the host name check, as InsecureSkipVerify does.
    TrustManager accepting =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {accepting}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  /** A provider spec's {@code headers} ({@code [{key, value}]}), in order. */
  static List<Map.Entry<String, String>> headers(Map<String, Object> spec) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (spec.get("headers") instanceof List<?> headers) {
      for (Object header : headers) {
        if (header instanceof Map<?, ?> h
            && h.get("key") instanceof String key
            && h.get("value") instanceof String value) {
          out.add(Map.entry(key, value));
        }
      }
    }
    return out;
  }

  /** A response body for an error message: {@code " (first 200 characters…)"}, or nothing. */
  static String excerpt(@Nullable String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return " (" + (oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine) + ")";
  }
}
