package io.rollout4j.e2e;

import static io.rollout4j.e2e.Bookinfo.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failures around the controller on the real cluster: the API server restarted mid-canary (watches
 * break and relist), and the leader of two controllers killed (the standby takes the Lease). Each
 * time the canary completes once: one ReplicaSet and one AnalysisRun for the new revision.
 */
class FailoverE2ETest {
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";

  private static void promotedOnce(RealCluster cluster, Bookinfo bookinfo, String v1, String why) {
    bookinfo.await(
        "revision 2 promoted " + why,
        Duration.ofMinutes(3),
        () -> bookinfo.healthyOn(null) && !v1.equals(bookinfo.status().get("stableRS")));
    String v2 = (String) bookinfo.status().get("stableRS");
    assertThat(
            cluster.client.apps().replicaSets().inNamespace(bookinfo.ns).list().getItems().stream()
                .filter(rs -> rs.getMetadata().getName().startsWith(ROLLOUT))
                .map(rs -> rs.getMetadata().getLabels().get("rollouts-pod-template-hash")))
        .as("ReplicaSets " + why)
        .containsExactlyInAnyOrder(v1, v2);
    assertThat(
            cluster
                .client
                .genericKubernetesResources("argoproj.io/v1alpha1", "AnalysisRun")
                .inNamespace(bookinfo.ns)
                .list()
                .getItems())
        .as("AnalysisRuns " + why)
        .hasSize(1);
    bookinfo.await(
        "the stable subset on revision 2 " + why,
        Duration.ofSeconds(30),
        () -> bookinfo.mesh().equals(new Bookinfo.MeshState(0, v2, v2)));
  }

  @Test
  void aRestartedApiServerMidCanaryIsRidden() throws Exception {
    try (RealCluster cluster = RealCluster.connect();
        Bookinfo bookinfo = new Bookinfo(cluster);
        ControllerProcess controller =
            ControllerProcess.start(
                cluster.kubeconfig.toString(), bookinfo.ns, "--leader-elect=false")) {
      bookinfo.await("revision 1 Healthy", Duration.ofMinutes(2), () -> bookinfo.healthyOn(null));
      String v1 = (String) bookinfo.status().get("stableRS");
      bookinfo.push(V2);
      bookinfo.awaitMidCanary();
      Path script = Path.of("..", "cluster.sh").toAbsolutePath().normalize();
      Process restart =
          new ProcessBuilder(script.toString(), "restart", "kube-apiserver").inheritIO().start();
      assertThat(restart.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(restart.exitValue()).as("cluster.sh restart kube-apiserver").isZero();
      promotedOnce(cluster, bookinfo, v1, "after an API server restart");
      assertThat(controller.alive()).isTrue();
    }
  }

  @Test
  void killingTheLeaderHandsTheCanaryToTheStandby() throws Exception {
    try (RealCluster cluster = RealCluster.connect();
        Bookinfo bookinfo = new Bookinfo(cluster)) {
      String[] election = {
        "--leader-elect",
        "--leader-election-namespace=" + bookinfo.ns,
        "--leader-election-lease-duration=6s",
        "--leader-election-renew-deadline=4s",
        "--leader-election-retry-period=1s"
      };
      ControllerProcess a =
          ControllerProcess.start(cluster.kubeconfig.toString(), bookinfo.ns, election);
      ControllerProcess b =
          ControllerProcess.start(cluster.kubeconfig.toString(), bookinfo.ns, election);
      try {
        bookinfo.await("revision 1 Healthy", Duration.ofMinutes(2), () -> bookinfo.healthyOn(null));
        String v1 = (String) bookinfo.status().get("stableRS");
        bookinfo.push(V2);
        bookinfo.awaitMidCanary();
        String holder = holder(cluster, bookinfo.ns);
        ControllerProcess leader = holder.endsWith("-" + a.pid()) ? a : b;
        ControllerProcess standby = leader == a ? b : a;
        assertThat(holder).endsWith("-" + leader.pid());
        Instant killed = Instant.now();
        leader.kill();
        bookinfo.await(
            "the standby holds the lease",
            Duration.ofSeconds(30),
            () -> holder(cluster, bookinfo.ns).endsWith("-" + standby.pid()));
        Duration handover = Duration.between(killed, Instant.now());
        System.out.printf(
            "leader killed: the standby took over after %d ms%n", handover.toMillis());
        assertThat(handover).isLessThan(Duration.ofSeconds(6 + 4));
        promotedOnce(cluster, bookinfo, v1, "after the leader was killed");
      } finally {
        for (ControllerProcess p : List.of(a, b)) {
          p.close();
        }
      }
    }
  }

  private static String holder(RealCluster cluster, String namespace) {
    Lease lease =
        cluster.client.leases().inNamespace(namespace).withName("rollout4j-controller-lock").get();
    return lease == null || lease.getSpec().getHolderIdentity() == null
        ? ""
        : lease.getSpec().getHolderIdentity();
  }
}
