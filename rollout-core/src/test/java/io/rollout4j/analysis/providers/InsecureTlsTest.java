package io.rollout4j.analysis.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.rollout4j.port.MeasuredValue;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code insecure: true} on the HTTP providers, against an HTTPS server on the loopback interface
 * whose certificate is self-signed and names another host: refused by default, accepted when the
 * metric asks for it, as Go's {@code InsecureSkipVerify}.
 */
class InsecureTlsTest {
  @TempDir Path dir;
  private HttpsServer server;

  @BeforeEach
  void start() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process generate =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=prometheus.elsewhere.example",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    generate.getInputStream().readAllBytes();
    assertThat(generate.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(generate.exitValue()).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              (exchange.getRequestURI().getPath().startsWith("/api/v1/")
                      ? "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"1\"]}}"
                      : "{\"ok\":true}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String address() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void prometheusVerifiesTlsUnlessTheMetricIsInsecure() {
    PrometheusMetricProvider provider = PrometheusMetricProvider.builder().build();
    Map<String, Object> spec = Map.of("address", address(), "query", "up");

    assertThatThrownBy(
            () -> provider.measure(new MetricRequest("m", "prometheus", spec, Instant.now())))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("SSLHandshakeException");
    MeasuredValue measured =
        provider.measure(
            new MetricRequest(
                "m",
                "prometheus",
                Map.of("address", address(), "query", "up", "insecure", true),
                Instant.now()));
    assertThat(measured.result()).isEqualTo(1.0);
  }

  @Test
  void webVerifiesTlsUnlessTheMetricIsInsecure() {
    WebMetricProvider provider = new WebMetricProvider();

    assertThatThrownBy(
            () ->
                provider.measure(
                    new MetricRequest("m", "web", Map.of("url", address() + "/x"), Instant.now())))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("SSLHandshakeException");
    assertThat(
            provider.measure(
                new MetricRequest(
                    "m",
                    "web",
                    Map.of("url", address() + "/x", "insecure", true, "jsonPath", "{$.ok}"),
                    Instant.now())))
        .isEqualTo(true);
  }
}
