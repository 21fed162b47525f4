package io.rollout4j.k8s.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CompactItemStoreTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void theCacheKeepsEverythingButManagedFields() {
    GenericKubernetesResource rollout = rollout("cart");
    rollout
        .getMetadata()
        .setManagedFields(
            List.of(new ManagedFieldsEntryBuilder().withManager("argocd-controller").build()));
    CompactItemStore store = new CompactItemStore();

    store.put(store.getKey(rollout), rollout);

    GenericKubernetesResource cached = store.get("shop/cart");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(cached.getMetadata().getAnnotations())
        .as("kept: a PUT without it would delete it, and kubectl apply needs it")
        .containsKey("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(cached.getAdditionalProperties())
        .containsEntry("spec", Map.of("replicas", 3, "strategy", Map.of("canary", Map.of())));
  }

  /** Every manifest of the conformance corpus: the cached object says exactly what was read. */
  @Test
  void aCompactedObjectSerializesToTheSameJsonInTheSameOrder() throws IOException {
    List<GenericKubernetesResource> objects = corpus();
    assertThat(objects).hasSizeGreaterThan(200);
    for (GenericKubernetesResource read : objects) {
      GenericKubernetesResource original = JSON.clone(read);
      original.getMetadata().setManagedFields(null);
      String before = JSON.asJson(original);

      GenericKubernetesResource compacted = CompactItemStore.compact(read);

      assertThat(JSON.asJson(compacted)).isEqualTo(before);
      assertThat(compacted).isEqualTo(original);
      assertThat(compacted.hashCode()).isEqualTo(original.hashCode());
    }
  }

  @Test
  void valuesRepeatedAcrossObjectsAreKeptOnce() {
    GenericKubernetesResource cart = CompactItemStore.compact(rollout("cart"));
    GenericKubernetesResource shop = CompactItemStore.compact(rollout("cart-7d9f"));

    assertThat(label(shop)).isSameAs(label(cart));
    assertThat(shop.getMetadata().getNamespace()).isSameAs(cart.getMetadata().getNamespace());
    assertThat(shop.getMetadata().getOwnerReferences().get(0).getUid())
        .isSameAs(cart.getMetadata().getOwnerReferences().get(0).getUid());
    assertThat(image(shop)).isSameAs(image(cart));
  }

  @Test
  void aCachedObjectStaysEditableAsTheInformerDecodedIt() {
    GenericKubernetesResource cart = JSON.clone(rollout("cart"));
    CompactItemStore.compact(cart);

    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) cart.getAdditionalProperties().get("spec");
    spec.put("paused", true);
    spec.remove("replicas");
    cart.getMetadata().getLabels().put("tier", "web");
    cart.getMetadata().getOwnerReferences().add(new OwnerReferenceBuilder().withName("x").build());

    assertThat(JSON.asJson(spec)).isEqualTo("{\"strategy\":{\"canary\":{}},\"paused\":true}");
    assertThat(cart.getMetadata().getLabels()).containsEntry("tier", "web");
    assertThat(cart.getMetadata().getOwnerReferences()).hasSize(2);
  }

  private static GenericKubernetesResource rollout(String name) {
    GenericKubernetesResource rollout = new GenericKubernetesResource();
    rollout.setApiVersion("argoproj.io/v1alpha1");
    rollout.setKind("Rollout");
    rollout.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(new String("shop"))
            .withName(name)
            .withResourceVersion("42")
            .withLabels(Map.of("app", new String("cart")))
            .withAnnotations(Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}"))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withKind("Rollout")
                    .withName("cart")
                    .withUid(new String("2c1d9e7e-5d07-4b7f-9a55-0f6d5b1f1c7a"))
                    .build())
            .build());
    Map<String, Object> spec = new java.util.LinkedHashMap<>();
    spec.put("replicas", 3);
    spec.put("strategy", Map.of("canary", Map.of()));
    rollout.setAdditionalProperty("spec", spec);
    rollout.setAdditionalProperty(
        "status",
        Map.of("images", new ArrayList<>(List.of(new String("registry.example/cart:2")))));
    return rollout;
  }

  private static String label(GenericKubernetesResource object) {
    return object.getMetadata().getLabels().get("app");
  }

  @SuppressWarnings("unchecked")
  private static Object image(GenericKubernetesResource object) {
    Map<String, Object> status =
        (Map<String, Object>) object.getAdditionalProperties().get("status");
    return ((List<Object>) status.get("images")).get(0);
  }

  private static List<GenericKubernetesResource> corpus() throws IOException {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root =
        (configured != null ? Path.of(configured) : Path.of("..", "..", "shared"))
            .resolve("conformance");
    List<GenericKubernetesResource> objects = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
          if (!document.contains("kind:") || !document.contains("metadata:")) {
            continue;
          }
          try {
            Object parsed = JSON.unmarshal(document, GenericKubernetesResource.class);
            if (parsed instanceof GenericKubernetesResource object
                && object.getMetadata() != null) {
              objects.add(object);
            }
          } catch (RuntimeException notAnObject) {
            // Templates with placeholders and fragments are not objects; they are skipped.
          }
        }
      }
    }
    return objects;
  }
}
