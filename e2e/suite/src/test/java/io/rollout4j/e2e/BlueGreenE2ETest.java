package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Argo's {@code rollout-bluegreen} example on the real cluster with the controller process: the new
 * stack behind the preview Service, a pause before promotion, the promote that {@code kubectl argo
 * rollouts promote} sends (a merge patch of {@code /status}), the active Service switched, and the
 * old stack scaled down after the delay.
 */
class BlueGreenE2ETest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(RealCluster cluster, String ns) {
    GenericKubernetesResource rollout = cluster.argo("Rollout", ns, "rollout-bluegreen");
    Object status = rollout == null ? null : rollout.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String selected(RealCluster cluster, String ns, String service) {
    Service s = cluster.client.services().inNamespace(ns).withName(service).get();
    return s.getSpec().getSelector().get("rollouts-pod-template-hash");
  }

  private static int replicas(RealCluster cluster, String ns, String hash) {
    return cluster.client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
        .filter(rs -> hash.equals(rs.getMetadata().getLabels().get("rollouts-pod-template-hash")))
        .mapToInt(rs -> rs.getSpec().getReplicas())
        .sum();
  }

  @Test
  void previewPausePromoteSwitchAndScaleDown() throws Exception {
    String shared = System.getProperty("rollout4j.shared.dir");
    Path example =
        Path.of(shared != null && !shared.isBlank() ? shared : "../../../shared")
            .resolve("conformance/argo-rollouts-examples/examples/rollout-bluegreen.yaml");
    String manifest = Files.readString(example);
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("bluegreen");
      try (ControllerProcess controller =
          ControllerProcess.start(cluster.kubeconfig.toString(), ns, "--leader-elect=false")) {
        cluster.apply(ns, manifest);
        RealCluster.await(
            "blue Healthy",
            Duration.ofMinutes(2),
            () -> "Healthy".equals(status(cluster, ns).get("phase")));
        String blue = (String) status(cluster, ns).get("stableRS");
        assertThat(selected(cluster, ns, "rollout-bluegreen-active")).isEqualTo(blue);

        cluster.apply(ns, manifest.replace("rollouts-demo:blue", "rollouts-demo:green"));
        RealCluster.await(
            "green behind the preview, paused",
            Duration.ofMinutes(2),
            () -> "Paused".equals(status(cluster, ns).get("phase")));
        String green = (String) status(cluster, ns).get("currentPodHash");
        assertThat(green).isNotEqualTo(blue);
        assertThat(selected(cluster, ns, "rollout-bluegreen-preview")).isEqualTo(green);
        assertThat(selected(cluster, ns, "rollout-bluegreen-active")).isEqualTo(blue);
        assertThat(status(cluster, ns).get("message")).isEqualTo("BlueGreenPause");

        // What `kubectl argo rollouts promote` sends for a paused blue-green rollout.
        cluster
            .client
            .genericKubernetesResources("argoproj.io/v1alpha1", "Rollout")
            .inNamespace(ns)
            .withName("rollout-bluegreen")
            .subresource("status")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"pauseConditions\":null}}");
        RealCluster.await(
            "green active and Healthy",
            Duration.ofMinutes(1),
            () ->
                green.equals(selected(cluster, ns, "rollout-bluegreen-active"))
                    && "Healthy".equals(status(cluster, ns).get("phase")));
        assertThat(replicas(cluster, ns, blue))
            .as("blue kept for the scale-down delay")
            .isEqualTo(2);
        RealCluster.await(
            "blue scaled down after the 30 s delay",
            Duration.ofMinutes(2),
            () -> replicas(cluster, ns, blue) == 0);
        assertThat(replicas(cluster, ns, green)).isEqualTo(2);
      }
    }
  }
}
