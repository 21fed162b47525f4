package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import io.rollout4j.port.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Bookinfo canary's background analysis (its apdex template), scripted per service name. */
class SeedAnalysisTest {

  private static final String CANARY_SERVICE = "canary|reviews|bookinfo|cluster-1|-";

  private static AnalysisRun onlyRun(RolloutHarness harness) {
    List<io.rollout4j.model.Resource> runs = harness.cluster().list("AnalysisRun", NAMESPACE);
    assertThat(runs).hasSize(1);
    return (AnalysisRun) runs.get(0);
  }

  private static Instant startCanary(RolloutHarness harness) {
    harness.advance(Duration.ofMinutes(1));
    Instant change = harness.clock().instant();
    Seed.pushV2(harness);
    return change;
  }

  @Test
  void healthyCanaryPromotesAndTheRunSucceedsWithAboutFiveMeasurements() {
    RolloutHarness harness = Seed.deployed();
    startCanary(harness);

    harness.advance(Duration.ofMinutes(40));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.name()).startsWith("reviews-rollout-").endsWith("-2");
    assertThat(run.metadata().labels()).containsEntry("rollout-type", "Background");
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(run.status().metricResults().get(0).measurements()).hasSizeBetween(5, 6);
    assertThat(harness.metrics().requests())
        .allSatisfy(
            r -> assertThat(String.valueOf(r.provider().get("query"))).contains(CANARY_SERVICE));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.canary().currentBackgroundAnalysisRunStatus().status())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void badCanaryApdexAbortsAtTheFourthFailedMeasurement() {
    RolloutHarness harness = Seed.deployed();
    harness.metrics().script("skywalking", request -> Seed.apdex(5000));
    Instant change = startCanary(harness);

    harness.advance(Duration.ofMinutes(40));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.FAILED);
    List<Instant> measured =
        run.status().metricResults().get(0).measurements().stream()
            .map(m -> Instant.parse(m.finishedAt()))
            .toList();
    assertThat(measured).hasSize(4);
    assertThat(Duration.between(change, measured.get(0)))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
    assertThat(Duration.between(change, measured.get(3)))
        .isBetween(Duration.ofMinutes(25), Duration.ofMinutes(26));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message())
        .isEqualTo(
            "RolloutAborted: Rollout aborted update to revision 2: Background analysis phase error/failed: Metric \"apdex\""
                + " assessed Failed due to failed (4) > failureLimit (3)");
    Instant abortedAt = Instant.parse(status.abortedAt());
    assertThat(abortedAt).isEqualTo(measured.get(3));
    // Traffic went back to stable at the abort; the canary went 30 s later.
    assertThat(harness.mesh().history(NAMESPACE, ROLLOUT))
        .filteredOn(a -> !a.at().isBefore(abortedAt))
        .first()
        .satisfies(
            a -> {
              assertThat(a.at()).isEqualTo(abortedAt);
              assertThat(a.split().canaryWeight()).isZero();
            });
    assertThat(Seed.replicasOf(harness, status.currentPodHash())).isZero();
    assertThat(harness.cluster().events())
        .filteredOn(
            e ->
                e.reason().equals("ScalingReplicaSet")
                    && e.message().contains(status.currentPodHash())
                    && e.message().endsWith(" to 0"))
        .first()
        .satisfies(
            e -> assertThat(Duration.between(abortedAt, e.at())).isEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void aProviderThatThrowsAbortsAfterTheFifthConsecutiveError() {
    RolloutHarness harness = Seed.deployed();
    harness
        .metrics()
        .script(
            "skywalking",
            request -> {
              throw new UnavailableException("connection refused: oap.istio-system:12800");
            });
    Instant change = startCanary(harness);

    harness.advance(Duration.ofMinutes(15));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.ERROR);
    assertThat(run.status().metricResults().get(0).measurements())
        .hasSize(5)
        .allSatisfy(m -> assertThat(m.message()).contains("connection refused"));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.isAborted()).isTrue();
    assertThat(status.message())
        .contains("Background analysis phase error/failed: ")
        .contains("consecutiveErrors (5) > consecutiveErrorLimit (4)");
    assertThat(Duration.between(change, Instant.parse(status.abortedAt())))
        .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
  }

  @Test
  void anInconclusiveResultPausesAndPromoteResumes() {
    RolloutHarness harness = Seed.deployed();
    harness.apply(
        NAMESPACE,
        Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml")
            .replace(
                "    failureLimit: 3\n",
                "    failureLimit: 3\n    failureCondition: \"all(result.service_apdex.values.values, {asFloat(.value) < 7000})\"\n"));
    harness.metrics().script("skywalking", request -> Seed.apdex(8000));
    startCanary(harness);

    harness.advance(Duration.ofMinutes(12));

    RolloutStatus paused = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(paused.phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(paused.pauseConditions())
        .extracting(RolloutStatus.PauseCondition::reason)
        .contains(PauseReason.INCONCLUSIVE_ANALYSIS_RUN);
    assertThat(onlyRun(harness).status().phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
    harness.advance(Duration.ofMinutes(10));
    assertThat(harness.cluster().list("AnalysisRun", NAMESPACE))
        .as("nothing re-created while paused")
        .hasSize(1);

    harness.metrics().script("skywalking", request -> Seed.apdex(9950));
    harness.promote(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(40));

    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.cluster().list("AnalysisRun", NAMESPACE)).hasSize(2);
  }

  @Test
  void promoteFullTerminatesTheRun() {
    RolloutHarness harness = Seed.deployed();
    startCanary(harness);
    harness.advance(Duration.ofMinutes(12));
    assertThat(onlyRun(harness).status().phase()).isEqualTo(AnalysisPhase.RUNNING);

    harness.promoteFull(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(1));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.spec().terminate()).isTrue();
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(run.status().message()).isEqualTo("Run Terminated");
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).map(TrafficSplit::canaryWeight))
        .contains(0);
  }
}
