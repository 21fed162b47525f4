package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The install manifests apply on a real API server (CRDs, ClusterRole, namespace, ServiceAccount,
 * binding, Deployment, Service), and the ServiceAccount's RBAC is enough: the controller process,
 * authenticated with that account's token instead of the admin certificate, runs the Bookinfo
 * canary to promotion.
 */
class InstallManifestsE2ETest {
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";

  @Test
  void theManifestsApplyAndTheServiceAccountsRbacRunsACanary() throws Exception {
    Path repo = Path.of("..", "..").toAbsolutePath().normalize();
    try (RealCluster cluster = RealCluster.connect()) {
      String resources = "rollout-k8s-fabric8/src/main/resources/io/rollout4j/k8s/";
      cluster.kubectl(
          "", "apply", "--server-side", "-f", repo.resolve(resources + "crds.yaml").toString());
      cluster.kubectl(
          "", "apply", "--server-side", "-f", repo.resolve(resources + "rbac.yaml").toString());
      cluster.kubectl(
          "", "apply", "-f", repo.resolve("rollout-controller/manifests/install.yaml").toString());
      RealCluster.await(
          "the controller Deployment's pods Ready (kwok)",
          Duration.ofMinutes(1),
          () -> {
            Deployment d =
                cluster
                    .client
                    .apps()
                    .deployments()
                    .inNamespace("rollout4j")
                    .withName("rollout4j-controller")
                    .get();
            return d != null
                && d.getStatus() != null
                && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas());
          });

      String token =
          cluster.kubectl("", "create", "token", "rollout4j-controller", "-n", "rollout4j").strip();
      String server = cluster.client.getConfiguration().getMasterUrl();
      String ca =
          cluster
              .kubectl(
                  "",
                  "config",
                  "view",
                  "--raw",
                  "-o",
                  "jsonpath={.clusters[0].cluster.certificate-authority-data}")
              .strip();
      assertThat(Base64.getDecoder().decode(ca)).isNotEmpty();
      Path kubeconfig = Path.of("target", "service-account.kubeconfig").toAbsolutePath();
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: e2e
            cluster: {server: "%s", certificate-authority-data: "%s"}
          users:
          - name: rollout4j-controller
            user: {token: "%s"}
          contexts:
          - name: sa
            context: {cluster: e2e, user: rollout4j-controller}
          current-context: sa
          """
              .formatted(server, ca, token));

      try (Bookinfo bookinfo = new Bookinfo(cluster);
          ControllerProcess controller =
              ControllerProcess.start(
                  kubeconfig.toString(),
                  bookinfo.ns,
                  "--leader-elect",
                  "--leader-election-namespace=" + bookinfo.ns)) {
        bookinfo.await(
            "revision 1 Healthy with the ServiceAccount's rights",
            Duration.ofMinutes(2),
            () -> bookinfo.healthyOn(null));
        String v1 = (String) bookinfo.status().get("stableRS");
        bookinfo.push(V2);
        bookinfo.await(
            "revision 2 promoted with the ServiceAccount's rights",
            Duration.ofMinutes(3),
            () -> bookinfo.healthyOn(null) && !v1.equals(bookinfo.status().get("stableRS")));
        assertThat(controller.logText()).doesNotContain("Forbidden").doesNotContain(" 403");
      }
    }
  }
}
