package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A controller stopped at several points of the seed canary and replaced by a new one (new
 * informers, empty queue, nothing in memory): the new one finishes from cluster state, with the
 * same mesh states, one canary ReplicaSet and one analysis run.
 */
class ControllerRestartTest extends SeedClusterTest {

  /** Minutes after the push: during the first pause, mid-analysis, in the last pause, at 100%. */
  @ParameterizedTest
  @ValueSource(ints = {0, 5, 12, 19, 29})
  void aNewControllerFinishesTheCanary(int minutes) {
    String h1 = seed.status().stableRS();
    seed.meshHistory.clear();
    seed.pushV2();
    seed.advance(Duration.ofMinutes(minutes).plusSeconds(20));

    seed.stopActive();
    seed.startController();
    seed.advance(Duration.ofMinutes(40 - minutes));

    RolloutStatus status = seed.status();
    String h2 = status.currentPodHash();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.stableRS()).isEqualTo(h2);
    assertThat(seed.meshHistory).containsExactlyElementsOf(canaryStates(h1, h2));
    assertThat(seed.list("ReplicaSet")).hasSize(2);
    List<io.rollout4j.model.Resource> runs = seed.list("AnalysisRun");
    assertThat(runs).hasSize(1);
    assertThat(((AnalysisRun) runs.get(0)).status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
  }
}
