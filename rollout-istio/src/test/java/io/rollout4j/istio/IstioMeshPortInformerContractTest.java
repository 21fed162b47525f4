package io.rollout4j.istio;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;

/** The MeshPort contract again, with VirtualServices and DestinationRules read from informers. */
class IstioMeshPortInformerContractTest extends IstioMeshPortContractTest {
  private IstioMeshPort port;
  private KubernetesClient own;

  /** On a client of its own, closed with the port: the server's shutdown then finds no watch. */
  @Override
  protected IstioMeshPort port(KubernetesClient client) {
    own =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(client.getConfiguration())
            .build();
    port = IstioMeshPort.builder(own).informers(true).build();
    return port;
  }

  @AfterEach
  void stopInformers() {
    port.close();
    own.close();
  }
}
