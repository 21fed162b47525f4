package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The Bookinfo canary while GitOps deletes and re-applies what it refers to at random times (its
 * AnalysisTemplate, its VirtualService): traffic never moves past what analysis has allowed, and
 * nothing moves at all while a reference is missing.
 */
class ReferenceRemovalProperties {

  enum Kind {
    ADVANCE,
    REMOVE_TEMPLATE,
    RESTORE_TEMPLATE,
    BREAK_MESH,
    REPAIR_MESH,
    NEW_REVISION
  }

  record Op(Kind kind, int seconds) {}

  @Provide
  Arbitrary<List<Op>> scenarios() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(6, Kind.ADVANCE),
                    net.jqwik.api.Tuple.of(2, Kind.REMOVE_TEMPLATE),
                    net.jqwik.api.Tuple.of(2, Kind.RESTORE_TEMPLATE),
                    net.jqwik.api.Tuple.of(1, Kind.BREAK_MESH),
                    net.jqwik.api.Tuple.of(1, Kind.REPAIR_MESH),
                    net.jqwik.api.Tuple.of(1, Kind.NEW_REVISION)),
                Arbitraries.integers().between(5, 900))
            .as(Op::new);
    return op.list().ofMinSize(3).ofMaxSize(25);
  }

  /** The test's own view of which references are missing, and what was visible when they went. */
  private static final class World {
    boolean templateMissing;
    boolean meshBroken;
    List<Integer> frozenWeights;
    Integer frozenStep;
    int frozenReplicaSets;

    boolean missing() {
      return templateMissing || meshBroken;
    }
  }

  private static List<Integer> weights(RolloutHarness h) {
    return h.mesh().history(NAMESPACE, ROLLOUT).stream()
        .map(a -> a.split().canaryWeight())
        .toList();
  }

  private static void freeze(RolloutHarness h, World world) {
    if (!world.missing()) {
      world.frozenWeights = weights(h);
      world.frozenStep = h.rollout(NAMESPACE, ROLLOUT).status().currentStepIndex();
      world.frozenReplicaSets = replicaSetsWithPods(h);
    }
  }

  private static int replicaSetsWithPods(RolloutHarness h) {
    int count = 0;
    for (Resource r : h.cluster().list("ReplicaSet", NAMESPACE)) {
      Object replicas = ((io.rollout4j.model.GenericResource) r).path("spec", "replicas");
      if (replicas instanceof Number n && n.intValue() > 0) {
        count++;
      }
    }
    return count;
  }

  @Property(tries = 150)
  void trafficNeverOutrunsAnalysisWhileReferencesComeAndGo(@ForAll("scenarios") List<Op> ops) {
    RolloutHarness harness = Seed.deployed().advance(Duration.ofMinutes(1));
    World world = new World();
    harness.afterEveryPass(
        h -> {
          if (world.missing()) {
            assertThat(weights(h))
                .as("traffic while a reference is missing")
                .isEqualTo(world.frozenWeights);
            assertThat(h.rollout(NAMESPACE, ROLLOUT).status().currentStepIndex())
                .as("step while a reference is missing")
                .isEqualTo(world.frozenStep);
            assertThat(replicaSetsWithPods(h))
                .as("ReplicaSets with pods while a reference is missing")
                .isLessThanOrEqualTo(world.frozenReplicaSets);
          }
          TrafficSplit split = h.mesh().current(NAMESPACE, ROLLOUT).orElse(null);
          if (split != null && split.canaryWeight() > 10) {
            // Past the first step the background analysis (startingStep 2) must be running or
            // done for exactly the revision that receives the traffic.
            assertThat(h.cluster().list("AnalysisRun", NAMESPACE))
                .as("analysis for the canary at %d%%", split.canaryWeight())
                .anyMatch(
                    r ->
                        split
                            .canaryHash()
                            .equals(
                                ((AnalysisRun) r)
                                    .metadata()
                                    .labels()
                                    .get("rollouts-pod-template-hash")));
          }
        });
    int revision = 2;
    for (Op op : ops) {
      switch (op.kind()) {
        case ADVANCE -> harness.advance(Duration.ofSeconds(op.seconds()));
        case REMOVE_TEMPLATE -> {
          freeze(harness, world);
          harness.cluster().delete("AnalysisTemplate", NAMESPACE, "apdex");
          world.templateMissing = true;
        }
        case RESTORE_TEMPLATE -> {
          harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml"));
          world.templateMissing = false;
        }
        case BREAK_MESH -> {
          freeze(harness, world);
          harness
              .mesh()
              .breakReference(
                  NAMESPACE,
                  ROLLOUT,
                  "spec.strategy.canary.trafficRouting.istio.virtualService.name",
                  "virtualservice.networking.istio.io \"reviews\" not found");
          world.meshBroken = true;
        }
        case REPAIR_MESH -> {
          harness.mesh().repair(NAMESPACE, ROLLOUT);
          world.meshBroken = false;
        }
        case NEW_REVISION -> {
          freeze(harness, world);
          harness.apply(
              NAMESPACE,
              Seed.bookinfo()
                  .replace(Seed.V1_IMAGE, Seed.V1_IMAGE.replace("1.16.4", "1.16." + revision++)));
        }
      }
    }
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    harness.mesh().repair(NAMESPACE, ROLLOUT);
    world.templateMissing = false;
    world.meshBroken = false;
    harness.advance(Duration.ofMinutes(60));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).as(String.valueOf(status.message())).isEqualTo(RolloutPhase.HEALTHY);
  }
}
