package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** promote, promote --full, abort, retry, pause, resume and new revisions, as Argo means them. */
class UserActionsTest {

  private RolloutHarness harness;
  private String hash1;

  @BeforeEach
  void revisionTwoAtTenPercent() {
    harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    hash1 = status().stableRS();
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(1));
    assertThat(weight()).isEqualTo(10);
    assertThat(status().currentStepIndex()).isEqualTo(1);
  }

  private RolloutStatus status() {
    return harness.rollout(NAMESPACE, ROLLOUT).status();
  }

  private int weight() {
    return harness.mesh().current(NAMESPACE, ROLLOUT).map(TrafficSplit::canaryWeight).orElse(-1);
  }

  @Test
  void promoteEndsTheCurrentPauseAtOnce() {
    RolloutHandle reviews = harness.handle(NAMESPACE, ROLLOUT);

    reviews.promote();

    assertThat(weight()).isEqualTo(20);
    RolloutAssert.assertThat(reviews)
        .isAtStep(3)
        .hasCanaryWeight(20)
        .isPausedBy(PauseReason.CANARY_PAUSE_STEP);
    assertThat(reviews.status().pauseConditions()).singleElement();
  }

  @Test
  void promoteFullSkipsEveryStepAndPromotesOnceTheCanaryIsFull() {
    harness.promoteFull(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofSeconds(30));

    RolloutStatus status = status();
    assertThat(status.stableRS()).isEqualTo(status.currentPodHash()).isNotEqualTo(hash1);
    assertThat(status.promoteFull()).isNull();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(harness.mesh().history(NAMESPACE, ROLLOUT))
        .extracting(a -> a.split().canaryWeight())
        .containsSubsequence(10, 100, 0);
  }

  @Test
  void promoteFullShowsTheRolloutProgressingAtOnceWhileTheCanaryScalesUp() {
    int steps = harness.rollout(NAMESPACE, ROLLOUT).spec().canary().steps().size();

    harness.promoteFull(NAMESPACE, ROLLOUT);

    // As Argo: the pause ends and the remaining steps are skipped in the first reconcile, so
    // kubectl argo rollouts shows Progressing (not Paused) while the new pods come up.
    RolloutStatus status = status();
    assertThat(status.stableRS()).as("the canary's new pods are not ready yet").isEqualTo(hash1);
    assertThat(status.phase()).isEqualTo(RolloutPhase.PROGRESSING);
    assertThat(status.pauseConditions()).isEmpty();
    assertThat(status.controllerPause()).isNotEqualTo(Boolean.TRUE);
    assertThat(status.currentStepIndex()).isEqualTo(steps);
  }

  @Test
  void promoteFullOfAnAbortedUpdateEndsTheAbortAndPromotes() {
    harness.abort(NAMESPACE, ROLLOUT);
    assertThat(status().phase()).isEqualTo(RolloutPhase.DEGRADED);

    harness.promoteFull(NAMESPACE, ROLLOUT);

    assertThat(status().isAborted()).isFalse();
    assertThat(status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
    harness.advance(Duration.ofMinutes(1));
    assertThat(status().stableRS()).isEqualTo(status().currentPodHash()).isNotEqualTo(hash1);
    assertThat(status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(weight()).isZero();
  }

  @Test
  void abortSendsAllTrafficToStableAndScalesTheCanaryDownAfterThirtySeconds() {
    String hash2 = status().currentPodHash();

    harness.abort(NAMESPACE, ROLLOUT);

    assertThat(weight()).isZero();
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow().stableHash())
        .isEqualTo(hash1);
    RolloutStatus status = status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message()).startsWith("RolloutAborted: Rollout aborted update to revision 2");
    assertThat(status.abortedAt()).isNotNull();
    assertThat(status.currentStepIndex()).as("Argo goes back to the first step").isZero();
    assertThat(status.pauseConditions()).as("an aborted rollout holds no pause").isEmpty();
    assertThat(status.conditions())
        .as("as Argo, the Paused condition stays as it was while the abort stands")
        .anyMatch(c -> c.type().equals("Paused") && c.status().equals("True"));
    assertThat(Seed.replicasOf(harness, hash2)).isEqualTo(1);
    assertThat(Seed.replicasOf(harness, hash1)).isEqualTo(5);
    harness.advance(Duration.ofSeconds(29));
    assertThat(Seed.replicasOf(harness, hash2)).isEqualTo(1);
    harness.advance(Duration.ofSeconds(2));
    assertThat(Seed.replicasOf(harness, hash2)).isZero();
    assertThat(Seed.replicasOf(harness, hash1)).isEqualTo(5);
  }

  @Test
  void retryReplaysTheStepsFromTheStart() {
    RolloutHandle reviews = harness.handle(NAMESPACE, ROLLOUT);
    reviews.abort();
    harness.advance(Duration.ofMinutes(1));
    RolloutAssert.assertThat(reviews).isAborted().isDegraded().hasCanaryWeight(0);

    reviews.retry();
    harness.advance(Duration.ofSeconds(30));

    assertThat(weight()).isEqualTo(10);
    RolloutAssert.assertThat(reviews).isNotAborted().isAtStep(1).hasCanaryWeight(10).isPaused();
  }

  @Test
  void manualPauseHoldsTheRolloutUntilResumed() {
    RolloutHandle reviews = harness.handle(NAMESPACE, ROLLOUT);
    reviews.pause();
    harness.advance(Duration.ofMinutes(20));

    assertThat(weight()).isEqualTo(10);
    RolloutAssert.assertThat(reviews).isPaused().hasMessageContaining("manually paused");

    reviews.resume();
    harness.advance(Duration.ofSeconds(30));
    assertThat(weight()).isEqualTo(20);
  }

  @Test
  void aNewRevisionMidRolloutTakesTrafficAwayFromTheOldCanaryBeforeScalingItDown() {
    harness.promote(NAMESPACE, ROLLOUT);
    String hash2 = status().currentPodHash();
    assertThat(weight()).isEqualTo(20);

    harness.apply(
        NAMESPACE,
        Seed.bookinfo()
            .replace(Seed.V1_IMAGE, "docker.io/istio/examples-bookinfo-reviews-v3:1.16.4"));
    harness.reconcile();

    String hash3 = status().currentPodHash();
    assertThat(hash3).isNotEqualTo(hash2);
    assertThat(weight()).isZero();
    assertThat(Seed.replicasOf(harness, hash2)).isZero();
    assertThat(status().currentStepIndex()).isZero();
    harness.advance(Duration.ofSeconds(30));
    assertThat(weight()).isEqualTo(10);
    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow().canaryHash())
        .isEqualTo(hash3);
  }

  @Test
  void goingBackToTheStableTemplateSkipsAllSteps() {
    String hash2 = status().currentPodHash();

    harness.apply(NAMESPACE, Seed.bookinfo());
    harness.advance(Duration.ofSeconds(5));

    RolloutStatus status = status();
    assertThat(status.currentPodHash()).isEqualTo(hash1);
    assertThat(status.currentStepIndex()).isEqualTo(10);
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(weight()).isZero();
    assertThat(Seed.replicasOf(harness, hash2)).isZero();
    assertThat(harness.cluster().events()).anyMatch(e -> e.reason().equals("SkipSteps"));
  }

  @Test
  void undoPutsThePreviousTemplateBackOnTheDeploymentAndReusesItsReplicaSet() {
    harness.promoteFull(NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(1));
    assertThat(status().stableRS()).isNotEqualTo(hash1);

    harness.undo(NAMESPACE, ROLLOUT, 0);
    harness.advance(Duration.ofSeconds(30));

    // Revision 1 is no longer stable, so going back to it is an update like any other (as in
    // Argo; only the stable revision, or one within rollbackWindow, skips the steps).
    RolloutStatus status = status();
    assertThat(status.currentPodHash()).isEqualTo(hash1);
    assertThat(harness.cluster().get("Deployment", NAMESPACE, "reviews").orElseThrow().toString())
        .contains(Seed.V1_IMAGE);
    assertThat(weight()).isEqualTo(10);
    GenericResource reused =
        (GenericResource)
            harness.cluster().get("ReplicaSet", NAMESPACE, ROLLOUT + "-" + hash1).orElseThrow();
    assertThat(reused.metadata().annotations()).containsEntry("rollout.argoproj.io/revision", "3");
  }

  @Test
  void weightsChangedByHandAreRestoredOnTheNextReconcile() {
    TrafficSplit desired = harness.mesh().current(NAMESPACE, ROLLOUT).orElseThrow();

    harness
        .mesh()
        .overwrite(
            NAMESPACE, ROLLOUT, TrafficSplit.of(0, desired.stableHash(), desired.stableHash()));
    harness.reconcile();

    assertThat(harness.mesh().current(NAMESPACE, ROLLOUT)).contains(desired);
  }
}
