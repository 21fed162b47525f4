package io.rollout4j.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshPortsTest {

  /** A port serving some routers that records what it was asked to apply. */
  private static final class Recording implements MeshPort, AutoCloseable {
    final Set<String> routers;
    final List<TrafficSplit> applied = new ArrayList<>();
    boolean closed;

    Recording(String... routers) {
      this.routers = Set.of(routers);
    }

    @Override
    public void apply(Rollout rollout, TrafficSplit split) {
      applied.add(split);
    }

    @Override
    public Optional<TrafficSplit> current(Rollout rollout) {
      return applied.isEmpty() ? Optional.empty() : Optional.of(applied.get(applied.size() - 1));
    }

    @Override
    public Set<String> routers() {
      return routers;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static Rollout routedBy(String trafficRouting) {
    return Manifests.parseOne(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: r, namespace: n}
        spec:
          selector: {matchLabels: {app: r}}
          template: {metadata: {labels: {app: r}}, spec: {containers: [{name: r, image: r}]}}
          strategy:
            canary:
              canaryService: c
              stableService: s
              trafficRouting: %s
              steps: [{setWeight: 10}]
        """
            .formatted(trafficRouting),
        Rollout.class);
  }

  @Test
  void eachRolloutGoesToThePortOfItsRouter() {
    Recording istio = new Recording("istio");
    Recording gateway = new Recording("argoproj-labs/gatewayAPI");
    MeshPorts ports = MeshPorts.of(istio, gateway);
    Rollout viaGateway = routedBy("{plugins: {argoproj-labs/gatewayAPI: {httpRoute: web}}}");
    TrafficSplit split = TrafficSplit.of(10, "b", "a");

    ports.apply(viaGateway, split);

    assertThat(gateway.applied).containsExactly(split);
    assertThat(istio.applied).isEmpty();
    assertThat(ports.current(viaGateway)).contains(split);
    assertThat(ports.routers()).containsExactlyInAnyOrder("istio", "argoproj-labs/gatewayAPI");
  }

  @Test
  void aRolloutOfTwoRoutersIsAppliedByBothAndReadFromTheFirst() {
    Recording istio = new Recording("istio");
    Recording gateway = new Recording("argoproj-labs/gatewayAPI");
    MeshPorts ports = MeshPorts.of(istio, gateway);
    Rollout both =
        routedBy(
            "{istio: {virtualService: {name: vs}}, plugins: {argoproj-labs/gatewayAPI: {httpRoute:"
                + " web}}}");

    ports.apply(both, TrafficSplit.of(30, "b", "a"));

    assertThat(istio.applied).hasSize(1);
    assertThat(gateway.applied).hasSize(1);
  }

  @Test
  void aRouterServedTwiceIsRefusedAndClosingClosesEveryPort() throws Exception {
    assertThatThrownBy(() -> MeshPorts.of(new Recording("istio"), new Recording("istio")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("router 'istio' is served by two");
    Recording istio = new Recording("istio");
    Recording gateway = new Recording("argoproj-labs/gatewayAPI");
    MeshPorts.of(istio, gateway).close();
    assertThat(istio.closed).isTrue();
    assertThat(gateway.closed).isTrue();
  }
}
