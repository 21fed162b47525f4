package io.rollout4j.engine;

import static io.rollout4j.engine.CanaryFixtures.basic;
import static io.rollout4j.engine.CanaryFixtures.canary;
import static io.rollout4j.engine.CanaryFixtures.canaryRs;
import static io.rollout4j.engine.CanaryFixtures.stable;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Argo's canary replica arithmetic ({@code CalculateReplicaCountsForBasicCanary} and {@code
 * CalculateReplicaCountsForTrafficRoutedCanary}), case by case.
 */
class CanaryReplicasTest {

  @ParameterizedTest(name = "replicas {0}, weight {1}, surge {2} -> {3}/{4}")
  @CsvSource({
    "10, 15, 0, 2, 8",
    "10, 1, 1, 1, 10",
    "3, 50, 0, 2, 1",
    "1, 49, 0, 0, 1",
    "1, 50, 0, 1, 0",
    "1, 1, 1, 1, 1",
    "2, 99, 1, 2, 1",
    "10, 24, 1, 3, 8",
    "10, 0, 1, 0, 10",
    "10, 100, 1, 10, 0",
    "0, 50, 1, 0, 0",
    "10, 95, 0, 9, 1",
    "10, 5, 0, 1, 9"
  })
  void weightsAreApproximatedByPodCounts(
      int replicas, int weight, int surge, int canary, int stable) {
    assertThat(CanaryReplicas.approximateSplit(replicas, weight, surge))
        .containsExactly(canary, stable);
  }

  @ParameterizedTest(
      name =
          "replicas {0}, weight {1}, surge {2}, unavailable {3}: stable {4}/{5}, canary {6}/{7} -> canary {8}, stable {9}")
  @CsvSource({
    // the examples documented with Argo's function; for 5% the newer approximation
    // (1 of 11 pods is closer to 5% than 1 of 10) keeps all 10 stable pods
    "10, 10, 1, 1, 10, 10, 0, 0, 1, 9",
    "10, 30, 3, 0, 10, 10, 0, 0, 3, 10",
    "10, 30, 0, 5, 10, 10, 0, 0, 0, 7",
    "10, 5, 1, 1, 10, 10, 0, 0, 1, 10",
    "1, 5, 1, 0, 1, 1, 0, 0, 1, 1",
    "1, 95, 1, 0, 1, 1, 0, 0, 1, 1",
    // cases worked by hand from Argo's arithmetic
    "10, 20, 2, 0, 10, 10, 0, 0, 2, 10",
    "10, 20, 2, 0, 10, 10, 2, 2, 2, 8",
    "10, 50, 2, 1, 10, 10, 0, 0, 2, 9",
    // unavailable canary pods hold the stable at the availability floor; surge still grows the
    // canary
    "10, 50, 2, 1, 9, 9, 2, 0, 3, 9",
    // stable pods that never became available do not block the canary growing
    "10, 50, 0, 1, 10, 0, 0, 0, 0, 9"
  })
  void basicCanaryStaysWithinSurgeAndAvailability(
      int replicas,
      int weight,
      int surge,
      int unavailable,
      int stableSpec,
      int stableAvailable,
      int canarySpec,
      int canaryAvailable,
      int expectedCanary,
      int expectedStable) {
    Rollout rollout = basic(replicas, weight, String.valueOf(surge), String.valueOf(unavailable));

    ReplicaCounts counts =
        CanaryReplicas.desired(
            rollout,
            canaryRs(canarySpec, canaryAvailable),
            stable(stableSpec, stableAvailable),
            List.of(),
            null);

    assertThat(counts).isEqualTo(new ReplicaCounts(expectedCanary, expectedStable));
  }

  @Test
  void abortScalesStableUpFirstThenDrainsTheCanary() {
    Rollout aborted =
        canary(4, "{maxSurge: 1, maxUnavailable: 0, steps: [{setWeight: 100}]}", 0, true);

    assertThat(CanaryReplicas.desired(aborted, canaryRs(4, 4), stable(0, 0), List.of(), null))
        .isEqualTo(new ReplicaCounts(4, 1));
    assertThat(CanaryReplicas.desired(aborted, canaryRs(4, 4), stable(1, 1), List.of(), null))
        .isEqualTo(new ReplicaCounts(3, 1));
  }

  @Test
  void olderReplicaSetsAreDrainedBeforeCanaryOrStableShrink() {
    Rollout rollout = basic(10, 50, "2", "1");

    ReplicaCounts counts =
        CanaryReplicas.desired(
            rollout,
            canaryRs(0, 0),
            stable(10, 10),
            List.of(ReplicaSetView.of("r-old", "old", 2, 2)),
            null);

    assertThat(counts).isEqualTo(new ReplicaCounts(0, 10));
  }

  @Test
  void withoutADistinctStableTheNewReplicaSetGoesStraightToFull() {
    Rollout initial =
        basic(5, 20, "25%", "25%").withStatus(RolloutStatus.builder().currentPodHash("h1").build());

    assertThat(
            CanaryReplicas.desired(
                initial, ReplicaSetView.of("r-h1", "h1", 0, 0), null, List.of(), null))
        .isEqualTo(new ReplicaCounts(5, 0));
  }

  @Test
  void stringsAreReadAsPercentagesAndZeroFencepostsAllowOneUnavailable() {
    Rollout quirk = basic(10, 50, "\"1\"", "\"0%\"");

    assertThat(CanaryReplicas.maxSurge(quirk)).isEqualTo(1); // "1" is 1% of 10, rounded up
    assertThat(CanaryReplicas.maxUnavailable(quirk)).isZero();
    Rollout bothZero = basic(3, 50, "\"10%\"", "\"10%\"");
    assertThat(CanaryReplicas.maxSurge(bothZero)).isEqualTo(1);
    Rollout roundedAway = basic(3, 50, "0", "\"20%\"");
    assertThat(CanaryReplicas.maxUnavailable(roundedAway)).isEqualTo(1);
  }

  // ---------------------------------------------------------------- traffic-routed

  private static final String ISTIO =
      "trafficRouting: {istio: {virtualService: {name: vs}, destinationRule: {name: dr, canarySubsetName: c, stableSubsetName: s}}}";

  @Test
  void seedTableCanaryPodsFollowTheWeightAndStableStaysFull() {
    int[] weights = {10, 20, 40, 60, 80};
    int[] expected = {1, 1, 2, 3, 4};
    for (int i = 0; i < weights.length; i++) {
      Rollout rollout =
          canary(5, "{" + ISTIO + ", steps: [{setWeight: " + weights[i] + "}]}", 0, false);

      assertThat(CanaryReplicas.desired(rollout, canaryRs(0, 0), stable(5, 5), List.of(), null))
          .as("weight %d", weights[i])
          .isEqualTo(new ReplicaCounts(expected[i], 5));
    }
    Rollout done = canary(5, "{" + ISTIO + ", steps: [{setWeight: 80}]}", 1, false);
    assertThat(CanaryReplicas.desired(done, canaryRs(4, 4), stable(5, 5), List.of(), null))
        .isEqualTo(new ReplicaCounts(5, 5));
  }

  @Test
  void setCanaryScaleDecouplesPodsFromTrafficUntilMatchTrafficWeight() {
    String steps =
        "steps: [{setCanaryScale: {replicas: 3}}, {setWeight: 10}, {setCanaryScale: {weight: 50}},"
            + " {setCanaryScale: {matchTrafficWeight: true}}]";

    assertThat(desiredAt(steps, 1)).isEqualTo(new ReplicaCounts(3, 10));
    assertThat(desiredAt(steps, 2)).isEqualTo(new ReplicaCounts(5, 10));
    assertThat(desiredAt(steps, 3)).isEqualTo(new ReplicaCounts(1, 10));
  }

  private static ReplicaCounts desiredAt(String steps, int index) {
    Rollout rollout = canary(10, "{" + ISTIO + ", " + steps + "}", index, false);
    return CanaryReplicas.desired(rollout, canaryRs(0, 0), stable(10, 10), List.of(), null);
  }

  @Test
  void setCanaryScaleIsDroppedOnAbortUnlessTheCanaryIsKept() {
    String steps = "steps: [{setCanaryScale: {replicas: 3}}, {pause: {}}]";
    Rollout aborted = canary(10, "{" + ISTIO + ", " + steps + "}", 1, true);
    Rollout kept =
        canary(10, "{" + ISTIO + ", abortScaleDownDelaySeconds: 0, " + steps + "}", 1, true);

    assertThat(
            CanaryReplicas.desired(aborted, canaryRs(3, 3), stable(10, 10), List.of(), null)
                .canary())
        .isZero();
    assertThat(
            CanaryReplicas.desired(kept, canaryRs(3, 3), stable(10, 10), List.of(), null).canary())
        .isEqualTo(3);
  }

  @Test
  void minPodsPerReplicaSetRaisesNonZeroCountsButNotBeyondReplicas() {
    Rollout rollout =
        canary(5, "{" + ISTIO + ", minPodsPerReplicaSet: 2, steps: [{setWeight: 10}]}", 0, false);
    Rollout tiny =
        canary(1, "{" + ISTIO + ", minPodsPerReplicaSet: 3, steps: [{setWeight: 10}]}", 0, false);
    Rollout zero =
        canary(5, "{" + ISTIO + ", minPodsPerReplicaSet: 2, steps: [{setWeight: 0}]}", 0, false);

    assertThat(CanaryReplicas.desired(rollout, null, stable(5, 5), List.of(), null))
        .isEqualTo(new ReplicaCounts(2, 5));
    assertThat(CanaryReplicas.desired(tiny, null, stable(1, 1), List.of(), null))
        .isEqualTo(new ReplicaCounts(1, 1));
    assertThat(CanaryReplicas.desired(zero, null, stable(5, 5), List.of(), null))
        .isEqualTo(new ReplicaCounts(0, 5));
  }

  @Test
  void dynamicStableScaleKeepsStableUntilTrafficLeavesIt() {
    Rollout rollout =
        canary(10, "{" + ISTIO + ", dynamicStableScale: true, steps: [{setWeight: 60}]}", 0, false);

    assertThat(
            CanaryReplicas.desired(
                rollout,
                canaryRs(0, 0),
                stable(10, 10),
                List.of(),
                TrafficSplit.of(20, null, null)))
        .isEqualTo(new ReplicaCounts(6, 8));
    assertThat(
            CanaryReplicas.desired(
                rollout, canaryRs(6, 6), stable(8, 8), List.of(), TrafficSplit.of(60, null, null)))
        .isEqualTo(new ReplicaCounts(6, 4));
  }

  @Test
  void dynamicStableScaleAbortKeepsCanaryPodsWhileTheyStillHaveTraffic() {
    Rollout aborted =
        canary(10, "{" + ISTIO + ", dynamicStableScale: true, steps: [{setWeight: 60}]}", 0, true);

    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(6, 6), stable(4, 4), List.of(), TrafficSplit.of(60, null, null)))
        .isEqualTo(new ReplicaCounts(6, 10));
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(6, 6), stable(10, 10), List.of(), TrafficSplit.of(0, null, null)))
        .isEqualTo(new ReplicaCounts(0, 10));
  }

  /**
   * Argo's {@code TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale}, every row: 10
   * replicas, steps setWeight 20 then 60 (the rows "with steps") or setWeight 10 or 20 alone.
   */
  @Test
  void dynamicStableScaleMatchesArgosTableRowForRow() {
    String twoSteps =
        "{" + ISTIO + ", dynamicStableScale: true, steps: [{setWeight: 20}, {setWeight: 60}]}";
    Rollout aborted = canary(10, twoSteps, 0, true);
    // Should scale stable replica up depending on next expected canary downscale step, if abort
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(6, 6), stable(4, 4), List.of(), TrafficSplit.of(60, null, null)))
        .isEqualTo(new ReplicaCounts(6, 8));
    // ... depending on available canary replicas, if fewer canaries than expected
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(1, 1), stable(4, 4), List.of(), TrafficSplit.of(60, null, null)))
        .isEqualTo(new ReplicaCounts(6, 8));
    // ... depending on available stable replicas
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(2, 2), stable(8, 4), List.of(), TrafficSplit.of(60, null, null)))
        .isEqualTo(new ReplicaCounts(6, 8));
    // ... as if canaries are scaled down to 0 when neither ReplicaSet is known
    assertThat(
            CanaryReplicas.desired(aborted, null, null, List.of(), TrafficSplit.of(60, null, null)))
        .isEqualTo(new ReplicaCounts(6, 10));

    String tenPercent = "{" + ISTIO + ", dynamicStableScale: true, steps: [{setWeight: 10}]}";
    String twentyPercent = "{" + ISTIO + ", dynamicStableScale: true, steps: [{setWeight: 20}]}";
    // Should scale down stable
    assertThat(
            CanaryReplicas.desired(
                canary(10, tenPercent, 0, false),
                null,
                null,
                List.of(),
                TrafficSplit.of(10, null, null)))
        .isEqualTo(new ReplicaCounts(1, 9));
    // Should take max of desired canary > actual
    assertThat(
            CanaryReplicas.desired(
                canary(10, twentyPercent, 0, false),
                null,
                null,
                List.of(),
                TrafficSplit.of(10, null, null)))
        .isEqualTo(new ReplicaCounts(2, 9));
    // Should leave canary scaled up if there is still traffic to it on abort
    assertThat(
            CanaryReplicas.desired(
                canary(10, twentyPercent, 0, true),
                null,
                null,
                List.of(),
                TrafficSplit.of(20, null, null)))
        .isEqualTo(new ReplicaCounts(2, 10));
    // Should reduce canary when there is less traffic to it on abort
    assertThat(
            CanaryReplicas.desired(
                canary(10, twentyPercent, 0, true),
                null,
                null,
                List.of(),
                TrafficSplit.of(10, null, null)))
        .isEqualTo(new ReplicaCounts(1, 10));
  }

  @Test
  void anAbortWithDynamicStableScaleWalksTheStepsBackwards() {
    String steps =
        "{"
            + ISTIO
            + ", dynamicStableScale: true, steps: [{setWeight: 20}, {setWeight: 40},"
            + " {setWeight: 80}]}";
    Rollout aborted = canary(10, steps, 2, true);
    // At 80 %: stable grows to 6 first (the 40 % step), not to 10 at once.
    assertThat(CanaryReplicas.abortStepWeight(aborted, canaryRs(8, 8), stable(2, 2))).isEqualTo(40);
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(8, 8), stable(2, 2), List.of(), TrafficSplit.of(80, null, null)))
        .isEqualTo(new ReplicaCounts(8, 6));
    // Once traffic is at 40 % and the canary down to 4: next is 20 %, stable to 8.
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(4, 4), stable(6, 6), List.of(), TrafficSplit.of(40, null, null)))
        .isEqualTo(new ReplicaCounts(4, 8));
    // Below the first step: 0 %, stable to 10.
    assertThat(
            CanaryReplicas.desired(
                aborted, canaryRs(2, 2), stable(8, 8), List.of(), TrafficSplit.of(20, null, null)))
        .isEqualTo(new ReplicaCounts(2, 10));
  }

  @Test
  void promoteFullAndCompletedStepsMeanFullWeight() {
    Rollout full =
        canary(10, "{" + ISTIO + ", steps: [{setWeight: 10}, {pause: {}}]}", 1, false)
            .withStatus(
                RolloutStatus.builder()
                    .stableRS(CanaryFixtures.STABLE)
                    .currentPodHash(CanaryFixtures.CANARY)
                    .currentStepIndex(1)
                    .promoteFull(true)
                    .build());

    assertThat(CanaryReplicas.currentTarget(full)).isEqualTo(new CanaryTarget(null, 100));
    assertThat(
            CanaryReplicas.currentTarget(canary(10, "{steps: [{setWeight: 10}]}", 1, false))
                .weight())
        .isEqualTo(100);
    assertThat(
            CanaryReplicas.currentTarget(
                    canary(10, "{steps: [{pause: {}}, {setWeight: 10}]}", 0, false))
                .weight())
        .isZero();
    assertThat(
            CanaryReplicas.currentTarget(
                    canary(10, "{steps: [{setWeight: 30}, {pause: {}}]}", 1, true))
                .weight())
        .isZero();
  }
}
