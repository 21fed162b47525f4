package io.rollout4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.testkit.RolloutAssert;
import io.rollout4j.testkit.RolloutHandle;
import io.rollout4j.testkit.RolloutHarness;
import io.rollout4j.testkit.RolloutHarnessExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's testkit quick start, as written there, on the seed's own manifests. */
@ExtendWith(RolloutHarnessExtension.class)
class ReviewsCanaryTest {
  private static final Path SEED = Path.of("..", "..", "shared", "conformance", "tse-gitops-demo");

  private static String read(String relative) throws IOException {
    return Files.readString(SEED.resolve(relative));
  }

  /** SkyWalking's readMetricsValues answer for an apdex of {@code value} (x10,000). */
  private static Map<String, Object> apdex(int value) {
    Map<String, Object> point = Map.of("value", Integer.toString(value));
    Map<String, Object> series = new java.util.HashMap<>();
    series.put("label", null);
    series.put("values", Map.of("values", List.of(point, point)));
    return Map.of("service_apdex", series);
  }

  @Test
  void canaryPromotes(RolloutHarness harness) throws IOException {
    String bookinfoYaml = read("variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml");
    String istioYaml = read("argo/tse/conf.yaml");
    String analysisTemplateYaml = read("argo/rollout/analysis.yaml");
    String rolloutYaml = read("argo/rollout/rollout.yaml");

    harness.metrics().script("skywalking", request -> apdex(9950)); // what OAP would answer
    harness
        .apply("bookinfo", bookinfoYaml)
        .apply("bookinfo", istioYaml)
        .apply("bookinfo", analysisTemplateYaml) // the apdex template
        .apply("bookinfo", rolloutYaml);
    harness.advance(Duration.ofMinutes(1)); // revision 1 comes up Healthy
    harness.apply("bookinfo", bookinfoYaml.replace("reviews-v1", "reviews-v2"));
    RolloutHandle reviews = harness.handle("bookinfo", "reviews-rollout");
    harness.advance(Duration.ofMinutes(1));
    RolloutAssert.assertThat(reviews).isAtStep(1).hasCanaryWeight(10).isPaused();
    reviews.promote(); // skip the 10-minute pause
    harness.advance(Duration.ofMinutes(40)); // the rest of the canary, in milliseconds
    RolloutAssert.assertThat(reviews).isFullyPromoted();
    assertThat(harness.mesh().history("bookinfo", "reviews-rollout"))
        .extracting(a -> a.split().canaryWeight())
        .containsSubsequence(10, 20, 40, 60, 80, 100, 0);
  }
}
