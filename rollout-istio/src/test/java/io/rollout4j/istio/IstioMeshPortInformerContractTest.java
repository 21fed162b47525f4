package io.rollout4j.istio;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;

/** The MeshPort contract again, with VirtualServices and DestinationRules read from informers. */
class IstioMeshPortInformerContractTest extends IstioMeshPortContractTest {
  private IstioMeshPort port;

  @Override
  protected IstioMeshPort port(KubernetesClient client) {
    port = IstioMeshPort.builder(client).informers(true).build();
    return port;
  }

  @AfterEach
  void stopInformers() {
    port.close();
  }
}
