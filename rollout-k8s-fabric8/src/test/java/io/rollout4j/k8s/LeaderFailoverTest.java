package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.k8s.mock.MockApiServer;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two controllers sharing a Lease: only the leader reconciles; when it stops mid-canary it releases
 * the Lease and the standby takes over and finishes. The rollout runs in virtual time; only the
 * election uses real time (fabric8's LeaderElector reads the system clock), with short lease
 * timings.
 */
class LeaderFailoverTest {
  private MockApiServer api;
  private SeedCluster seed;

  @BeforeEach
  void deploy() throws Exception {
    api = MockApiServer.start();
    seed = new SeedCluster(api);
  }

  @AfterEach
  void stop() {
    seed.close();
    api.close();
  }

  private RolloutController candidate(String identity) {
    return seed.startController(
        RolloutController.builder(seed.client)
            .leaderElection("kube-system", "rollout4j-controller", identity)
            .leaseTimings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @Test
  void theStandbyFinishesTheCanaryWhenTheLeaderStops() throws Exception {
    RolloutController first = candidate("controller-a");
    await("controller-a leads", first::isLeading);
    RolloutController second = candidate("controller-b");
    seed.drive(first);
    seed.advance(Duration.ofMinutes(1));
    String h1 = seed.status().stableRS();
    seed.pushV2();
    seed.advance(Duration.ofMinutes(12));
    assertThat(second.isLeading()).as("one leader at a time").isFalse();
    assertThat(second.runDue()).as("a standby does not reconcile").isZero();
    assertThat(second.stats().reconciles()).isZero();
    RolloutStatus midway = seed.status();
    assertThat(midway.currentStepIndex()).isBetween(1, 7);

    seed.stopActive();
    await("controller-b leads", second::isLeading);
    seed.drive(second);
    seed.advance(Duration.ofMinutes(30));

    RolloutStatus status = seed.status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.stableRS()).isNotEqualTo(h1).isEqualTo(status.currentPodHash());
    assertThat(second.stats().reconciles()).isPositive();
    assertThat(seed.list("ReplicaSet")).hasSize(2);
  }
}
