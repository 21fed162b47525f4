package io.rollout4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Bookinfo seed's manifests from the shared conformance corpus. */
final class Seed {
  private Seed() {}

  static final String NAMESPACE = "bookinfo";
  static final String ROLLOUT = "reviews-rollout";
  static final String V1_IMAGE = "docker.io/istio/examples-bookinfo-reviews-v1:1.16.4";
  static final String V2_IMAGE = "docker.io/istio/examples-bookinfo-reviews-v2:1.16.4";

  static String read(String relative) {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    try {
      return Files.readString(
          root.resolve("conformance").resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bookinfo with the reviews Deployment scaled to 0, as the seed article describes it. */
  static String bookinfo() {
    return read("tse-gitops-demo/variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml");
  }

  /** A harness holding Bookinfo, the Istio objects, the AnalysisTemplate and the Rollout. */
  static RolloutHarness deployed() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(NAMESPACE, bookinfo());
    harness.apply(NAMESPACE, read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(NAMESPACE, read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    harness.apply(NAMESPACE, read("tse-gitops-demo/argo/rollout/rollout.yaml"));
    harness.metrics().script("skywalking", request -> apdex(9950));
    return harness;
  }

  /** SkyWalking's readMetricsValues data for an apdex of {@code value} (x10,000) per minute. */
  static java.util.Map<String, Object> apdex(int value) {
    java.util.Map<String, Object> values =
        java.util.Map.of(
            "values",
            java.util.List.of(
                java.util.Map.of("value", Integer.toString(value)),
                java.util.Map.of("value", Integer.toString(value))));
    java.util.Map<String, Object> series = new java.util.LinkedHashMap<>();
    series.put("label", null);
    series.put("values", values);
    return java.util.Map.of("service_apdex", series);
  }

  /** {@code spec.replicas} of the rollout's ReplicaSet with this pod-template hash, -1 if none. */
  static int replicasOf(RolloutHarness harness, String hash) {
    for (io.rollout4j.model.Resource r : harness.cluster().list("ReplicaSet", NAMESPACE)) {
      io.rollout4j.model.GenericResource rs = (io.rollout4j.model.GenericResource) r;
      if (hash.equals(rs.metadata().labels().get("rollouts-pod-template-hash"))) {
        return ((Number) rs.path("spec", "replicas")).intValue();
      }
    }
    return -1;
  }

  /** GitOps pushes the v2 image of reviews. */
  static void pushV2(RolloutHarness harness) {
    harness.apply(NAMESPACE, bookinfo().replace(V1_IMAGE, V2_IMAGE));
  }
}
