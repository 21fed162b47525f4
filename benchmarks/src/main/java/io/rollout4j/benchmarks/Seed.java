package io.rollout4j.benchmarks;

import io.rollout4j.testkit.RolloutHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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

  /** SkyWalking's data for a healthy canary: four minutes of apdex 9950. */
  static Map<String, Object> healthyApdex() {
    Map<String, Object> point = Map.of("value", 9950);
    Map<String, Object> series = new LinkedHashMap<>();
    series.put("label", null);
    series.put("values", Map.of("values", List.of(point, point, point, point)));
    return Map.of("service_apdex", series);
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
