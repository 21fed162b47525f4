package io.rollout4j.istio;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.MeshPort;
import io.rollout4j.testkit.MeshPortContract;

/** The testkit's MeshPort contract, met by the Istio adapter on the fabric8 CRUD mock server. */
@EnableKubernetesMockClient(crud = true)
class IstioMeshPortContractTest extends MeshPortContract {
  KubernetesClient client;
  private Rollout rollout;

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
    return IstioMeshPort.create(client);
  }

  @Override
  protected Rollout routedRollout() {
    return rollout;
  }
}
