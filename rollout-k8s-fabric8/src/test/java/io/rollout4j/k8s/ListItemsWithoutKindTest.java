package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real API server leaves {@code kind} and {@code apiVersion} out of the items of a list (found on
 * the e2e cluster: the workloadRef Deployment could not be read, and the rollout never started).
 * fabric8's CRUD mock server puts them in, so this test answers as the real one does.
 */
class ListItemsWithoutKindTest {
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void listedItemsAreReadAsTheKindThatWasListed() {
    server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/shop/deployments")
        .andReturn(
            200,
            """
            {"kind": "DeploymentList", "apiVersion": "apps/v1", "metadata": {"resourceVersion": "7"},
             "items": [{"metadata": {"name": "reviews", "namespace": "shop", "resourceVersion": "5"},
                        "spec": {"replicas": 0, "template": {"metadata": {"labels": {"app": "r"}}}}}]}
            """)
        .once();
    Fabric8ClusterPort port = Fabric8ClusterPort.builder(client).informers(false).build();

    List<Resource> listed = port.list("Deployment", "shop");

    assertThat(listed).hasSize(1);
    GenericResource deployment = (GenericResource) listed.get(0);
    assertThat(deployment.kind()).isEqualTo("Deployment");
    assertThat(deployment.apiVersion()).isEqualTo("apps/v1");
    assertThat(deployment.name()).isEqualTo("reviews");
  }
}
