package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a failed assertion says: the expectation, and what the rollout is doing instead. */
class RolloutAssertTest {
  @Test
  void failuresDescribeTheRolloutsState() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));
    RolloutHandle reviews = harness.handle(Seed.NAMESPACE, Seed.ROLLOUT);

    RolloutAssert.assertThat(reviews).isAtStep(1).isPaused().hasCanaryWeight(10);
    assertThatThrownBy(() -> RolloutAssert.assertThat(reviews).isAtStep(3))
        .hasMessage(
            "Expected rollout bookinfo/reviews-rollout at step 3, but it is at step 1 (phase"
                + " Paused, step 1, message \"CanaryPauseStep\")");
    assertThatThrownBy(() -> RolloutAssert.assertThat(reviews).hasCanaryWeight(20))
        .hasMessageStartingWith(
            "Expected rollout bookinfo/reviews-rollout to send 20% of traffic to its canary, but it"
                + " sends 10%");
    assertThatThrownBy(() -> RolloutAssert.assertThat(reviews).isFullyPromoted())
        .hasMessageContaining("fully promoted");
    assertThatThrownBy(() -> RolloutAssert.assertThat(reviews).isAborted())
        .hasMessageContaining("to be aborted, but it is not");
  }

  @Test
  void aRolloutWithoutStatusSaysSo() {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:1}]}
          strategy: {canary: {}}
        """);

    assertThatThrownBy(() -> RolloutAssert.assertThat(harness.handle("default", "web")).isHealthy())
        .hasMessage("Expected rollout default/web to have a status, but it has none yet");
  }
}
