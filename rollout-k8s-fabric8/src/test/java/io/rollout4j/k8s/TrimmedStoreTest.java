package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrimmedStoreTest {
  @Test
  void theCacheKeepsEverythingButManagedFields() {
    GenericKubernetesResource rollout = new GenericKubernetesResource();
    rollout.setApiVersion("argoproj.io/v1alpha1");
    rollout.setKind("Rollout");
    rollout.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("cart")
            .withResourceVersion("42")
            .withAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"))
            .withManagedFields(
                new ManagedFieldsEntryBuilder().withManager("argocd-controller").build())
            .build());
    rollout.setAdditionalProperty("spec", Map.of("replicas", 3));
    InformerCache.TrimmedStore store = new InformerCache.TrimmedStore();

    store.put(store.getKey(rollout), rollout);

    GenericKubernetesResource cached = store.get("shop/cart");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getAnnotations())
        .as("kept: a PUT without it would delete it, and kubectl apply needs it")
        .containsKey("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(cached.getAdditionalProperties()).containsEntry("spec", Map.of("replicas", 3));
  }
}
