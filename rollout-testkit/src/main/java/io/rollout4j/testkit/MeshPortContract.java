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

  @BeforeEach
  void freshPort() {
    port = createPort();
    rollout = routedRollout();
  }

  @Test
  void anAppliedSplitIsReadBack() {
    TrafficSplit split = TrafficSplit.of(30, "canary-hash", "stable-hash");

    port.apply(rollout, split);

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
    port.apply(rollout, split);
    TrafficSplit first = port.current(rollout).orElseThrow();

    port.apply(rollout, split);

    assertThat(port.current(rollout)).contains(first);
  }

  @Test
  void weightsMoveBothWaysIncludingBackToZero() {
    port.apply(rollout, TrafficSplit.of(80, "canary-hash", "stable-hash"));
    port.apply(rollout, TrafficSplit.of(0, "canary-hash", "stable-hash"));

    assertThat(port.current(rollout))
        .hasValueSatisfying(s -> assertThat(s.canaryWeight()).isZero());
  }
}
