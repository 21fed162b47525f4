package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.rollout4j.model.RolloutPhase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests the controller makes to the API server, by verb and resource, for the whole seed canary
 * and for reconciles of an unchanged rollout. The table is written to target/api-economy.txt.
 */
class ApiEconomyTest extends SeedClusterTest {
  /** Requests since the last call, as "VERB resource" (watches and ReplicaSet status excluded). */
  private Map<String, Integer> requests() throws InterruptedException {
    Map<String, Integer> counts = new TreeMap<>();
    RecordedRequest request;
    while ((request = api.server().takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      String path = request.getPath();
      if (path.contains("watch=true") || request.getHeader(SeedCluster.OBSERVER_HEADER) != null) {
        continue;
      }
      String[] parts = path.split("\\?")[0].split("/");
      String resource = parts.length > 0 ? parts[parts.length - 1] : path;
      for (String known :
          new String[] {
            "rollouts", "replicasets", "analysisruns", "analysistemplates", "deployments",
            "services", "virtualservices", "destinationrules", "events", "status"
          }) {
        for (int i = 0; i < parts.length; i++) {
          if (parts[i].equals(known)) {
            resource = known + (path.split("\\?")[0].endsWith("/status") ? "/status" : "");
          }
        }
      }
      counts.merge(request.getMethod() + " " + resource, 1, Integer::sum);
    }
    return counts;
  }

  private double posts() {
    return seed.meters.get("rollout4j.api.requests").tag("verb", "POST").counter().count();
  }

  private static int writes(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("GET"))
        .mapToInt(Map.Entry::getValue)
        .sum();
  }

  @Test
  void theSeedCanaryAndANoOpReconcile() throws Exception {
    requests();
    seed.pushV2();
    requests(); // the GitOps push itself
    long before = seed.controllerStats().reconciles();
    double postsBefore = posts();

    seed.advance(Duration.ofMinutes(40));

    Map<String, Integer> canary = requests();
    long reconciles = seed.controllerStats().reconciles() - before;
    assertThat(seed.status().phase()).isEqualTo(RolloutPhase.HEALTHY);

    for (int i = 0; i < 10; i++) {
      seed.reconcileNow();
    }
    Map<String, Integer> noOp = requests();

    StringBuilder table =
        new StringBuilder("seed canary (push to promotion), ")
            .append(reconciles)
            .append(
                " reconciles; controller requests, plus the ReplicaSet simulator's status PUTs under PUT replicasets:\n");
    canary.forEach((k, v) -> table.append("  ").append(k).append(": ").append(v).append('\n'));
    table
        .append("writes (Events aside) of each reconcile that moved to another step: ")
        .append(seed.stepTransitionWrites)
        .append('\n');
    table.append("10 reconciles of the unchanged, healthy rollout:");
    table.append(noOp.isEmpty() ? " no request at all\n" : "\n");
    noOp.forEach((k, v) -> table.append("  ").append(k).append(": ").append(v).append('\n'));
    Files.writeString(
        Path.of("target", "api-economy.txt"), table.toString(), StandardCharsets.UTF_8);

    assertThat(noOp).as("a no-op reconcile reads from informers and writes nothing").isEmpty();
    // The controller's own meters agree with what the API server received.
    assertThat(posts() - postsBefore)
        .isEqualTo(
            canary.entrySet().stream()
                .filter(e -> e.getKey().startsWith("POST"))
                .mapToInt(Map.Entry::getValue)
                .sum());
    assertThat(
            seed.meters
                .get("rollout4j.rollout.phase")
                .tag("name", SeedCluster.ROLLOUT)
                .tag("phase", "Healthy")
                .gauge()
                .value())
        .isEqualTo(1.0);
    assertThat(seed.meters.get("rollout4j.reconciles").tag("outcome", "success").timer().count())
        .isPositive();
    assertThat(noOp.keySet())
        .as("Rollouts, ReplicaSets and runs come from informers")
        .noneMatch(
            k -> k.contains("rollouts") || k.contains("replicasets") || k.contains("analysisruns"));
    assertThat(canary.getOrDefault("PUT virtualservices", 0)).isEqualTo(7);
    assertThat(canary.getOrDefault("PUT destinationrules", 0)).isEqualTo(2);
    assertThat(canary.keySet())
        .noneMatch(k -> k.startsWith("GET rollouts") || k.startsWith("GET analysisruns"));
  }
}
