package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class BlueGreenRulesProperties {

  private static BlueGreenStrategy withPreview(Integer preview) {
    return new BlueGreenStrategy(
        "active", null, preview, null, null, null, null, null, null, null, null, null, null, null);
  }

  @Property
  void theNewReplicaSetIsNeverBiggerThanReplicasAndFullOncePromotionBegins(
      @ForAll @IntRange(min = 0, max = 500) int replicas,
      @ForAll @IntRange(min = 0, max = 600) int preview,
      @ForAll boolean fullSize) {
    int size = BlueGreenReplicas.newReplicaSetSize(withPreview(preview), replicas, fullSize);
    assertThat(size).isBetween(0, replicas);
    if (fullSize) {
      assertThat(size).isEqualTo(replicas);
    } else {
      assertThat(size).isEqualTo(Math.min(preview, replicas));
    }
  }

  @Property
  void aRestartAlwaysMovesAndNeverTakesDownMoreThanMaxUnavailable(
      @ForAll @IntRange(min = 0, max = 500) int replicas,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    Rollout rollout =
        Manifests.parseOne(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: r}
            spec:
              replicas: %d
              selector: {matchLabels: {app: r}}
              template: {metadata: {labels: {app: r}}, spec: {containers: [{name: r, image: r}]}}
              strategy: {blueGreen: {activeService: a, maxUnavailable: "%d%%"}}
            """
                .formatted(replicas, percent),
            Rollout.class);
    int max = BlueGreenReplicas.maxUnavailable(rollout);
    assertThat(max).isBetween(1, Math.max(replicas, 1));
    assertThat(max)
        .isEqualTo(Math.max(1, Math.min(replicas * percent / 100, Math.max(replicas, 1))));
  }

  @Property
  void pointingAServiceSetsOnlyTheHashAndTheManagedByAnnotation(
      @ForAll @StringLength(min = 1, max = 10) String hash,
      @ForAll @StringLength(min = 1, max = 10) String rolloutName) {
    GenericResource service =
        Manifests.parseOne(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web, annotations: {team: shop}}
            spec:
              selector: {app: web, rollouts-pod-template-hash: old}
              ports: [{port: 80, targetPort: 8080}]
            """,
            GenericResource.class);

    GenericResource pointed = ServiceSelectors.pointedAt(service, hash, rolloutName);

    assertThat(ServiceSelectors.hashOf(pointed)).isEqualTo(hash);
    assertThat(pointed.path("spec", "selector", "app")).isEqualTo("web");
    assertThat(pointed.path("spec", "ports")).isEqualTo(service.path("spec", "ports"));
    assertThat(pointed.metadata().annotations())
        .containsEntry("team", "shop")
        .containsEntry(RolloutLabels.MANAGED_BY, rolloutName);
    assertThat(ServiceSelectors.hashOf(service)).isEqualTo("old");
  }
}
