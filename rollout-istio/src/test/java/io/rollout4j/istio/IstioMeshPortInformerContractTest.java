package io.rollout4j.istio;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.MeshPort;
import io.rollout4j.testkit.MeshPortContract;
import org.junit.jupiter.api.AfterEach;

/** The MeshPort contract again, with VirtualServices and DestinationRules read from informers. */
@EnableKubernetesMockClient(crud = true)
class IstioMeshPortInformerContractTest extends MeshPortContract {
  KubernetesClient client;
  private Rollout rollout;
  private IstioMeshPort port;

  @Override
  protected MeshPort createPort() {
    IstioCluster.installCrds(client);
    rollout =
        IstioCluster.apply(
                client,
                "bookinfo",
                VirtualServiceRoutesTest.conformance("tse-gitops-demo/argo/tse/conf.yaml")
                    + "\n---\n"
                    + VirtualServiceRoutesTest.conformance(
                        "tse-gitops-demo/argo/rollout/rollout.yaml"))
            .get(0);
    port = IstioMeshPort.builder(client).informers(true).build();
    return port;
  }

  @Override
  protected Rollout routedRollout() {
    return rollout;
  }

  @AfterEach
  void stopInformers() {
    port.close();
  }
}
