package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.action.RolloutChange;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The user actions through {@link RolloutController} on the Bookinfo canary, on fabric8's mock API
 * server: what an embedder's own UI or pipeline calls instead of {@code kubectl argo rollouts}.
 */
class ControllerActionsTest extends SeedClusterTest {
  private static final String NS = SeedCluster.NS;
  private static final String ROLLOUT = SeedCluster.ROLLOUT;

  @Test
  void promoteEndsTheTenMinutePauseAndTheCanaryMovesOn() {
    seed.pushV2();
    seed.advance(Duration.ofMinutes(1));
    assertThat(seed.status().phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(seed.status().currentStepIndex()).isEqualTo(1);

    RolloutChange change = seed.active().promote(NS, ROLLOUT);
    seed.advance(Duration.ofSeconds(30));

    assertThat(change.summary()).isEqualTo("rollout 'reviews-rollout' promoted");
    assertThat(change.statusPatch()).containsKey("status");
    // Step 2 (setWeight 20) is done and the rollout waits in the 5-minute pause of step 3, nine
    // minutes before the pause it was promoted out of would have ended.
    assertThat(seed.status().currentStepIndex()).isEqualTo(3);
    assertThat(seed.status().phase()).isEqualTo(RolloutPhase.PAUSED);
  }

  @Test
  void abortRetryPauseAndResumeReachTheClusterAndTheEngineActsOnThem() {
    String stable = seed.status().stableRS();
    seed.pushV2();
    seed.advance(Duration.ofMinutes(1));

    seed.active().abort(NS, ROLLOUT);
    seed.advance(Duration.ofMinutes(1));
    RolloutStatus aborted = seed.status();
    assertThat(aborted.isAborted()).isTrue();
    assertThat(aborted.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(aborted.stableRS()).isEqualTo(stable);

    seed.active().retry(NS, ROLLOUT);
    seed.advance(Duration.ofSeconds(30));
    assertThat(seed.status().isAborted()).isFalse();
    assertThat(seed.status().currentStepIndex()).isEqualTo(1);

    seed.active().pause(NS, ROLLOUT);
    assertThat(seed.rollout().spec().isPaused()).isTrue();
    seed.active().resume(NS, ROLLOUT);
    assertThat(seed.rollout().spec().isPaused()).isFalse();
  }

  @Test
  void anActionRacingAnotherWriterKeepsBothWrites() {
    seed.pushV2();
    seed.advance(Duration.ofMinutes(1));
    // Someone else writes the rollout just before the action: the controller's cache may still
    // hold the older version, the API server refuses that write, and the action is applied again
    // to the version that won.
    Fabric8ClusterPort other = Fabric8ClusterPort.builder(seed.observer).informers(false).build();
    Rollout current = (Rollout) other.get(Rollout.KIND, NS, ROLLOUT).orElseThrow();
    other.update(
        current.withMetadata(
            current.metadata().withAnnotation("team.example.com/reviewed-by", "alice")));

    seed.active().abort(NS, ROLLOUT);

    Rollout after = seed.rollout();
    assertThat(after.status().isAborted()).isTrue();
    assertThat(after.metadata().annotations())
        .containsEntry("team.example.com/reviewed-by", "alice");
  }

  @Test
  void undoPutsTheFirstRevisionsTemplateBackIntoTheDeployment() {
    seed.pushV2();
    seed.advance(Duration.ofMinutes(40));
    assertThat(seed.status().phase()).isEqualTo(RolloutPhase.HEALTHY);

    seed.active().undo(NS, ROLLOUT, 0);

    Resource deployment =
        seed.list("Deployment").stream()
            .filter(d -> "reviews".equals(d.name()))
            .findFirst()
            .orElseThrow();
    assertThat(Manifests.toYaml(deployment))
        .contains(SeedCluster.V1)
        .doesNotContain(SeedCluster.V2)
        .doesNotContain("rollouts-pod-template-hash");
    assertThat(((GenericResource) deployment).path("spec", "template", "metadata", "labels"))
        .asString()
        .doesNotContain("canary");
  }

  @Test
  void anActionOnARolloutThatDoesNotExistSaysSo() {
    assertThatThrownBy(() -> seed.active().promote(NS, "no-such-rollout"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no rollout bookinfo/no-such-rollout");
  }
}
