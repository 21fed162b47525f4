package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rollout4j.model.RolloutPhase;
import org.junit.jupiter.api.Test;

class MicrometerControllerObserverTest {

  private static double phase(SimpleMeterRegistry registry, String phase) {
    return registry
        .get("rollout4j.rollout.phase")
        .tags("namespace", "shop", "name", "checkout", "phase", phase)
        .gauge()
        .value();
  }

  @Test
  void aControllerThatTakesOverInTheSameJvmOwnsThePhaseGauges() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerControllerObserver first = MicrometerControllerObserver.of(registry);
    first.phase("shop/checkout", RolloutPhase.HEALTHY);
    assertThat(phase(registry, "Healthy")).isEqualTo(1.0);

    // Leadership moves to a new controller in this JVM; the old one may still hold its observer.
    MicrometerControllerObserver second = MicrometerControllerObserver.of(registry);
    second.phase("shop/checkout", RolloutPhase.PROGRESSING);
    assertThat(phase(registry, "Progressing")).isEqualTo(1.0);
    assertThat(phase(registry, "Healthy")).isEqualTo(0.0);

    second.phase("shop/checkout", RolloutPhase.DEGRADED);
    assertThat(phase(registry, "Degraded")).isEqualTo(1.0);
    assertThat(phase(registry, "Progressing")).isEqualTo(0.0);
    assertThat(registry.find("rollout4j.rollout.phase").gauges())
        .hasSize(RolloutPhase.values().length);
  }
}
