package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Rollout;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MeshPort} must meet. An adapter's test supplies a port and a rollout
 * whose routing objects (VirtualService, DestinationRule, ...) exist and route to stable.
 */
public abstract class MeshPortContract {
  private MeshPort port;
  private Rollout rollout;

  protected abstract MeshPort createPort();

  /** A rollout whose routing objects exist in the mesh the port talks to. */
  protected abstract Rollout routedRollout();

  /**
   * Called after each split is applied. A port that routes by Service (Istio's host-level
   * splitting, Gateway API) reads the hashes from the Services' selectors, which the engine points
   * in the same reconcile, not the port: such a port's test points them here as the engine would.
   */
  protected void pointServices(Rollout rollout, TrafficSplit split) {}

  private void apply(TrafficSplit split) {
    port.apply(rollout, split);
    pointServices(rollout, split);
  }

  @BeforeEach
  void freshPort() {
    port = createPort();
    rollout = routedRollout();
  }

  @Test
  void anAppliedSplitIsReadBack() {
    TrafficSplit split = TrafficSplit.of(30, "canary-hash", "stable-hash");

    apply(split);

    assertThat(port.current(rollout))
        .hasValueSatisfying(
            s -> {
              assertThat(s.canaryWeight()).isEqualTo(30);
              assertThat(s.stableWeight()).isEqualTo(70);
              assertThat(s.canaryHash()).isEqualTo("canary-hash");
              assertThat(s.stableHash()).isEqualTo("stable-hash");
            });
  }

  @Test
  void applyingTheSameSplitTwiceChangesNothing() {
    TrafficSplit split = TrafficSplit.of(10, "canary-hash", "stable-hash");
    apply(split);
    TrafficSplit first = port.current(rollout).orElseThrow();

    apply(split);

    assertThat(port.current(rollout)).contains(first);
    assertThat(port.apply(rollout, split, first))
        .as("a split already in place is reported as no change (the engine counts no write)")
        .isFalse();
    assertThat(port.apply(rollout, TrafficSplit.of(20, "canary-hash", "stable-hash"), first))
        .as("a new weight is a change")
        .isTrue();
  }

  @Test
  void weightsMoveBothWaysIncludingBackToZero() {
    apply(TrafficSplit.of(80, "canary-hash", "stable-hash"));
    apply(TrafficSplit.of(0, "canary-hash", "stable-hash"));

    assertThat(port.current(rollout))
        .hasValueSatisfying(s -> assertThat(s.canaryWeight()).isZero());
  }
}
