package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Rollout;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the replica arithmetic over random sizes, weights and fenceposts. */
class CanaryReplicasProperties {

  /** Every combination (202,000), so a corner such as 95% of 10 pods cannot hide from CI. */
  @Property(tries = 210_000, generation = GenerationMode.EXHAUSTIVE)
  void approximateSplitKeepsTotalsAndBothSidesWhenItCan(
      @ForAll @IntRange(min = 1, max = 500) int replicas,
      @ForAll @IntRange(min = 0, max = 100) int weight,
      @ForAll @IntRange(min = 0, max = 3) int surge) {
    int[] split = CanaryReplicas.approximateSplit(replicas, weight, surge);
    int total = split[0] + split[1];

    assertThat(total).isBetween(replicas, surge > 0 ? replicas + 1 : replicas);
    if (weight > 0 && weight < 100 && (replicas > 1 || surge > 0)) {
      assertThat(split[0]).as("canary").isPositive();
      assertThat(split[1]).as("stable").isPositive();
    }
    if (weight == 0) {
      assertThat(split[0]).isZero();
    }
    if (weight == 100) {
      assertThat(split[1]).isZero();
    }
  }

  /**
   * A basic canary reconciled again and again, new pods becoming available between reconciles: the
   * pods never exceed replicas + maxSurge, availability never drops below replicas -
   * maxUnavailable, and the split settles on the approximation of the weight.
   */
  @Property(tries = 2000)
  void basicCanaryStaysWithinFencepostsAndConverges(
      @ForAll @IntRange(min = 1, max = 40) int replicas,
      @ForAll @IntRange(min = 0, max = 100) int weight,
      @ForAll @IntRange(min = 0, max = 5) int surge,
      @ForAll @IntRange(min = 0, max = 5) int unavailable,
      @ForAll boolean aborting) {
    Assume.that(surge > 0 || unavailable > 0);
    Rollout rollout =
        aborting
            ? CanaryFixtures.canary(
                replicas,
                "{maxSurge: "
                    + surge
                    + ", maxUnavailable: "
                    + unavailable
                    + ", steps: [{setWeight: "
                    + weight
                    + "}]}",
                0,
                true)
            : CanaryFixtures.basic(
                replicas, weight, String.valueOf(surge), String.valueOf(unavailable));
    int maxSurge = CanaryReplicas.maxSurge(rollout);
    int minAvailable = replicas - CanaryReplicas.maxUnavailable(rollout);
    // Aborting starts from a fully scaled canary and an empty stable, the reverse of an update.
    int canary = aborting ? replicas : 0;
    int stable = aborting ? 0 : replicas;

    int[] expected = CanaryReplicas.approximateSplit(replicas, aborting ? 0 : weight, maxSurge);
    boolean settled = false;
    for (int round = 0; round < 6 * replicas + 10 && !settled; round++) {
      ReplicaCounts next =
          CanaryReplicas.desired(
              rollout,
              CanaryFixtures.canaryRs(canary, canary),
              CanaryFixtures.stable(stable, stable),
              List.of(),
              null);

      assertThat(next.total())
          .as("round %d: total pods", round)
          .isLessThanOrEqualTo(replicas + maxSurge);
      int availableNow = Math.min(canary, next.canary()) + Math.min(stable, next.stable());
      assertThat(availableNow)
          .as("round %d: available after scaling %d/%d -> %s", round, canary, stable, next)
          .isGreaterThanOrEqualTo(Math.min(minAvailable, canary + stable));
      settled = next.canary() == canary && next.stable() == stable;
      canary = next.canary();
      stable = next.stable();
    }

    assertThat(settled).as("settles").isTrue();
    assertThat(new int[] {canary, stable}).containsExactly(expected);
  }

  @Property
  void trafficRoutedCanaryFollowsTheWeightAndLeavesStableFull(
      @ForAll @IntRange(min = 1, max = 200) int replicas,
      @ForAll @IntRange(min = 0, max = 100) int weight) {
    Rollout rollout =
        CanaryFixtures.canary(
            replicas,
            "{trafficRouting: {istio: {virtualService: {name: vs}, destinationRule: {name: d, canarySubsetName: c,"
                + " stableSubsetName: s}}}, steps: [{setWeight: "
                + weight
                + "}]}",
            0,
            false);

    ReplicaCounts counts =
        CanaryReplicas.desired(
            rollout,
            CanaryFixtures.canaryRs(0, 0),
            CanaryFixtures.stable(replicas, replicas),
            List.of(),
            null);

    assertThat(counts.stable()).isEqualTo(replicas);
    assertThat(counts.canary()).isBetween(0, replicas);
    assertThat((double) counts.canary())
        .isGreaterThanOrEqualTo(replicas * weight / 100.0)
        .isLessThan(replicas * weight / 100.0 + 1);
  }
}
