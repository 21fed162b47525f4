package io.rollout4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.testkit.RolloutHarness;
import io.rollout4j.testkit.RolloutHarnessExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a platform team's own unit test looks like: their rollout and analysis (here the ones {@link
 * EmbeddedController} builds) run by the engine on the testkit's fake cluster, mesh and metrics, in
 * virtual time; SkyWalking's answers are scripted.
 */
@ExtendWith(RolloutHarnessExtension.class)
class CheckoutCanaryTest {

  /** An MQE time series as OAP returns it for the typed apdex check, one point per minute. */
  private static Map<String, Object> apdex(String... values) {
    List<Map<String, Object>> points =
        java.util.Arrays.stream(values)
            .map(v -> java.util.Collections.<String, Object>singletonMap("value", v))
            .toList();
    return Map.of(
        "apdex",
        Map.of(
            "type",
            "TIME_SERIES_VALUES",
            "results",
            List.of(Map.of("metric", Map.of("labels", List.of()), "values", points))));
  }

  private static void deploy(RolloutHarness harness) {
    harness.apply("shop", Manifests.toYaml(EmbeddedController.apdexTemplate()));
    harness.apply(
        "shop",
        """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata: {name: checkout}
        spec:
          hosts: [checkout]
          http:
          - route:
            - destination: {host: checkout, subset: stable}
              weight: 100
            - destination: {host: checkout, subset: canary}
              weight: 0
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: checkout}
        spec:
          host: checkout
          subsets:
          - {name: stable, labels: {app: checkout}}
          - {name: canary, labels: {app: checkout}}
        """);
    harness.apply("shop", Manifests.toYaml(EmbeddedController.checkoutRollout("checkout:1")));
    harness.advance(Duration.ofMinutes(1));
    harness.apply("shop", Manifests.toYaml(EmbeddedController.checkoutRollout("checkout:2")));
  }

  private static Rollout checkout(RolloutHarness harness) {
    return harness.rollout("shop", "checkout");
  }

  @Test
  void aHealthyCanaryIsPromotedEvenWhenTheCurrentMinuteIsEmpty(RolloutHarness harness) {
    harness.metrics().script("skywalking", request -> apdex("10000", "9950", null));
    deploy(harness);

    harness.advance(Duration.ofMinutes(15));

    assertThat(checkout(harness).status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.mesh().history("shop", "checkout"))
        .extracting(a -> a.split().canaryWeight())
        .containsSubsequence(10, 50, 100, 0);
  }

  @Test
  void aSlowCanaryIsAbortedAndTrafficGoesBack(RolloutHarness harness) {
    harness.metrics().script("skywalking", request -> apdex("9000", "8800"));
    deploy(harness);

    harness.advance(Duration.ofMinutes(30));

    Rollout rollout = checkout(harness);
    assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(rollout.status().isAborted()).isTrue();
    assertThat(harness.mesh().current("shop", "checkout").orElseThrow().canaryWeight()).isZero();
  }
}
