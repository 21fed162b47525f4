package io.rollout4j.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.testkit.ClusterPortContract;

/** The testkit's ClusterPort contract, met on the fabric8 mock API server with the shipped CRDs. */
@EnableKubernetesMockClient(crud = true)
class Fabric8ClusterPortContractTest extends ClusterPortContract {
  KubernetesClient client;

  @Override
  protected ClusterPort createPort() {
    MockCluster.installCrds(client);
    return Fabric8ClusterPort.builder(client).build();
  }
}
