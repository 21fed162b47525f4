package io.rollout4j.gatewayapi;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollout4j.k8s.store.ResourceStore;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** Gateway API's route CRDs and objects on the fabric8 mock server, for the adapter's tests. */
final class GatewayCluster {
  private GatewayCluster() {}

  /** HTTPRoute and GRPCRoute (v1), TCPRoute and TLSRoute (v1alpha2), as the CRDs serve them. */
  static void installCrds(KubernetesClient client) {
    crd(client, "HTTPRoute", "v1");
    crd(client, "GRPCRoute", "v1");
    crd(client, "TCPRoute", "v1alpha2");
    crd(client, "TLSRoute", "v1alpha2");
  }

  private static void crd(KubernetesClient client, String kind, String version) {
    String plural = kind.toLowerCase(Locale.ROOT) + "s";
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName(plural + "." + GatewayApiMeshPort.GROUP)
            .endMetadata()
            .withNewSpec()
            .withGroup(GatewayApiMeshPort.GROUP)
            .withScope("Namespaced")
            .withNewNames()
            .withKind(kind)
            .withPlural(plural)
            .withSingular(kind.toLowerCase(Locale.ROOT))
            .withListKind(kind + "List")
            .endNames()
            .addNewVersion()
            .withName(version)
            .withServed(true)
            .withStorage(true)
            .endVersion()
            .endSpec()
            .build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** Creates every route and Service of a manifest in its namespace; returns its Rollouts. */
  @SuppressWarnings("unchecked")
  static List<Rollout> apply(KubernetesClient client, String yaml) {
    List<Rollout> rollouts = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(yaml)) {
      if (!(doc instanceof Map<?, ?> map)) {
        continue;
      }
      Map<String, Object> object = (Map<String, Object>) map;
      String kind = String.valueOf(object.get("kind"));
      if (kind.equals("Service")) {
        client
            .services()
            .inNamespace("default")
            .resource(client.getKubernetesSerialization().convertValue(object, Service.class))
            .create();
      } else if (kind.endsWith("Route")) {
        create(
            client,
            client
                .getKubernetesSerialization()
                .convertValue(object, GenericKubernetesResource.class));
      } else if (kind.equals("Rollout")) {
        rollouts.add((Rollout) Manifests.fromMap(object));
      }
    }
    return rollouts;
  }

  static void create(KubernetesClient client, GenericKubernetesResource route) {
    client
        .genericKubernetesResources(context(route))
        .inNamespace(route.getMetadata().getNamespace())
        .resource(route)
        .create();
  }

  static GenericKubernetesResource get(
      KubernetesClient client, String kind, String version, String name) {
    return client
        .genericKubernetesResources(ResourceStore.context(GatewayApiMeshPort.GROUP, kind, version))
        .inNamespace("default")
        .withName(name)
        .get();
  }

  static void replace(KubernetesClient client, GenericKubernetesResource route) {
    client
        .genericKubernetesResources(context(route))
        .inNamespace(route.getMetadata().getNamespace())
        .resource(route)
        .update();
  }

  private static io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context(
      GenericKubernetesResource route) {
    return ResourceStore.context(
        GatewayApiMeshPort.GROUP, route.getKind(), ResourceStore.versionOf(route.getApiVersion()));
  }

  /** Points a Service's pod-template-hash selector, as the engine does. */
  static void point(KubernetesClient client, String service, String hash) {
    client
        .services()
        .inNamespace("default")
        .withName(service)
        .edit(
            s -> {
              s.getSpec().getSelector().put(RolloutLabels.POD_TEMPLATE_HASH, hash);
              return s;
            });
  }

  static String read(String relative) {
    try {
      return java.nio.file.Files.readString(PluginConformanceTest.chainsaw().resolve(relative));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
