package io.rollout4j.testkit;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.MetricsPort;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The fakes pass the same contract tests the real adapters must pass. */
class FakePortsContractTest {

  @Nested
  class Cluster extends ClusterPortContract {
    @Override
    protected ClusterPort createPort() {
      return new FakeCluster(ManualClock.startingAtEpochOfTests());
    }
  }

  @Nested
  class Mesh extends MeshPortContract {
    @Override
    protected MeshPort createPort() {
      return new FakeMesh(ManualClock.startingAtEpochOfTests());
    }

    @Override
    protected Rollout routedRollout() {
      return Manifests.parseOne(
          Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml"), Rollout.class);
    }
  }

  @Nested
  class Metrics extends MetricsPortContract {
    @Override
    protected MetricsPort createPort() {
      return new FakeMetrics().script("web", request -> Map.of("value", 42));
    }

    @Override
    protected MetricRequest answerableRequest(Instant now) {
      return new MetricRequest("m", "web", Map.of("url", "http://x"), now);
    }

    @Override
    protected MetricRequest failingRequest(Instant now) {
      return new MetricRequest("m", "prometheus", Map.of(), now);
    }
  }
}
