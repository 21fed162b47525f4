package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What the controller asks of the API server, from the API server's own audit log (the policy of
 * {@code e2e/audit-policy.yaml}; the controller's requests carry its user agent): by verb and
 * resource for the whole Bookinfo canary, and for an idle Healthy rollout afterwards.
 */
class ApiEconomyE2ETest {
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Request(Instant at, String verb, String resource, String namespace) {}

  private static List<Request> controllerRequests(Path audit, String namespace) throws IOException {
    return Files.readAllLines(audit).stream()
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (IOException e) {
                return null;
              }
            })
        .filter(e -> e != null && e.path("userAgent").asText().startsWith("rollout4j-controller"))
        .map(ApiEconomyE2ETest::request)
        .filter(r -> r.namespace().isEmpty() || r.namespace().equals(namespace))
        .toList();
  }

  private static Request request(JsonNode event) {
    JsonNode ref = event.path("objectRef");
    String resource = ref.path("resource").asText(event.path("requestURI").asText());
    if (!ref.path("subresource").asText().isEmpty()) {
      resource += "/" + ref.path("subresource").asText();
    }
    return new Request(
        Instant.parse(event.path("stageTimestamp").asText()),
        event.path("verb").asText(),
        resource,
        ref.path("namespace").asText());
  }

  private static Map<String, Integer> byVerbAndResource(
      List<Request> requests, Instant from, Instant to) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Request r : requests) {
      if (!r.at().isBefore(from) && r.at().isBefore(to)) {
        counts.merge(r.verb() + " " + r.resource(), 1, Integer::sum);
      }
    }
    return counts;
  }

  @Test
  void theCanaryWritesOnlyWhatChangesAndAnIdleRolloutCostsNothing() throws Exception {
    Duration idle = Duration.ofSeconds(Long.getLong("rollout4j.e2e.idleSeconds", 60));
    try (RealCluster cluster = RealCluster.connect();
        Bookinfo bookinfo = new Bookinfo(cluster);
        ControllerProcess controller =
            ControllerProcess.start(
                cluster.kubeconfig.toString(), bookinfo.ns, "--leader-elect=false")) {
      Path audit = cluster.kubeconfig.getParent().resolve("audit").resolve("audit.log");
      bookinfo.await("revision 1 Healthy", Duration.ofMinutes(2), () -> bookinfo.healthyOn(null));
      String v1 = (String) bookinfo.status().get("stableRS");
      Instant pushed = Instant.now();
      bookinfo.push(V2);
      bookinfo.await(
          "revision 2 promoted",
          Duration.ofMinutes(3),
          () -> bookinfo.healthyOn(null) && !v1.equals(bookinfo.status().get("stableRS")));
      String v2 = (String) bookinfo.status().get("stableRS");
      bookinfo.await(
          "the stable subset on revision 2",
          Duration.ofSeconds(30),
          () -> bookinfo.mesh().equals(new Bookinfo.MeshState(0, v2, v2)));
      // The old stable keeps its pods for scaleDownDelaySeconds (30 s) after the promotion.
      bookinfo.await(
          "revision 1 scaled down",
          Duration.ofMinutes(2),
          () ->
              cluster
                  .client
                  .apps()
                  .replicaSets()
                  .inNamespace(bookinfo.ns)
                  .list()
                  .getItems()
                  .stream()
                  .filter(rs -> rs.getMetadata().getName().startsWith(Bookinfo.ROLLOUT))
                  .filter(
                      rs ->
                          !v2.equals(
                              rs.getMetadata().getLabels().get("rollouts-pod-template-hash")))
                  .allMatch(rs -> rs.getSpec().getReplicas() == 0));
      // The last writes of the promotion (status, events) settle: two quiet seconds.
      RealCluster.await(
          "the controller to go quiet",
          Duration.ofSeconds(30),
          () -> {
            List<Request> seen;
            try {
              seen = controllerRequests(audit, bookinfo.ns);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return seen.isEmpty()
                || seen.get(seen.size() - 1).at().isBefore(Instant.now().minusSeconds(2));
          });
      Instant idleFrom = Instant.now();
      Thread.sleep(idle.toMillis());
      Instant idleTo = Instant.now();

      List<Request> requests = controllerRequests(audit, bookinfo.ns);
      Map<String, Integer> canary = byVerbAndResource(requests, pushed, idleFrom);
      Map<String, Integer> quiet = byVerbAndResource(requests, idleFrom, idleTo);
      System.out.printf(
          "API requests of rollout4j-controller (audit log), push to promotion and old stack"
              + " scaled down (%d s):%n",
          Duration.between(pushed, idleFrom).toSeconds());
      canary.forEach((k, v) -> System.out.printf("  %-45s %4d%n", k, v));
      System.out.printf("idle Healthy rollout, %d s:%n", idle.toSeconds());
      quiet.forEach((k, v) -> System.out.printf("  %-45s %4d%n", k, v));
      if (quiet.isEmpty()) {
        System.out.println("  (no request)");
      }

      assertThat(requests).as("the audit log has the controller's requests").isNotEmpty();
      assertThat(quiet.keySet())
          .as("an idle Healthy rollout: no writes and no polling reads")
          .allMatch(k -> k.startsWith("watch "));
      assertThat(canary.keySet())
          .as("reads during the canary come from informers")
          .noneMatch(k -> k.startsWith("list ") || k.startsWith("get "));
      assertThat(canary.getOrDefault("create replicasets", 0)).isEqualTo(1);
      assertThat(canary.getOrDefault("create analysisruns", 0)).isEqualTo(1);
    }
  }
}
