package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.api.Rollouts;
import io.rollout4j.engine.RolloutEngine;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a platform embeds the engine: its own port implementations, a rollout defined with the fluent
 * builders, and its own scheduler deciding when to call {@code reconcile} again.
 */
@ExtendWith(RolloutHarnessExtension.class)
class EmbeddingExampleTest {

  /** The platform's own traffic layer: here it just remembers the split it was told. */
  static final class PlatformMesh implements MeshPort {
    final List<Integer> weights = new ArrayList<>();
    TrafficSplit current;

    @Override
    public void apply(Rollout rollout, TrafficSplit split) {
      current = split;
      weights.add(split.canaryWeight());
    }

    @Override
    public Optional<TrafficSplit> current(Rollout rollout) {
      return Optional.ofNullable(current);
    }

    @Override
    public java.util.Set<String> routers() {
      return java.util.Set.of("istio");
    }
  }

  private static Rollout checkout(String image) {
    return Rollouts.rollout("checkout")
        .namespace("shop")
        .replicas(4)
        .selector("app", "checkout")
        .template(
            Map.of("app", "checkout"),
            Map.of("containers", List.of(Map.of("name", "checkout", "image", image))))
        .canary(
            canary ->
                canary
                    .istio(
                        istio ->
                            istio
                                .virtualService("checkout")
                                .destinationRule("checkout", "canary", "stable"))
                    .setWeight(25)
                    .pause(Duration.ofMinutes(2))
                    .setWeight(50)
                    .pause(Duration.ofMinutes(2)))
        .build();
  }

  @Test
  void aPlatformDrivesTheEngineWithItsOwnPortsAndScheduler() {
    ManualClock clock = ManualClock.startingAtEpochOfTests();
    FakeCluster cluster = new FakeCluster(clock).podReadyAfter(Duration.ofSeconds(5));
    PlatformMesh mesh = new PlatformMesh();
    RolloutEngine engine = new RolloutEngine(cluster, mesh, clock);
    // The platform's scheduler: reconcile when the engine asks to be woken, and every 5 s
    // (standing in for the watch events a real platform would get when pods become ready).
    PriorityQueue<Instant> due = new PriorityQueue<>();
    cluster.apply(checkout("checkout:1"));
    due.add(clock.instant());

    Instant end = clock.instant().plus(Duration.ofMinutes(10));
    boolean updated = false;
    while (!due.isEmpty() && !due.peek().isAfter(end)) {
      clock.set(due.poll());
      if (!updated && clock.instant().isAfter(Instant.parse("2026-01-01T00:01:00Z"))) {
        cluster.apply(checkout("checkout:2"));
        updated = true;
      }
      RolloutEngine.Result result = engine.reconcile("shop", "checkout");
      due.add(
          clock
              .instant()
              .plus(
                  result
                      .requeue()
                      .filter(d -> d.compareTo(Duration.ofSeconds(5)) < 0)
                      .orElse(Duration.ofSeconds(5))));
    }

    Rollout rollout = (Rollout) cluster.get(Rollout.KIND, "shop", "checkout").orElseThrow();
    assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(rollout.status().stableRS()).isEqualTo(rollout.status().currentPodHash());
    assertThat(mesh.weights).containsSubsequence(25, 50, 100, 0);
  }

  @Test
  void theExtensionInjectsAFreshHarness(RolloutHarness harness) {
    harness.apply("shop", io.rollout4j.manifest.Manifests.toYaml(checkout("checkout:1")));
    harness.advance(Duration.ofMinutes(1));

    assertThat(harness.rollout("shop", "checkout").status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
  }
}
