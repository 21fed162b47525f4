package io.rollout4j.istio;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.rollout4j.k8s.store.ResourceStore;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Istio's CRDs and objects on the fabric8 mock server, for the adapter's tests. */
final class IstioCluster {
  private IstioCluster() {}

  /** Installs VirtualService and DestinationRule CRDs serving v1alpha3, v1beta1 and v1. */
  static void installCrds(KubernetesClient client) {
    for (String kind : List.of("VirtualService", "DestinationRule")) {
      String plural = kind.toLowerCase(Locale.ROOT) + "s";
      CustomResourceDefinition crd =
          new CustomResourceDefinitionBuilder()
              .withNewMetadata()
              .withName(plural + "." + IstioMeshPort.GROUP)
              .endMetadata()
              .withNewSpec()
              .withGroup(IstioMeshPort.GROUP)
              .withScope("Namespaced")
              .withNewNames()
              .withKind(kind)
              .withPlural(plural)
              .withSingular(kind.toLowerCase(Locale.ROOT))
              .withListKind(kind + "List")
              .endNames()
              .addNewVersion()
              .withName("v1alpha3")
              .withServed(true)
              .withStorage(false)
              .endVersion()
              .addNewVersion()
              .withName("v1beta1")
              .withServed(true)
              .withStorage(false)
              .endVersion()
              .addNewVersion()
              .withName("v1")
              .withServed(true)
              .withStorage(true)
              .endVersion()
              .endSpec()
              .build();
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  /**
   * Creates every VirtualService, DestinationRule and Service of a manifest in {@code namespace};
   * returns the Rollouts in it, placed in that namespace.
   */
  static List<Rollout> apply(KubernetesClient client, String namespace, String yaml) {
    List<Resource> resources = Manifests.parse(yaml);
    for (Resource resource : resources) {
      if (resource instanceof GenericResource g
          && List.of("VirtualService", "DestinationRule", "Service").contains(g.kind())) {
        GenericKubernetesResource object =
            client
                .getKubernetesSerialization()
                .convertValue(Manifests.toMap(g), GenericKubernetesResource.class);
        object.getMetadata().setNamespace(namespace);
        if (g.kind().equals("Service")) {
          client
              .services()
              .resource(
                  client
                      .getKubernetesSerialization()
                      .convertValue(object, io.fabric8.kubernetes.api.model.Service.class))
              .create();
        } else {
          client
              .genericKubernetesResources(
                  context(g.kind(), ResourceStore.versionOf(g.apiVersion())))
              .inNamespace(namespace)
              .resource(object)
              .create();
        }
      }
    }
    return resources.stream()
        .filter(Rollout.class::isInstance)
        .map(Rollout.class::cast)
        .map(r -> r.withMetadata(r.metadata().withNamespace(namespace)))
        .toList();
  }

  /** The object in whichever version it was stored (the mock server does not convert). */
  static GenericKubernetesResource get(
      KubernetesClient client, String kind, String namespace, String name) {
    for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
      GenericKubernetesResource found =
          client
              .genericKubernetesResources(context(kind, version))
              .inNamespace(namespace)
              .withName(name)
              .get();
      if (found != null) {
        return found;
      }
    }
    throw new AssertionError(kind + " " + namespace + "/" + name + " not found");
  }

  static void update(KubernetesClient client, GenericKubernetesResource resource) {
    client
        .genericKubernetesResources(
            context(resource.getKind(), ResourceStore.versionOf(resource.getApiVersion())))
        .inNamespace(resource.getMetadata().getNamespace())
        .resource(resource)
        .update();
  }

  static void delete(KubernetesClient client, String kind, String namespace, String name) {
    GenericKubernetesResource found = get(client, kind, namespace, name);
    client
        .genericKubernetesResources(context(kind, ResourceStore.versionOf(found.getApiVersion())))
        .inNamespace(namespace)
        .withName(name)
        .delete();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  static ResourceDefinitionContext context(String kind, String version) {
    return ResourceStore.context(IstioMeshPort.GROUP, kind, version);
  }
}
