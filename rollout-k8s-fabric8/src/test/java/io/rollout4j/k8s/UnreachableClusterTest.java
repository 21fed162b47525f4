package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** With no API server to talk to, the controller says which one it tried and how to change it. */
class UnreachableClusterTest {

  private static final MeshPort NO_MESH =
      new MeshPort() {
        @Override
        public void apply(Rollout rollout, TrafficSplit split) {}

        @Override
        public Optional<TrafficSplit> current(Rollout rollout) {
          return Optional.empty();
        }

        @Override
        public Set<String> routers() {
          return Set.of("istio");
        }
      };

  @Test
  void startNamesTheServerAndSaysHowToPointElsewhere() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    String url = "https://127.0.0.1:" + port + "/";
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl(url)
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(2_000)
                    .build())
            .build()) {
      RolloutController controller = RolloutController.builder(client).mesh(NO_MESH).build();
      assertThatThrownBy(controller::startWithoutWorkers)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot reach the Kubernetes API server at " + url)
          .hasMessageContaining("ConnectException")
          .hasMessageContaining("KUBECONFIG");
      controller.close();
    }
  }
}
