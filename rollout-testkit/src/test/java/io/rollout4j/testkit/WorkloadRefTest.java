package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.RolloutPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Rollout borrows the reviews Deployment's template; scaleDown drains the Deployment. */
class WorkloadRefTest {

  private static RolloutHarness withScaleDown(String mode) {
    RolloutHarness harness = RolloutHarness.create();
    // The Deployment still runs 1 pod, as at the demo's final commit.
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/application/bookinfo.yaml"));
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    String rollout = Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml");
    if (mode != null) {
      rollout =
          rollout.replace(
              "    name: reviews\n  strategy",
              "    name: reviews\n    scaleDown: " + mode + "\n  strategy");
    }
    harness.apply(NAMESPACE, rollout);
    return harness;
  }

  private static int deploymentReplicas(RolloutHarness harness) {
    GenericResource deployment =
        (GenericResource) harness.cluster().get("Deployment", NAMESPACE, "reviews").orElseThrow();
    return ((Number) deployment.path("spec", "replicas")).intValue();
  }

  @Test
  void neverLeavesTheDeploymentAlone() {
    RolloutHarness harness = withScaleDown(null);
    harness.advance(Duration.ofMinutes(1));

    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
    assertThat(deploymentReplicas(harness)).isEqualTo(1);
  }

  @Test
  void onSuccessScalesTheDeploymentToZeroOnceHealthyAndKeepsItThere() {
    RolloutHarness harness = withScaleDown("onsuccess");
    harness.advance(Duration.ofSeconds(5));
    assertThat(deploymentReplicas(harness)).isEqualTo(1);

    harness.advance(Duration.ofMinutes(1));
    assertThat(deploymentReplicas(harness)).isZero();

    // A GitOps sync scales it back up: it is drained again (Argo leaves it, issue #4935).
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/application/bookinfo.yaml"));
    harness.advance(Duration.ofSeconds(1));
    assertThat(deploymentReplicas(harness)).isZero();
  }

  @Test
  void progressivelyHandsPodsOverAsRolloutPodsBecomeReady() {
    RolloutHarness harness = withScaleDown("progressively");
    List<Integer> seen = new ArrayList<>();
    harness.afterEveryPass(h -> seen.add(deploymentReplicas(h)));

    harness.advance(Duration.ofMinutes(1));

    assertThat(seen).first().isEqualTo(1);
    assertThat(seen).last().isEqualTo(0);
    assertThat(harness.rollout(NAMESPACE, ROLLOUT).status().phase())
        .isEqualTo(RolloutPhase.HEALTHY);
  }
}
