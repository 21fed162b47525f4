package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A canary whose pods never become ready runs into the progress deadline. */
class ProgressDeadlineTest {

  private static RolloutHarness crashLoopingRevision(boolean abort) {
    RolloutHarness harness = Seed.deployed();
    if (abort) {
      harness.apply(
          NAMESPACE,
          Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
              .replace(
                  "  replicas: 5\n",
                  "  replicas: 5\n  progressDeadlineAbort: true\n  progressDeadlineSeconds: 120\n"));
    }
    harness.advance(Duration.ofMinutes(1));
    harness.cluster().podsNeverReady(rs -> String.valueOf(rs.body()).contains("crashloop"));
    harness.apply(NAMESPACE, Seed.bookinfo().replace(Seed.V1_IMAGE, "crashloop:1"));
    return harness;
  }

  @Test
  void noProgressForTenMinutesDegradesTheRolloutButKeepsTrafficOnStable() {
    RolloutHarness harness = crashLoopingRevision(false);

    harness.advance(Duration.ofMinutes(9));
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.PROGRESSING);
    harness.advance(Duration.ofMinutes(2));

    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message())
        .startsWith("ProgressDeadlineExceeded: ReplicaSet")
        .endsWith("has timed out progressing.");
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).map(TrafficSplit::canaryWeight))
        .contains(0);
    assertThat(status.isAborted()).isFalse();
  }

  @Test
  void progressDeadlineAbortAbortsAndScalesTheBrokenCanaryDown() {
    RolloutHarness harness = crashLoopingRevision(true);
    String broken = null;

    harness.advance(Duration.ofMinutes(3));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    broken = status.currentPodHash();
    assertThat(status.isAborted()).isTrue();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    harness.advance(Duration.ofMinutes(1));
    assertThat(Seed.replicasOf(harness, broken)).isZero();
    assertThat(Seed.replicasOf(harness, status.stableRS())).isEqualTo(5);
  }

  @Test
  void aPromotedRevisionWaitingForTheOldOneToDrainNeverTimesOutAndIsNotYetSuccessfullyProgressed() {
    RolloutHarness harness = Seed.deployed();
    // The old stable keeps its pods for 15 minutes, longer than a 2-minute deadline that aborts.
    harness.apply(
        NAMESPACE,
        Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
            .replace(
                "  replicas: 5\n",
                "  replicas: 5\n  progressDeadlineAbort: true\n  progressDeadlineSeconds: 120\n")
            .replace("    canary:\n", "    canary:\n      scaleDownDelaySeconds: 900\n"));
    harness.advance(Duration.ofMinutes(1));
    harness.apply(NAMESPACE, Seed.bookinfo().replace(Seed.V1_IMAGE, "reviews:2"));
    harness.advance(Duration.ofSeconds(20));
    harness.promoteFull(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(1));

    RolloutStatus draining = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(draining.stableRS()).isEqualTo(draining.currentPodHash());
    assertThat(condition(draining, "Progressing")).isEqualTo("True/ReplicaSetUpdated");
    assertThat(condition(draining, "Healthy")).startsWith("False");
    harness.advance(Duration.ofMinutes(10));
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().isAborted()).isFalse();
    harness.advance(Duration.ofMinutes(5));

    RolloutStatus done = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(done.isAborted()).isFalse();
    assertThat(done.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(condition(done, "Progressing")).isEqualTo("True/NewReplicaSetAvailable");
    assertThat(condition(done, "Healthy")).startsWith("True");
  }

  private static String condition(RolloutStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.status() + "/" + c.reason())
        .findFirst()
        .orElse("absent");
  }
}
