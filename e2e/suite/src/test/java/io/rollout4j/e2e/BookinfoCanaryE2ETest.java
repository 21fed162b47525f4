package io.rollout4j.e2e;

import static io.rollout4j.e2e.Bookinfo.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rollout4j.e2e.Bookinfo.MeshState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Bookinfo canary on a real API server with {@code bin/rollout4j-controller} as a process: pods
 * from the real ReplicaSet controller, scheduler and kwok; Istio's real CRDs; promotion through
 * every mesh state of the seed, and an abort on bad metrics.
 */
class BookinfoCanaryE2ETest {
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";
  private static final String V3 = "examples-bookinfo-reviews-v3:1.16.4";

  private static RealCluster cluster;
  private static Bookinfo seed;
  private static ControllerProcess controller;

  @BeforeAll
  static void deploy() {
    cluster = RealCluster.connect();
    seed = new Bookinfo(cluster);
    controller =
        ControllerProcess.start(cluster.kubeconfig.toString(), seed.ns, "--leader-elect=false");
  }

  @AfterAll
  static void tearDown() {
    if (controller != null) {
      assertThat(controller.stop()).as("exit code after SIGTERM").isZero();
      assertThat(controller.logText()).contains("stopped");
    }
    if (seed != null) {
      seed.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theSeedCanaryWalksEveryWeightPromotesAndAnAbortReturnsTrafficToStable() {
    seed.await("revision 1 Healthy", Duration.ofMinutes(2), () -> seed.healthyOn(null));
    String v1 = (String) seed.status().get("stableRS");
    seed.await("5 Ready pods of revision 1", Duration.ofMinutes(1), () -> seed.readyPods(v1) == 5);
    Map<String, Object> healthy = seed.status();
    assertThat(healthy.get("observedGeneration"))
        .isEqualTo(
            String.valueOf(
                cluster.argo("Rollout", seed.ns, ROLLOUT).getMetadata().getGeneration()));

    List<MeshState> promotion =
        seed.watching(
            () -> {
              seed.push(V2);
              seed.await(
                  "revision 2 promoted",
                  Duration.ofMinutes(3),
                  () -> seed.healthyOn(null) && !v1.equals(seed.status().get("stableRS")));
              // As in Argo, the status marks the new revision stable in the reconcile that
              // completes the last step; the next one moves the stable subset and weight 0.
              String promoted = (String) seed.status().get("stableRS");
              seed.await(
                  "the stable subset on revision 2",
                  Duration.ofSeconds(30),
                  () -> seed.mesh().equals(new MeshState(0, promoted, promoted)));
            });
    String v2 = (String) seed.status().get("stableRS");
    assertThat(promotion)
        .extracting(MeshState::canaryWeight)
        .containsSubsequence(10, 20, 40, 60, 80, 100, 0);
    assertThat(promotion)
        .filteredOn(m -> m.canaryWeight() > 0)
        .allSatisfy(
            m -> {
              assertThat(m.stableHash()).isEqualTo(v1);
              assertThat(m.canaryHash()).isEqualTo(v2);
            });
    assertThat(promotion.get(promotion.size() - 1)).isEqualTo(new MeshState(0, v2, v2));
    assertThat(seed.readyPods(v2)).isEqualTo(5);
    List<GenericKubernetesResource> runs =
        cluster
            .client
            .genericKubernetesResources("argoproj.io/v1alpha1", "AnalysisRun")
            .inNamespace(seed.ns)
            .list()
            .getItems();
    assertThat(runs).hasSize(1);
    System.out.printf(
        "promotion analysis against the real OAP: %s%n",
        measurements(runs.get(0)).stream()
            .map(m -> m.get("phase") + " " + m.get("value"))
            .toList());
    assertThat(measurements(runs.get(0)))
        .as("the real OAP's answers, every point of the window at Apdex 1.00 but a new minute's")
        .isNotEmpty()
        .anySatisfy(m -> assertThat(m).containsEntry("phase", "Successful"));

    // Every call of revision 3 takes 3 s: Apdex 0 in every minute it runs.
    seed.latency(Duration.ofSeconds(3));
    List<MeshState> abort =
        seed.watching(
            () -> {
              seed.push(V3);
              seed.await(
                  "revision 3 aborted",
                  Duration.ofMinutes(3),
                  () -> "Degraded".equals(seed.status().get("phase")));
              seed.await(
                  "traffic back on stable",
                  Duration.ofMinutes(1),
                  () -> seed.mesh().canaryWeight() == 0);
            });
    assertThat(String.valueOf(seed.status().get("message")))
        .startsWith(
            "RolloutAborted: Rollout aborted update to revision 3: Background analysis phase"
                + " error/failed: Metric \"apdex\" assessed Failed due to failed (4) >"
                + " failureLimit (3)");
    assertThat(abort).extracting(MeshState::canaryWeight).contains(20);
    MeshState end = seed.mesh();
    assertThat(end.canaryWeight()).isZero();
    assertThat(end.stableHash()).isEqualTo(v2);
    // The aborted canary keeps its pods for abortScaleDownDelaySeconds (30 s), then goes to 0.
    seed.await(
        "only revision 2 has pods",
        Duration.ofMinutes(2),
        () -> {
          List<ReplicaSet> sets =
              cluster.client.apps().replicaSets().inNamespace(seed.ns).list().getItems();
          return sets.stream()
              .filter(rs -> rs.getMetadata().getName().startsWith(ROLLOUT))
              .allMatch(
                  rs ->
                      rs.getSpec().getReplicas()
                          == (Objects.equals(
                                  rs.getMetadata().getLabels().get("rollouts-pod-template-hash"),
                                  v2)
                              ? 5
                              : 0));
        });
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> measurements(GenericKubernetesResource run) {
    Map<String, Object> status = (Map<String, Object>) run.getAdditionalProperties().get("status");
    List<Map<String, Object>> results = (List<Map<String, Object>>) status.get("metricResults");
    return (List<Map<String, Object>>) results.get(0).get("measurements");
  }
}
