package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** decide is a function: the same rollout, observation and instant give the same decision. */
class ReconcilerPurityTest {

  @Test
  void sameInputsSameDecision() {
    Rollout rollout =
        Manifests.parseOne(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r, namespace: n}\n"
                + "spec:\n  replicas: 3\n  selector: {matchLabels: {app: r}}\n"
                + "  template:\n    metadata: {labels: {app: r}}\n    spec: {containers: [{name: r, image: r}]}\n"
                + "  strategy: {canary: {steps: [{setWeight: 50}, {pause: {}}]}}\n",
            Rollout.class);
    Observation nothing = new Observation(List.of(), null, null, null, List.of());
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    Decision first = Reconciler.decide(rollout, nothing, now);
    Decision second = Reconciler.decide(rollout, nothing, now);

    assertThat(first).isEqualTo(second);
    assertThat(first.actions()).anyMatch(a -> a instanceof Action.CreateReplicaSet);
    assertThat(first.status().currentPodHash()).isNotBlank();
  }
}
