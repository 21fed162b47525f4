package io.rollout4j.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** The fabric8 mock API server (CRUD mode) prepared as a cluster with Argo's CRDs. */
final class MockCluster {
  private MockCluster() {}

  /** Creates every object of a manifest (the shipped CRDs, for one). */
  static void apply(KubernetesClient client, String yaml) {
    for (HasMetadata item :
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      client.resource(item).create();
    }
  }

  static void installCrds(KubernetesClient client) {
    apply(client, ControllerManifests.crds());
  }
}
