package io.rollout4j.e2e;

import static io.rollout4j.e2e.Bookinfo.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The controller process killed with SIGKILL at random moments of the canary and started again
 * finishes with the same end state: the new revision promoted, one ReplicaSet and one AnalysisRun
 * for it, nothing left behind. All state lives in the cluster.
 */
class ControllerCrashE2ETest {
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";

  @Test
  void killedThreeTimesMidCanaryTheRolloutStillPromotesExactlyOnce() throws Exception {
    long seed = Long.getLong("rollout4j.e2e.seed", System.nanoTime());
    Random random = new Random(seed);
    try (RealCluster cluster = RealCluster.connect();
        Bookinfo bookinfo = new Bookinfo(cluster)) {
      ControllerProcess controller =
          ControllerProcess.start(
              cluster.kubeconfig.toString(), bookinfo.ns, "--leader-elect=false");
      List<String> kills = new ArrayList<>();
      try {
        bookinfo.await("revision 1 Healthy", Duration.ofMinutes(2), () -> bookinfo.healthyOn(null));
        String v1 = (String) bookinfo.status().get("stableRS");
        bookinfo.push(V2);
        Instant pushed = Instant.now();
        for (int i = 0; i < 3; i++) {
          Thread.sleep(3_000 + random.nextInt(9_000));
          kills.add(
              Duration.between(pushed, Instant.now()).toSeconds()
                  + " s: step "
                  + bookinfo.status().get("currentStepIndex"));
          controller.kill();
          controller =
              ControllerProcess.start(
                  cluster.kubeconfig.toString(), bookinfo.ns, "--leader-elect=false");
        }
        bookinfo.await(
            "revision 2 promoted after kills at " + kills + " (seed " + seed + ")",
            Duration.ofMinutes(3),
            () -> bookinfo.healthyOn(null) && !v1.equals(bookinfo.status().get("stableRS")));
        String v2 = (String) bookinfo.status().get("stableRS");

        List<ReplicaSet> sets =
            cluster.client.apps().replicaSets().inNamespace(bookinfo.ns).list().getItems().stream()
                .filter(rs -> rs.getMetadata().getName().startsWith(ROLLOUT))
                .toList();
        assertThat(sets)
            .as("the rollout's ReplicaSets after kills at %s", kills)
            .extracting(rs -> rs.getMetadata().getLabels().get("rollouts-pod-template-hash"))
            .containsExactlyInAnyOrder(v1, v2);
        List<GenericKubernetesResource> runs =
            cluster
                .client
                .genericKubernetesResources("argoproj.io/v1alpha1", "AnalysisRun")
                .inNamespace(bookinfo.ns)
                .list()
                .getItems();
        assertThat(runs).as("AnalysisRuns after kills at %s", kills).hasSize(1);
        bookinfo.await(
            "the stable subset on revision 2",
            Duration.ofSeconds(30),
            () -> bookinfo.mesh().equals(new Bookinfo.MeshState(0, v2, v2)));
        System.out.printf("controller killed at %s (seed %d); promoted once%n", kills, seed);
      } finally {
        controller.close();
      }
    }
  }
}
