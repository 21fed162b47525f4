package io.rollout4j.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.testkit.ClusterPortContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The testkit's ClusterPort contract on the fabric8 mock API server with the shipped CRDs, with
 * reads from informers (as the controller runs it) and straight from the API server.
 */
class Fabric8ClusterPortContractTest {

  @Nested
  @EnableKubernetesMockClient(crud = true)
  class WithInformers extends ClusterPortContract {
    KubernetesClient client;
    private Fabric8ClusterPort port;
    private KubernetesClient own;

    /** On a client of its own, closed with the port: the server's shutdown then finds no watch. */
    @Override
    protected ClusterPort createPort() {
      MockCluster.installCrds(client);
      own =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(client.getConfiguration())
              .build();
      port = Fabric8ClusterPort.builder(own).build().start();
      return port;
    }

    @AfterEach
    void stopInformers() {
      port.close();
      own.close();
    }
  }

  @Nested
  @EnableKubernetesMockClient(crud = true)
  class Direct extends ClusterPortContract {
    KubernetesClient client;

    @Override
    protected ClusterPort createPort() {
      MockCluster.installCrds(client);
      return Fabric8ClusterPort.builder(client).informers(false).build();
    }
  }
}
