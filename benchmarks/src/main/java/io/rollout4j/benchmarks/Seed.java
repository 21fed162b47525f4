package io.rollout4j.benchmarks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rollout4j.testkit.RolloutHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The Bookinfo seed from the shared conformance corpus, as the benchmarks use it. */
final class Seed {
  private Seed() {}

  static final String V1 = "docker.io/istio/examples-bookinfo-reviews-v1:1.16.4";
  static final String V2 = "docker.io/istio/examples-bookinfo-reviews-v2:1.16.4";

  static Path conformance() {
    return Path.of(System.getProperty("rollout4j.shared.dir", "../shared")).resolve("conformance");
  }

  static String read(String relative) {
    try {
      return Files.readString(conformance().resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String bookinfo() {
    return read("tse-gitops-demo/variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml");
  }

  /** The seed deployed in {@code namespace} of {@code harness}, SkyWalking answering healthy. */
  static void deploy(RolloutHarness harness, String namespace) {
    harness.apply(namespace, bookinfo());
    harness.apply(namespace, read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(namespace, read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    harness.apply(namespace, read("tse-gitops-demo/argo/rollout/rollout.yaml"));
  }

  static void pushV2(RolloutHarness harness, String namespace) {
    harness.apply(namespace, bookinfo().replace(V1, V2));
  }

  private static final ObjectMapper PROVIDER_JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /**
   * SkyWalking's data for a healthy canary, four minutes of apdex 9950, read from JSON as the
   * provider reads OAP's answer (ordered maps, integers as longs).
   */
  static Map<String, Object> healthyApdex() {
    String point = "{\"value\": 9950}";
    String data =
        "{\"service_apdex\": {\"label\": null, \"values\": {\"values\": ["
            + String.join(", ", point, point, point, point)
            + "]}}}";
    try {
      return PROVIDER_JSON.readValue(data, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A harness with the seed canary at 40% (step 5 of 10), in its third pause. */
  static RolloutHarness midCanary() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("skywalking", request -> healthyApdex());
    deploy(harness, "bookinfo");
    harness.advance(Duration.ofMinutes(1));
    pushV2(harness, "bookinfo");
    harness.advance(Duration.ofMinutes(17));
    return harness;
  }
}
