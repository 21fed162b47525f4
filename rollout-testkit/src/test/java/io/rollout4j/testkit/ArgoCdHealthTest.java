package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD shows for our Rollouts and AnalysisRuns. {@link #health} restates the rules of Argo
 * CD's health checks for {@code argoproj.io} Rollout and AnalysisRun (written here from their
 * documented behaviour, checked against every fixture Argo CD ships with its expected result); the
 * tests then apply them to our status at every reconcile of the Bookinfo canary (promoted and
 * aborted) and of a blue-green rollout, and compare with Argo Rollouts' own phase rules.
 */
class ArgoCdHealthTest {

  record Health(String status, String message) {}

  // ---------------------------------------------------------------- Argo CD's rules

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static Object at(Map<String, Object> object, String... path) {
    Object value = object;
    for (String key : path) {
      if (!(value instanceof Map<?, ?> m)) {
        return null;
      }
      value = m.get(key);
    }
    return value;
  }

  private static Double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.valueOf(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static int count(Object value, int fallback) {
    Double n = number(value);
    return n == null ? fallback : n.intValue();
  }

  static Health health(Map<String, Object> object) {
    return "AnalysisRun".equals(object.get("kind")) ? runHealth(object) : rolloutHealth(object);
  }

  private static Health runHealth(Map<String, Object> run) {
    Map<String, Object> status = map(run.get("status"));
    if (run.get("status") == null) {
      return new Health(
          "Progressing", "Waiting for analysis run to finish: status has not been reconciled.");
    }
    Object message = status.get("message");
    String phase = String.valueOf(status.get("phase"));
    return switch (phase) {
      case "Pending", "Running" -> new Health("Progressing", "Analysis run is running");
      case "Successful" ->
          new Health("Healthy", orElse(message, "Analysis run completed successfully"));
      case "Failed" -> new Health("Degraded", orElse(message, "Analysis run failed"));
      case "Error" -> new Health("Degraded", orElse(message, "Analysis run had an error"));
      case "Inconclusive" ->
          new Health("Unknown", orElse(message, "Analysis run was inconclusive"));
      default -> new Health("", "");
    };
  }

  private static String orElse(Object value, String fallback) {
    return value == null ? fallback : String.valueOf(value);
  }

  private static boolean generationObserved(Map<String, Object> rollout) {
    if (rollout.get("status") == null) {
      return false;
    }
    Map<String, Object> annotations = map(at(rollout, "metadata", "annotations"));
    Object workloadGeneration = annotations.get("rollout.argoproj.io/workload-generation");
    if (at(rollout, "spec", "workloadRef") != null
        && workloadGeneration != null
        && !Objects.equals(
            number(workloadGeneration),
            number(at(rollout, "status", "workloadObservedGeneration")))) {
      return false;
    }
    Double observed = number(at(rollout, "status", "observedGeneration"));
    Double generation = number(at(rollout, "metadata", "generation"));
    if (observed == null || generation == null || observed > generation) {
      return true; // a legacy (v0.9) hash in observedGeneration
    }
    return observed.equals(generation);
  }

  private static Health rolloutHealth(Map<String, Object> rollout) {
    if (!generationObserved(rollout)) {
      return new Health("Progressing", "Waiting for rollout spec update to be observed");
    }
    Map<String, Object> status = map(rollout.get("status"));
    Object phase = status.get("phase");
    if (phase != null) {
      // Argo Rollouts 1.0 and later compute the phase; Argo CD shows it as it is.
      String health = "Paused".equals(phase) ? "Suspended" : String.valueOf(phase);
      return new Health(health, orElse(status.get("message"), ""));
    }
    for (Object c : status.get("conditions") instanceof List<?> l ? l : List.of()) {
      Map<String, Object> condition = map(c);
      Object type = condition.get("type");
      Object reason = condition.get("reason");
      if ("InvalidSpec".equals(type)
          || ("Progressing".equals(type)
              && ("RolloutAborted".equals(reason) || "ProgressDeadlineExceeded".equals(reason)))) {
        return new Health("Degraded", orElse(condition.get("message"), ""));
      }
    }
    if (status.get("pauseConditions") instanceof List<?> pauses && !pauses.isEmpty()
        || Boolean.TRUE.equals(at(rollout, "spec", "paused"))) {
      return new Health("Suspended", "Rollout is paused");
    }
    Object current = status.get("currentPodHash");
    if (current == null) {
      return new Health(
          "Progressing", "Waiting for rollout to finish: status has not been reconciled.");
    }
    int desired = count(at(rollout, "spec", "replicas"), 1);
    int replicas = count(status.get("replicas"), 0);
    int updated = count(status.get("updatedReplicas"), 0);
    int available = count(status.get("availableReplicas"), 0);
    if (updated < desired) {
      return new Health(
          "Progressing", "Waiting for roll out to finish: More replicas need to be updated");
    }
    if (available < updated) {
      return new Health(
          "Progressing",
          "Waiting for roll out to finish: updated replicas are still becoming available");
    }
    Object stable = status.get("stableRS");
    if (stable == null) {
      stable = at(rollout, "status", "canary", "stableRS");
    }
    String stableRs = stable == null ? "" : String.valueOf(stable);
    if (at(rollout, "spec", "strategy", "blueGreen") != null) {
      if (!current.equals(at(rollout, "status", "blueGreen", "activeSelector"))) {
        return new Health("Progressing", "active service cutover pending");
      }
      if (!stableRs.isEmpty() && !stableRs.equals(current)) {
        return new Health("Progressing", "waiting for analysis to complete");
      }
    } else if (at(rollout, "spec", "strategy", "canary") != null) {
      if (replicas > updated) {
        return new Health(
            "Progressing", "Waiting for roll out to finish: old replicas are pending termination");
      }
      if (stableRs.isEmpty() || !stableRs.equals(current)) {
        return new Health("Progressing", "Waiting for rollout to finish steps");
      }
    }
    return new Health("Healthy", "");
  }

  // ---------------------------------------------------------------- Argo CD's own fixtures

  private static Path fixtures() {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    return root.resolve("conformance").resolve("argocd-health");
  }

  @Test
  void theRulesGiveEveryResultArgoCdsFixturesExpect() throws IOException {
    int checked = 0;
    for (String kind : List.of("Rollout", "AnalysisRun")) {
      Path folder = fixtures().resolve(kind);
      Map<String, Object> table =
          map(
              new org.yaml.snakeyaml.Yaml()
                  .load(Files.readString(folder.resolve("health_test.yaml"))));
      for (Object t : (List<?>) table.get("tests")) {
        Map<String, Object> test = map(t);
        Map<String, Object> expected = map(test.get("healthStatus"));
        Map<String, Object> object =
            map(
                new org.yaml.snakeyaml.Yaml()
                    .load(Files.readString(folder.resolve(String.valueOf(test.get("inputPath"))))));
        Health health = health(object);
        assertThat(health.status())
            .as("%s %s", kind, test.get("inputPath"))
            .isEqualTo(expected.get("status"));
        if (expected.containsKey("message")) {
          assertThat(health.message())
              .as("%s %s", kind, test.get("inputPath"))
              .isEqualTo(String.valueOf(expected.get("message")));
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(35);
  }

  // ---------------------------------------------------------------- our status, every reconcile

  /** Argo Rollouts' {@code CalculateRolloutPhase}, read off a stored rollout's tree. */
  private static Health argoPhase(Map<String, Object> rollout) {
    Map<String, Object> status = map(rollout.get("status"));
    for (Object c : status.get("conditions") instanceof List<?> l ? l : List.of()) {
      Map<String, Object> condition = map(c);
      if ("InvalidSpec".equals(condition.get("type"))) {
        return new Health("Degraded", "InvalidSpec: " + condition.get("message"));
      }
      Object reason = condition.get("reason");
      if ("RolloutAborted".equals(reason) || "ProgressDeadlineExceeded".equals(reason)) {
        return new Health("Degraded", reason + ": " + condition.get("message"));
      }
    }
    if (Boolean.TRUE.equals(at(rollout, "spec", "paused"))) {
      return new Health("Paused", "manually paused");
    }
    if (status.get("pauseConditions") instanceof List<?> pauses && !pauses.isEmpty()) {
      return new Health("Paused", String.valueOf(map(pauses.get(0)).get("reason")));
    }
    int updated = count(status.get("updatedReplicas"), 0);
    if (updated < count(at(rollout, "spec", "replicas"), 1)) {
      return new Health("Progressing", "more replicas need to be updated");
    }
    if (count(status.get("availableReplicas"), 0) < updated) {
      return new Health("Progressing", "updated replicas are still becoming available");
    }
    Object current = status.get("currentPodHash");
    boolean promoted = current != null && current.equals(status.get("stableRS"));
    if (at(rollout, "spec", "strategy", "blueGreen") != null) {
      if (current == null
          || !current.equals(at(rollout, "status", "blueGreen", "activeSelector"))) {
        return new Health("Progressing", "active service cutover pending");
      }
      if (!promoted) {
        Object post =
            at(rollout, "status", "blueGreen", "postPromotionAnalysisRunStatus", "status");
        boolean waiting =
            at(rollout, "spec", "strategy", "blueGreen", "postPromotionAnalysis") != null
                && (post == null
                    || !Set.of("Successful", "Failed", "Error", "Inconclusive").contains(post));
        return new Health(
            "Progressing",
            waiting
                ? "waiting for analysis to complete"
                : "waiting for post-promotion verification to complete");
      }
    } else {
      if (at(rollout, "spec", "strategy", "canary", "trafficRouting") == null
          && count(status.get("replicas"), 0) > updated) {
        return new Health("Progressing", "old replicas are pending termination");
      }
      if (!promoted) {
        return new Health("Progressing", "waiting for all steps to complete");
      }
    }
    return new Health("Healthy", "");
  }

  /** Records what Argo CD shows after every pass, and checks it against Argo's phase rules. */
  private static List<Health> watch(RolloutHarness harness, String namespace, String name) {
    List<Health> shown = new ArrayList<>();
    harness.afterEveryPass(
        h -> {
          Rollout rollout = h.rollout(namespace, name);
          Map<String, Object> tree = Manifests.toMap(rollout);
          Health health = health(tree);
          if (!health.message().startsWith("Waiting for rollout spec update")) {
            Health phase = argoPhase(tree);
            String expected = phase.status().equals("Paused") ? "Suspended" : phase.status();
            assertThat(health)
                .as("Argo CD vs Argo's phase rules")
                .isEqualTo(new Health(expected, phase.message()));
          }
          if (shown.isEmpty() || !shown.get(shown.size() - 1).equals(health)) {
            shown.add(health);
          }
          // Every AnalysisRun shows a health too.
          for (var run : h.cluster().list("AnalysisRun", namespace)) {
            assertThat(health(Manifests.toMap(run)).status()).isNotEmpty();
          }
        });
    return shown;
  }

  @Test
  void theBookinfoCanaryShowsArgosTextsAtEveryStepAndEndsHealthy() {
    RolloutHarness harness = Seed.deployed();
    List<Health> shown = watch(harness, NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(40));

    assertThat(new LinkedHashSet<>(shown))
        .contains(
            new Health("Progressing", "more replicas need to be updated"),
            new Health("Suspended", "CanaryPauseStep"));
    assertThat(shown.get(shown.size() - 1)).isEqualTo(new Health("Healthy", ""));
  }

  @Test
  void anAbortedBookinfoCanaryShowsArgosAbortTextInArgoCd() {
    RolloutHarness harness = Seed.deployed();
    harness.metrics().script("skywalking", request -> Seed.apdex(5000));
    List<Health> shown = watch(harness, NAMESPACE, ROLLOUT);
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    harness.advance(Duration.ofMinutes(40));

    assertThat(shown.get(shown.size() - 1))
        .isEqualTo(
            new Health(
                "Degraded",
                "RolloutAborted: Rollout aborted update to revision 2: Background analysis phase"
                    + " error/failed: Metric \"apdex\" assessed Failed due to failed (4) >"
                    + " failureLimit (3)"));
    for (var run : harness.cluster().list("AnalysisRun", NAMESPACE)) {
      assertThat(health(Manifests.toMap(run)).status()).isEqualTo("Degraded");
    }
  }

  @Test
  void aBlueGreenRolloutWaitsForAvailabilityBeforeTheCutoverInArgoCd() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("web", request -> "ok");
    harness.apply("shop", BlueGreenTest.SERVICES).apply("shop", BlueGreenTest.PASSING_TEMPLATE);
    String rollout =
        BlueGreenTest.rollout(
            "shop:1", 3, "postPromotionAnalysis: {templates: [{templateName: smoke}]}");
    List<Health> shown = watch(harness, "shop", "shop");
    harness.apply("shop", rollout).advance(Duration.ofMinutes(2));
    harness.apply("shop", rollout.replace("shop:1", "shop:2")).advance(Duration.ofMinutes(5));

    // Argo's order: replicas becoming available come before the cutover.
    List<String> messages = shown.stream().map(Health::message).toList();
    assertThat(messages)
        .containsSubsequence(
            "updated replicas are still becoming available",
            "waiting for analysis to complete",
            "");
    assertThat(shown.get(shown.size() - 1)).isEqualTo(new Health("Healthy", ""));
  }
}
