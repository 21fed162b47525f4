package io.rollout4j.gatewayapi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import io.rollout4j.testkit.MeshPortContract;

/** The testkit's MeshPort contract, met by the Gateway API adapter on the fabric8 mock server. */
@EnableKubernetesMockClient(crud = true)
class GatewayApiMeshPortContractTest extends MeshPortContract {
  KubernetesClient client;
  private Rollout rollout;

  @Override
  protected MeshPort createPort() {
    GatewayCluster.installCrds(client);
    rollout =
        GatewayCluster.apply(
                client,
                GatewayCluster.read("single-httproute/resources/services.yaml")
                    + "\n---\n"
                    + GatewayCluster.read("single-httproute/resources/httproute.yaml")
                    + "\n---\n"
                    + GatewayCluster.read("single-httproute/resources/rollout.yaml"))
            .get(0);
    return GatewayApiMeshPort.create(client);
  }

  @Override
  protected Rollout routedRollout() {
    return rollout;
  }

  @Override
  protected void pointServices(Rollout rollout, TrafficSplit split) {
    GatewayCluster.point(client, "single-httproute-canary-service", split.canaryHash());
    GatewayCluster.point(client, "single-httproute-stable-service", split.stableHash());
  }
}
