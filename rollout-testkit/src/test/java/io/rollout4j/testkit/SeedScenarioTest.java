package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Bookinfo canary of the GitOps + Istio + SkyWalking demo end to end in virtual time. */
class SeedScenarioTest {

  @Test
  void revisionOneComesUpHealthyWithFivePods() {
    RolloutHarness harness = Seed.deployed();

    harness.advance(Duration.ofMinutes(1));

    Rollout rollout = harness.rollout(NAMESPACE, ROLLOUT);
    RolloutStatus status = rollout.status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.stableRS()).isEqualTo(status.currentPodHash());
    assertThat(status.availableReplicas()).isEqualTo(5);
    assertThat(status.currentStepIndex()).isEqualTo(10);
    assertThat(Seed.replicasOf(harness, status.stableRS())).isEqualTo(5);
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT))
        .contains(TrafficSplit.of(0, status.stableRS(), status.stableRS()));
  }

  @Test
  void revisionTwoWalksTheSeedTableAndPromotesAfterThirtyMinutes() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    String hash1 = harness.rollout(NAMESPACE, ROLLOUT).status().stableRS();
    Instant change = harness.clock().instant();

    Seed.pushV2(harness);
    long started = System.nanoTime();
    harness.advance(Duration.ofMinutes(40));
    long wallMillis = (System.nanoTime() - started) / 1_000_000;

    Rollout rollout = harness.rollout(NAMESPACE, ROLLOUT);
    String hash2 = rollout.status().currentPodHash();
    assertThat(hash2).isNotEqualTo(hash1);
    List<Integer> weights = new ArrayList<>();
    List<Integer> canaryPods = new ArrayList<>();
    List<Duration> at = new ArrayList<>();
    for (FakeMesh.Applied applied : harness.mesh().history(NAMESPACE, ROLLOUT)) {
      if (applied.at().isBefore(change)
          || applied.split().canaryWeight() == 0 && weights.isEmpty()) {
        continue;
      }
      weights.add(applied.split().canaryWeight());
      at.add(Duration.between(change, applied.at()));
    }
    assertThat(weights).containsExactly(10, 20, 40, 60, 80, 100, 0);
    // Each pause is honoured: 10 minutes after 10%, then 5 minutes after each of 20..80%.
    assertThat(at.get(1).minus(at.get(0)))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plusSeconds(15));
    for (int i = 2; i <= 5; i++) {
      assertThat(at.get(i).minus(at.get(i - 1)))
          .isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusSeconds(15));
    }
    // Promotion about 30 minutes after the change; stable switched; traffic back to one hash.
    assertThat(at.get(6)).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(31));
    assertThat(rollout.status().stableRS()).isEqualTo(hash2);
    assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT))
        .contains(TrafficSplit.of(0, hash2, hash2));
    assertThat(Seed.replicasOf(harness, hash2)).isEqualTo(5);
    assertThat(Seed.replicasOf(harness, hash1)).isZero();
    System.out.printf(
        "seed canary: 40 virtual minutes in %d ms wall time, %d reconciles%n",
        wallMillis, harness.reconciles());
  }

  @Test
  void canaryPodsFollowTheWeightsOneOneTwoThreeFourFive() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);

    // Every split the mesh receives, with the canary's pods at that moment.
    List<Integer> podsAtEachWeight = new ArrayList<>();
    int seen = harness.mesh().history(NAMESPACE, ROLLOUT).size();
    for (int second = 0; second < 40 * 60; second++) {
      harness.advance(Duration.ofSeconds(1));
      List<FakeMesh.Applied> history = harness.mesh().history(NAMESPACE, ROLLOUT);
      String hash2 = harness.rollout(NAMESPACE, ROLLOUT).status().currentPodHash();
      for (FakeMesh.Applied applied : history.subList(seen, history.size())) {
        if (applied.split().canaryWeight() > 0) {
          podsAtEachWeight.add(Seed.replicasOf(harness, hash2));
        }
      }
      seen = history.size();
    }

    assertThat(podsAtEachWeight).containsExactly(1, 1, 2, 3, 4, 5);
  }

  @Test
  void oldReplicaSetIsScaledDownThirtySecondsAfterPromotion() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    String hash1 = harness.rollout(NAMESPACE, ROLLOUT).status().stableRS();
    Seed.pushV2(harness);

    Instant promotedAt = null;
    for (int second = 0; second < 40 * 60 && promotedAt == null; second++) {
      harness.advance(Duration.ofSeconds(1));
      RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
      if (!hash1.equals(status.stableRS())) {
        promotedAt = harness.clock().instant();
      }
    }

    assertThat(promotedAt).isNotNull();
    harness.advance(Duration.ofSeconds(29));
    assertThat(Seed.replicasOf(harness, hash1)).isEqualTo(5);
    harness.advance(Duration.ofSeconds(2));
    assertThat(Seed.replicasOf(harness, hash1)).isZero();
  }

  @Test
  void pausedStepsShowAsPausedForArgoCd() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);

    harness.advance(Duration.ofMinutes(2));

    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(status.message()).isEqualTo("CanaryPauseStep");
    assertThat(status.currentStepIndex()).isEqualTo(1);
    assertThat(status.pauseConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.reason().argoName()).isEqualTo("CanaryPauseStep"));
    assertThat(status.canary().weights().canary().weight()).isEqualTo(10);
  }
}
