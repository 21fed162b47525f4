package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Bookinfo seed end to end on the fabric8 mock API server, through the real adapters: the
 * fabric8 ClusterPort with informers, the Istio MeshPort, the SkyWalking provider against a local
 * GraphQL server, the RolloutController's work queue, and virtual time, through every mesh state of
 * the Bookinfo canary.
 */
class SeedOnMockClusterTest extends SeedClusterTest {

  @Test
  void theSeedCanaryWalksEveryStepAndPromotes() {
    String h1 = seed.status().stableRS();
    assertThat(seed.status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    seed.meshHistory.clear();

    seed.pushV2();
    seed.advance(Duration.ofMinutes(40));

    RolloutStatus status = seed.status();
    String h2 = status.currentPodHash();
    assertThat(h2).isNotEqualTo(h1);
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.stableRS()).isEqualTo(h2);
    assertThat(seed.meshHistory).containsExactlyElementsOf(canaryStates(h1, h2));
    AnalysisRun run = (AnalysisRun) seed.list("AnalysisRun").get(0);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void aBadApdexAbortsAndTrafficGoesBackToStable() {
    String h1 = seed.status().stableRS();
    seed.apdex.set(5000);

    seed.pushV2();
    seed.advance(Duration.ofMinutes(40));

    RolloutStatus status = seed.status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.isAborted()).isTrue();
    assertThat(status.stableRS()).isEqualTo(h1);
    assertThat(seed.mesh().stable()).isEqualTo(100);
    assertThat(seed.mesh().canary()).isEqualTo(0);
    assertThat(status.message()).contains("Metric \"apdex\" assessed Failed");
  }
}
