package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A canary without a traffic router: the weight is carried by pod counts. */
@ExtendWith(RolloutHarnessExtension.class)
class BasicCanaryTest {

  private static String rollout(String image, String steps) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          replicas: 10
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "%s"}]
          strategy:
            canary:
              steps: %s
        """
        .formatted(image, steps);
  }

  private static Map<String, Integer> replicasByImage(RolloutHarness harness) {
    Map<String, Integer> out = new TreeMap<>();
    for (Resource r : harness.cluster().list("ReplicaSet", "web")) {
      GenericResource rs = (GenericResource) r;
      String image = String.valueOf(rs.body()).contains("web:2") ? "v2" : "v1";
      out.merge(image, ((Number) rs.path("spec", "replicas")).intValue(), Integer::sum);
    }
    return out;
  }

  @Test
  void podCountsCarryTheWeight(RolloutHarness harness) {
    String steps = "[{setWeight: 20}, {pause: {duration: 1m}}, {setWeight: 50}, {pause: {}}]";
    harness.apply("web", rollout("web:1", steps));
    harness.advance(Duration.ofMinutes(1));

    harness.apply("web", rollout("web:2", steps));
    harness.advance(Duration.ofSeconds(50));
    assertThat(replicasByImage(harness)).containsEntry("v2", 2).containsEntry("v1", 8);

    harness.advance(Duration.ofMinutes(2));
    RolloutStatus status = harness.rollout("web", "web").status();
    assertThat(status.currentStepIndex()).isEqualTo(3);
    assertThat(status.phase()).isEqualTo(RolloutPhase.PAUSED);
    assertThat(replicasByImage(harness)).containsEntry("v2", 5).containsEntry("v1", 5);

    harness.promote("web", "web");
    harness.advance(Duration.ofMinutes(2));
    status = harness.rollout("web", "web").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(replicasByImage(harness)).containsEntry("v2", 10).containsEntry("v1", 0);
  }

  private static java.util.List<String> conditionTypes(RolloutHarness harness) {
    return harness.rollout("web", "web").status().conditions().stream()
        .map(c -> c.type() + "=" + c.status())
        .sorted()
        .toList();
  }

  @Test
  void pausedAndHealthyConditionsAppearAsInArgoWithTheFirstPauseAndTheFirstHealthyState(
      RolloutHarness harness) {
    String steps = "[{setWeight: 20}, {pause: {}}]";
    harness.apply("web", rollout("web:1", steps));
    // The first write of a new rollout: no Paused condition (it never paused), no Healthy one.
    harness.advance(Duration.ofMillis(1));
    assertThat(conditionTypes(harness))
        .noneMatch(c -> c.startsWith("Paused") || c.startsWith("Healthy"));
    harness.advance(Duration.ofMinutes(1));
    assertThat(conditionTypes(harness))
        .contains("Healthy=True")
        .noneMatch(c -> c.startsWith("Paused"));

    harness.apply("web", rollout("web:2", steps));
    harness.advance(Duration.ofMinutes(1));
    assertThat(conditionTypes(harness)).contains("Paused=True", "Healthy=False");
    harness.promote("web", "web");
    harness.advance(Duration.ofMinutes(1));
    assertThat(conditionTypes(harness)).contains("Paused=False", "Healthy=True");
  }

  @Test
  void withoutStepsItIsARollingUpdateWithinSurge(RolloutHarness harness) {
    harness.apply("web", rollout("web:1", "[]"));
    harness.advance(Duration.ofMinutes(1));
    int[] maxPods = {0};
    harness.afterEveryPass(
        h ->
            maxPods[0] =
                Math.max(
                    maxPods[0],
                    replicasByImage(h).values().stream().mapToInt(Integer::intValue).sum()));

    harness.apply("web", rollout("web:2", "[]"));
    harness.advance(Duration.ofMinutes(3));

    assertThat(harness.rollout("web", "web").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(replicasByImage(harness)).containsEntry("v2", 10).containsEntry("v1", 0);
    assertThat(maxPods[0]).isLessThanOrEqualTo(13); // 10 + 25% surge, rounded up
  }

  @Test
  void anUnsupportedStepIsReportedNotSkipped(RolloutHarness harness) {
    String steps =
        "[{setWeight: 20}, {experiment: {templates: [{name: x, specRef: canary}]}}, {setWeight: 60}]";
    harness.apply("web", rollout("web:1", steps));
    harness.advance(Duration.ofMinutes(1));

    harness.apply("web", rollout("web:2", steps));
    harness.advance(Duration.ofMinutes(5));

    RolloutStatus status = harness.rollout("web", "web").status();
    assertThat(status.currentStepIndex()).isEqualTo(1);
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message())
        .contains("step 1 (experiment) is not supported by Rollout4j")
        .startsWith("InvalidSpec: ");
    assertThat(replicasByImage(harness)).containsEntry("v2", 2);
  }

  @Test
  void oldReplicaSetsBeyondTheHistoryLimitAreDeleted(RolloutHarness harness) {
    String limited =
        rollout("web:1", "[]")
            .replace("  replicas: 10\n", "  replicas: 2\n  revisionHistoryLimit: 2\n");
    harness.apply("web", limited);
    harness.advance(Duration.ofMinutes(1));
    for (int v = 2; v <= 6; v++) {
      harness.apply("web", limited.replace("web:1", "web:" + v));
      harness.advance(Duration.ofMinutes(2));
    }

    // The current revision plus the two most recent scaled-down ones.
    assertThat(harness.cluster().list("ReplicaSet", "web")).hasSize(3);
    assertThat(harness.rollout("web", "web").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
  }
}
