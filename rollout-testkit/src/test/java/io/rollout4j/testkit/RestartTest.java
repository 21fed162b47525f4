package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl argo rollouts restart: every pod replaced, a few at a time, availability kept. */
class RestartTest {

  @Test
  void everyPodIsReplacedOneAtATimeWithoutDroppingBelowTheFloor() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    List<Integer> available = new ArrayList<>();
    harness.afterEveryPass(
        h -> available.add(h.rollout(NAMESPACE, ROLLOUT).status().availableReplicas()));
    Instant restartedAt = harness.clock().instant();

    harness.restart(NAMESPACE, ROLLOUT);
    RolloutStatus during = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(during.phase()).isEqualTo(RolloutPhase.PROGRESSING);
    assertThat(during.message()).isEqualTo("rollout is restarting");
    harness.advance(Duration.ofMinutes(2));

    RolloutStatus after = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(after.restartedAt()).isEqualTo(restartedAt.toString());
    assertThat(after.phase()).isEqualTo(RolloutPhase.HEALTHY);
    for (Resource r : harness.cluster().list("Pod", NAMESPACE)) {
      assertThat(Instant.parse(((GenericResource) r).metadata().creationTimestamp()))
          .isAfterOrEqualTo(restartedAt);
    }
    assertThat(harness.cluster().list("Pod", NAMESPACE)).hasSize(5);
    // maxUnavailable 25% of 5 is 1: never fewer than 4 available pods.
    assertThat(available).allSatisfy(a -> assertThat(a).isGreaterThanOrEqualTo(4));
    assertThat(harness.cluster().events())
        .filteredOn(e -> e.reason().equals("RestartingPod"))
        .hasSize(5);
  }

  @Test
  void aRestartRequestedMidUpdateWaitsUntilTheUpdateIsOver() {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));

    harness.restart(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(5));
    assertThat(harness.cluster().events()).noneMatch(e -> e.reason().equals("RestartingPod"));

    harness.promoteFull(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(3));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.restartedAt()).isNotNull();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
  }
}
