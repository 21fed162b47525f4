package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A blue-green rollout through the controller and the fabric8 ClusterPort on the mock server: the
 * preview Service moves to the new pods first, the active Service only once they are all available,
 * and the old pods go after the scale-down delay.
 */
class BlueGreenOnMockClusterTest extends SeedClusterTest {
  private static final String SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: shop-active}
      spec:
        selector: {app: shop}
        ports: [{port: 80, targetPort: 8080}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: shop-preview}
      spec:
        selector: {app: shop}
        ports: [{port: 80, targetPort: 8080}]
      """;

  private static String rollout(String image) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 3
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec:
              containers: [{name: shop, image: "%s"}]
          strategy:
            blueGreen:
              activeService: shop-active
              previewService: shop-preview
              autoPromotionSeconds: 60
        """
        .formatted(image);
  }

  private Rollout shop() {
    return (Rollout)
        Fabric8ClusterPort.builder(seed.observer)
            .informers(false)
            .build()
            .get(Rollout.KIND, SeedCluster.NS, "shop")
            .orElseThrow();
  }

  private String selectorHash(String service) {
    Resource found =
        Fabric8ClusterPort.builder(seed.observer)
            .informers(false)
            .build()
            .get("Service", SeedCluster.NS, service)
            .orElseThrow();
    Object hash = ((GenericResource) found).path("spec", "selector", "rollouts-pod-template-hash");
    return String.valueOf(hash);
  }

  private int replicas(String hash) {
    for (Resource r : seed.list("ReplicaSet")) {
      if (hash.equals(r.metadata().labels().get("rollouts-pod-template-hash"))) {
        return ((Number) ((GenericResource) r).path("spec", "replicas")).intValue();
      }
    }
    return -1;
  }

  @Test
  void previewFirstThenActiveAfterAutoPromotionThenTheOldStackGoes() {
    seed.gitOps(SERVICES, "bookinfo/shop");
    seed.gitOps(rollout("shop:1"), "bookinfo/shop");
    seed.advance(Duration.ofMinutes(1));
    RolloutStatus first = shop().status();
    String blue = first.stableRS();
    assertThat(first.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(selectorHash("shop-active")).isEqualTo(blue);

    seed.gitOps(rollout("shop:2"), "bookinfo/shop");
    seed.advance(Duration.ofSeconds(30));

    String green = shop().status().currentPodHash();
    assertThat(green).isNotEqualTo(blue);
    assertThat(selectorHash("shop-preview")).isEqualTo(green);
    assertThat(selectorHash("shop-active")).as("not before promotion").isEqualTo(blue);

    seed.advance(Duration.ofMinutes(2));

    RolloutStatus promoted = shop().status();
    assertThat(promoted.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(promoted.stableRS()).isEqualTo(green);
    assertThat(selectorHash("shop-active")).isEqualTo(green);
    assertThat(replicas(green)).isEqualTo(3);
    assertThat(replicas(blue)).as("old stack scaled down after 30 s").isZero();
  }
}
