package io.rollout4j.k8s.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A routing object someone else changes (a GitOps sync putting weights back) is reported for the
 * rollouts that read it, so a controller repairs it at once instead of at the next resync.
 */
@EnableKubernetesMockClient(crud = true)
class ResourceStoreChangesTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  KubernetesClient client;

  @Test
  void aChangeBySomeoneElseIsReportedForTheRolloutsThatReadTheObjectButNotItsOwnWrites()
      throws InterruptedException {
    create("cart");
    create("other");
    List<String> told = new CopyOnWriteArrayList<>();
    try (ResourceStore store = informedStore(told)) {
      for (int read = 0; read < 2; read++) {
        // The first read finds the object, the second starts the namespace's informer.
        store.getFor("shop/cart-rollout", "Service", "shop", "cart");
        store.get("Service", "shop", "other");
      }

      GenericKubernetesResource mine = JSON.clone(store.get("Service", "shop", "cart").get());
      mine.getMetadata().getLabels().put("edited-by", "store");
      assertThat(store.update(mine, fresh -> null)).isTrue();
      client
          .services()
          .inNamespace("shop")
          .withName("cart")
          .edit(s -> label(s, "edited-by", "git"));
      await(told, "shop/cart-rollout");
      Thread.sleep(300);
      assertThat(told).as("the sync's change only, not the store's own").hasSize(1);

      told.clear();
      client.services().inNamespace("shop").withName("other").edit(s -> label(s, "x", "y"));
      Thread.sleep(300);
      assertThat(told).as("an object no rollout read through getFor").isEmpty();

      client.services().inNamespace("shop").withName("cart").delete();
      await(told, "shop/cart-rollout");
    }
  }

  @Test
  void writesInQuickSuccessionAreNotReportedWhileTheirWatchEventsAreStillInFlight()
      throws InterruptedException {
    create("cart");
    List<String> told = new CopyOnWriteArrayList<>();
    try (ResourceStore store = informedStore(told)) {
      store.getFor("shop/cart-rollout", "Service", "shop", "cart");
      store.getFor("shop/cart-rollout", "Service", "shop", "cart");

      for (int step = 0; step < 6; step++) {
        GenericKubernetesResource mine = JSON.clone(store.get("Service", "shop", "cart").get());
        mine.getMetadata().getLabels().put("step", String.valueOf(step));
        assertThat(store.update(mine, fresh -> null)).isTrue();
      }
      client.services().inNamespace("shop").withName("cart").edit(s -> label(s, "by", "git"));

      // Watch events arrive in order: once the sync's edit is seen, so were all six writes.
      await(told, "shop/cart-rollout");
      assertThat(told).as("the sync's change only").containsExactly("shop/cart-rollout");
    }
  }

  /** A store of core objects read through informers, telling {@code told} of changes. */
  private ResourceStore informedStore(List<String> told) {
    ResourceStore store =
        ResourceStore.builder(client, "", List.of("v1"), "v1")
            .apiVersion("v1")
            .informers(true)
            .build();
    store.onChange(told::add);
    return store;
  }

  private void create(String name) {
    client
        .services()
        .inNamespace("shop")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("shop")
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", name)
                .endSpec()
                .build())
        .create();
  }

  private static io.fabric8.kubernetes.api.model.Service label(
      io.fabric8.kubernetes.api.model.Service service, String key, String value) {
    service.getMetadata().getLabels().put(key, value);
    return service;
  }

  private static void await(List<String> told, String rollout) throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofSeconds(10));
    while (!told.contains(rollout) && Instant.now().isBefore(end)) {
      Thread.sleep(20);
    }
    assertThat(told).contains(rollout);
  }
}
