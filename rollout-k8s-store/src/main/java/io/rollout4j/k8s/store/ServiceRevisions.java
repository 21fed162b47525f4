package io.rollout4j.k8s.store;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollout4j.model.RolloutLabels;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The revision a Service selects: its {@code spec.selector.rollouts-pod-template-hash}, which is
 * how a router that sends traffic to Services (Gateway API routes, Istio's host-level
 * VirtualServices) tells which ReplicaSet each side of a split reaches. With informers (one per
 * namespace, started at the second read of a Service there) a reconcile reads no Service from the
 * API server.
 *
 * <p>Thread-safe; one instance serves every rollout of a mesh port. {@link #close} stops the
 * informers.
 */
public final class ServiceRevisions implements AutoCloseable {
  private static final String KIND = "Service";

  private final ResourceStore services;

  private ServiceRevisions(ResourceStore services) {
    this.services = services;
  }

  /** Services read through {@code client}, from informers when {@code informers} is true. */
  public static ServiceRevisions of(KubernetesClient client, boolean informers) {
    return new ServiceRevisions(
        ResourceStore.builder(client, "", List.of("v1"), "v1")
            .apiVersion("v1")
            .informers(informers)
            .build());
  }

  /** The hash the Service selects; null when it does not exist or selects no revision. */
  public @Nullable String selected(String namespace, String service) {
    return services.get(KIND, namespace, service).map(ServiceRevisions::hashOf).orElse(null);
  }

  private static @Nullable String hashOf(GenericKubernetesResource service) {
    if (service.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
        && spec.get("selector") instanceof Map<?, ?> selector
        && selector.get(RolloutLabels.POD_TEMPLATE_HASH) instanceof String hash) {
      return hash;
    }
    return null;
  }

  @Override
  public void close() {
    services.close();
  }
}
