package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollout4j.k8s.mock.MockApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A change to an object a rollout names but does not own wakes that rollout at once: found on the
 * e2e cluster, where a GitOps change of the workloadRef Deployment was only seen at the next resync
 * (10 minutes), so the canary never started in the test's 3 minutes.
 */
class ReferencedObjectEventsTest {

  private static final String ROLLOUT =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata: {name: reviews, namespace: shop}
      spec:
        replicas: 1
        workloadRef: {apiVersion: apps/v1, kind: Deployment, name: reviews}
        strategy:
          canary:
            canaryService: reviews-canary
            stableService: reviews-stable
            analysis: {templates: [{templateName: apdex}, {templateName: shared, clusterScope: true}]}
            steps: [{setWeight: 50}]
      """;

  private static void await(List<String> keys, String key) throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofSeconds(10));
    while (!keys.contains(key) && Instant.now().isBefore(end)) {
      Thread.sleep(20);
    }
    assertThat(keys).contains(key);
  }

  @Test
  void deploymentsServicesAndTemplatesAnnounceTheRolloutsThatNameThem() throws Exception {
    try (MockApiServer api = MockApiServer.start()) {
      api.apply(ROLLOUT);
      KubernetesClient client = api.newClient();
      List<String> announced = new CopyOnWriteArrayList<>();
      try (InformerCache cache = new InformerCache(client, Set.of("shop"), 0)) {
        cache.onRolloutEvent(announced::add);
        cache.start(
            List.of(
                "Rollout", "Deployment", "Service", "AnalysisTemplate", "ClusterAnalysisTemplate"));
        await(announced, "shop/reviews");

        for (String manifest :
            List.of(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reviews, namespace: shop}\n"
                    + "spec: {replicas: 0}\n",
                "apiVersion: v1\nkind: Service\nmetadata: {name: reviews-stable, namespace: shop}\n",
                "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\n"
                    + "metadata: {name: apdex, namespace: shop}\nspec: {metrics: []}\n",
                "apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate\n"
                    + "metadata: {name: shared}\nspec: {metrics: []}\n")) {
          announced.clear();
          api.apply(manifest);
          await(announced, "shop/reviews");
        }
        // An object nobody names announces nothing.
        announced.clear();
        api.apply("apiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: shop}\n");
        Thread.sleep(300);
        assertThat(announced).isEmpty();
      }
      client.close();
    }
  }

  @Test
  void anAnalysisRunNoRolloutOwnsAnnouncesItselfAndAnOwnedOneItsRollout() throws Exception {
    try (MockApiServer api = MockApiServer.start()) {
      api.apply(ROLLOUT);
      KubernetesClient client = api.newClient();
      List<String> announced = new CopyOnWriteArrayList<>();
      try (InformerCache cache = new InformerCache(client, Set.of("shop"), 0)) {
        cache.onRolloutEvent(announced::add);
        cache.start(List.of("Rollout", "AnalysisRun"));
        await(announced, "shop/reviews");

        api.apply(
            "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisRun\n"
                + "metadata: {name: release-check, namespace: shop}\nspec: {metrics: []}\n");
        await(announced, "AnalysisRun:shop/release-check");
        announced.clear();
        api.apply(
            "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisRun\n"
                + "metadata:\n  name: reviews-abc-1\n  namespace: shop\n  ownerReferences:\n"
                + "  - {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: reviews, uid: u1,"
                + " controller: true}\nspec: {metrics: []}\n");
        await(announced, "shop/reviews");
        assertThat(announced).noneMatch(k -> k.contains("reviews-abc-1"));
      }
      client.close();
    }
  }
}
