package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.RolloutPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An abort with dynamicStableScale brings stable back one setWeight step at a time, as Argo does,
 * so a large rollout does not surge all of stable's pods at once; traffic follows stable's pods.
 */
class DynamicStableScaleAbortTest {

  /** The seed's Bookinfo canary with these canary fields, pushed to v2 and at its 80 % step. */
  private static RolloutHarness atEightyPercent(String canaryFields) {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("skywalking", request -> Seed.apdex(9950));
    harness.apply(NAMESPACE, Seed.bookinfo());
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    harness.apply(
        NAMESPACE,
        Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
            .replace("      canaryMetadata:", "      " + canaryFields + "\n      canaryMetadata:"));
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(26));
    return harness;
  }

  @Test
  void anAbortAtEightyPercentWalksStableAndTrafficBackThroughTheSteps() {
    RolloutHarness harness = atEightyPercent("dynamicStableScale: true");
    String stable = String.valueOf(harness.rollout(NAMESPACE, ROLLOUT).status().stableRS());
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow().canaryWeight())
        .isEqualTo(80);
    assertThat(Seed.replicasOf(harness, stable)).isEqualTo(1);

    List<Integer> stableReplicas = new ArrayList<>();
    harness.afterEveryPass(
        h -> {
          int now = Seed.replicasOf(h, stable);
          if (stableReplicas.isEmpty() || stableReplicas.get(stableReplicas.size() - 1) != now) {
            stableReplicas.add(now);
          }
        });
    int before = harness.mesh().history(NAMESPACE, ROLLOUT).size();
    harness.abort(NAMESPACE, ROLLOUT).advance(Duration.ofMinutes(5));

    // One step at a time, never 1 -> 5 at once.
    assertThat(stableReplicas).containsExactly(2, 3, 4, 5);
    List<Integer> weights =
        harness.mesh().history(NAMESPACE, ROLLOUT).stream()
            .skip(before)
            .map(a -> a.split().canaryWeight())
            .toList();
    assertThat(weights).containsExactly(60, 40, 20, 0);
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.DEGRADED);
  }

  /**
   * With abortScaleDownDelaySeconds as well, Argo 1.9.3 deadlocks (the canary's delay starts only
   * once stable is full, stable grows only as the canary shrinks): stable stops one step short and
   * that step's traffic stays on the aborted canary. Here the abort finishes: stable back to full
   * size, all traffic on stable, and only then, after the delay, the canary scaled down.
   */
  @Test
  void anAbortWithAScaleDownDelayFinishesAndScalesTheCanaryDownAfterTheDelay() {
    RolloutHarness harness =
        atEightyPercent("dynamicStableScale: true\n      abortScaleDownDelaySeconds: 60");
    String stable = String.valueOf(harness.rollout(NAMESPACE, ROLLOUT).status().stableRS());
    String canary = String.valueOf(harness.rollout(NAMESPACE, ROLLOUT).status().currentPodHash());
    assertThat(Seed.replicasOf(harness, canary)).isEqualTo(4);

    harness.abort(NAMESPACE, ROLLOUT);
    for (int i = 0;
        i < 60 && harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow().canaryWeight() > 0;
        i++) {
      harness.advance(Duration.ofSeconds(5));
    }
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow().canaryWeight())
        .as("all traffic back on stable")
        .isZero();
    assertThat(Seed.replicasOf(harness, stable)).isEqualTo(5);
    assertThat(Seed.replicasOf(harness, canary)).as("when traffic left it").isEqualTo(4);

    harness.advance(Duration.ofSeconds(50));
    assertThat(Seed.replicasOf(harness, canary)).as("within the delay").isEqualTo(4);
    harness.advance(Duration.ofSeconds(15));
    assertThat(Seed.replicasOf(harness, canary)).as("after the delay").isZero();
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.DEGRADED);
  }
}
