package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.rollout4j.skywalking.LiveOap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The differential tier: each scenario of {@code e2e/scenarios} played on Rollout4j's controller
 * and on the real Argo Rollouts controller at the same time, in a namespace each (instance ids
 * {@code rollout4j} and {@code argo}), on Argo's own CRDs, with user actions through the real
 * {@code kubectl argo rollouts} plugin. Each side's trace is recorded and compared; a difference
 * the scenario does not expect, with a reason, fails it. {@code e2e/differential.sh} runs it; the
 * report of every scenario is in {@code target/differential/}.
 */
class DifferentialE2ETest {
  private static final String OURS = "rollout4j";
  private static final String ARGO = "argo";

  private static RealCluster cluster;
  private static ArgoController argo;
  private static HttpServer metricStub;
  private static final AtomicReference<String> METRIC = new AtomicReference<>("{}");
  private static final List<String> SUMMARY = new ArrayList<>();
  // Printed after the summary (the end of CI's output): each unexplained difference with the
  // durations of the values on both sides, enough to tell a decision from a timing.
  private static final List<String> UNEXPLAINED = new ArrayList<>();
  private static int unexplained;

  @BeforeAll
  static void start() throws IOException {
    cluster = RealCluster.connect();
    ArgoController.installCrds(cluster);
    argo = ArgoController.start(cluster, ARGO);
    metricStub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    metricStub.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = METRIC.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    metricStub.start();
  }

  @AfterAll
  static void stop() throws IOException {
    Path report = Path.of("target", "differential", "summary.txt");
    Files.createDirectories(report.getParent());
    SUMMARY.add(
        "differential: "
            + (SUMMARY.size())
            + " scenarios, "
            + unexplained
            + " unexplained differences");
    List<String> lines = new ArrayList<>(SUMMARY);
    lines.addAll(UNEXPLAINED);
    Files.write(report, lines);
    lines.forEach(System.out::println);
    if (metricStub != null) {
      metricStub.stop(0);
    }
    if (argo != null) {
      argo.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> scenarios() {
    String names = System.getProperty("rollout4j.scenarios", "");
    List<String> wanted =
        names.isBlank() || names.startsWith("${")
            ? List.of()
            : Arrays.stream(names.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    return Scenario.load(wanted).stream()
        .map(
            s ->
                DynamicTest.dynamicTest(
                    s.name(),
                    () -> {
                      try {
                        play(s);
                      } catch (RuntimeException | IOException e) {
                        unexplained++;
                        SUMMARY.add(String.format("%-40s did not finish: %s", s.name(), e));
                        throw e;
                      }
                    }));
  }

  private void play(Scenario scenario) throws IOException {
    String shortName =
        scenario.name().length() > 30 ? scenario.name().substring(0, 30) : scenario.name();
    String oursNs = cluster.namespace("r4j-" + shortName);
    String argoNs = cluster.namespace("argo-" + shortName);
    String oapService = "canary|" + shortName + "|differential|cluster-1|-";
    METRIC.set("{}");
    Map<String, String> values =
        Map.of(
            "${METRIC_URL}",
            "http://127.0.0.1:" + metricStub.getAddress().getPort() + "/metric",
            "${OAP_SERVICE}",
            oapService);
    boolean usesOap =
        scenario.manifests().stream()
            .anyMatch(m -> scenario.manifest(m).contains("${OAP_ADDRESS}"));
    LiveOap oap = usesOap ? LiveOap.shared() : null;
    if (oap != null) {
      oap.traffic(oapService, Duration.ofMillis(20));
    }
    List<String> log = new ArrayList<>();
    try (ControllerProcess ours =
            ControllerProcess.start(
                cluster.kubeconfig.toString(),
                oursNs,
                "--instance-id=" + OURS,
                "--leader-elect=false");
        Trace oursTrace = new Trace(cluster, oursNs);
        Trace argoTrace = new Trace(cluster, argoNs)) {
      // Both controllers watch before the first object is applied: a JVM starts slower than Go.
      RealCluster.await(
          "Rollout4j's controller started",
          Duration.ofMinutes(1),
          () -> ours.logText().contains("started"));
      Map<String, String> placeholders = new LinkedHashMap<>(values);
      if (oap != null) {
        placeholders.put("${OAP_ADDRESS}", oap.address());
      }
      for (Map<String, Object> manifest : scenario.manifests()) {
        apply(scenario, manifest, placeholders, oursNs, OURS);
        apply(scenario, manifest, placeholders, argoNs, ARGO);
      }
      for (Scenario.Step step : scenario.timeline()) {
        log.add(Instant.now() + " " + step);
        switch (step.action()) {
          case "wait" -> sleep(Duration.ofSeconds(((Number) step.argument()).longValue()));
          case "until" -> {
            Map<String, String> want = until(step.argument());
            for (Trace trace : List.of(oursTrace, argoTrace)) {
              boolean reached =
                  trace.awaitState(
                      Scenario.untilDeadline(step.argument()),
                      state ->
                          want.entrySet().stream()
                              .allMatch(e -> e.getValue().equals(state.get(e.getKey()))));
              if (!reached) {
                log.add("  " + (trace == oursTrace ? OURS : ARGO) + " did not reach " + want);
              }
            }
            // The state reached settles before the next action (shorter ones are not compared).
            sleep(TraceDiff.SETTLED.plusMillis(500));
          }
          case "apply" -> {
            apply(scenario, step.argument(), placeholders, oursNs, OURS);
            apply(scenario, step.argument(), placeholders, argoNs, ARGO);
          }
          case "metric" -> METRIC.set(String.valueOf(step.argument()));
          case "latency" ->
              oap.traffic(oapService, Duration.ofMillis(((Number) step.argument()).longValue()));
          default -> {
            List<String> args = pluginArguments(scenario, step);
            log.add(
                "  "
                    + OURS
                    + ": "
                    + ArgoController.plugin(cluster, oursNs, args.toArray(String[]::new)).trim());
            log.add(
                "  "
                    + ARGO
                    + ": "
                    + ArgoController.plugin(cluster, argoNs, args.toArray(String[]::new)).trim());
          }
        }
      }
      settle(oursTrace, argoTrace);
      String oursGet = ArgoController.plugin(cluster, oursNs, "get", "rollout", scenario.rollout());
      String argoGet = ArgoController.plugin(cluster, argoNs, "get", "rollout", scenario.rollout());
      // The plugin's read commands against both controllers: status (with a timeout it reports
      // the state now), list, and get --watch for a few seconds.
      Map<String, String> oursReads = pluginReads(oursNs, scenario.rollout());
      Map<String, String> argoReads = pluginReads(argoNs, scenario.rollout());
      List<TraceDiff.Difference> differences =
          new ArrayList<>(
              TraceDiff.compare(oursTrace.states(), argoTrace.states(), scenario.expected()));
      if (!oursReads.get("status").equals(argoReads.get("status"))) {
        differences.add(
            new TraceDiff.Difference(
                "kubectl argo rollouts status",
                List.of(oursReads.get("status")),
                List.of(argoReads.get("status")),
                null));
      }
      long notExplained = differences.stream().filter(d -> !d.explained()).count();
      unexplained += (int) notExplained;
      String text =
          "scenario "
              + scenario.name()
              + ": "
              + scenario.description()
              + "\n\ntimeline:\n"
              + String.join("\n", log)
              + "\n\ndifferences ("
              + differences.size()
              + ", unexplained "
              + notExplained
              + "):\n"
              + TraceDiff.describe(differences)
              + "\nkubectl argo rollouts get rollout, rollout4j:\n"
              + oursGet
              + "\nkubectl argo rollouts get rollout, argo:\n"
              + argoGet
              + "\nkubectl argo rollouts status / list rollouts / get rollout --watch (3 s), rollout4j:\n"
              + String.join("\n", oursReads.values())
              + "\nthe same, argo:\n"
              + String.join("\n", argoReads.values())
              + "\ntrace, rollout4j:\n"
              + TraceDiff.dump(oursTrace.states())
              + "\ntrace, argo:\n"
              + TraceDiff.dump(argoTrace.states());
      Path report = Path.of("target", "differential", scenario.name() + ".txt");
      Files.createDirectories(report.getParent());
      Files.writeString(report, text);
      System.out.println(
          "differential "
              + scenario.name()
              + ": "
              + differences.size()
              + " differences, "
              + notExplained
              + " unexplained\n"
              + TraceDiff.describe(differences));
      SUMMARY.add(
          String.format(
              "%-40s %3d differences, %3d unexplained",
              scenario.name(), differences.size(), notExplained));
      for (TraceDiff.Difference d : differences) {
        if (!d.explained()) {
          UNEXPLAINED.add(
              scenario.name()
                  + ": "
                  + d.field()
                  + "\n    rollout4j: "
                  + timedOr(TraceDiff.timed(oursTrace.states(), d.field()), d.ours())
                  + "\n    argo:      "
                  + timedOr(TraceDiff.timed(argoTrace.states(), d.field()), d.argo()));
        }
      }
      assertThat(argo.alive()).as("Argo's controller still runs").isTrue();
      assertThat(notExplained)
          .as("unexplained differences, see " + report.toAbsolutePath())
          .isZero();
    } finally {
      if (oap != null) {
        oap.stop(oapService);
      }
    }
  }

  /** A field's timed history, or the compared values for a field the traces do not hold. */
  private static String timedOr(String timed, List<String> values) {
    return timed.equals("(none)") ? String.join(" -> ", values) : timed;
  }

  private static List<String> pluginArguments(Scenario scenario, Scenario.Step step) {
    List<String> args = new ArrayList<>(Arrays.asList(step.action().split(" ")));
    args.add(1, scenario.rollout());
    if (step.action().equals("set-image")) {
      args = new ArrayList<>(List.of("set", "image", scenario.rollout()));
    } else if (step.action().equals("retry")) {
      args = new ArrayList<>(List.of("retry", "rollout", scenario.rollout()));
    }
    if (step.argument() != null) {
      args.add(String.valueOf(step.argument()));
    }
    return args;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> until(Object argument) {
    if (argument instanceof String phase) {
      return Map.of("rollout phase", phase);
    }
    Map<String, String> want = new LinkedHashMap<>();
    ((Map<String, Object>) argument)
        .forEach(
            (k, v) -> {
              if (!k.equals("deadline")) {
                want.put(k, String.valueOf(v));
              }
            });
    return want;
  }

  private static Map<String, String> pluginReads(String namespace, String rollout) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(
        "status",
        ArgoController.pluginFor(
                cluster, namespace, Duration.ofSeconds(20), "status", rollout, "--timeout", "1s")
            .trim());
    out.put(
        "list",
        ArgoController.pluginFor(cluster, namespace, Duration.ofSeconds(20), "list", "rollouts"));
    String watched =
        ArgoController.pluginFor(
            cluster, namespace, Duration.ofSeconds(3), "get", "rollout", rollout, "--watch");
    if (!watched.contains("Name:")) {
      throw new AssertionError("get rollout --watch printed no rollout:\n" + watched);
    }
    out.put("watch", "(get rollout --watch printed " + watched.length() + " characters)");
    return out;
  }

  /** Applies a manifest entry, Argo's kinds labelled for {@code instanceId}. */
  @SuppressWarnings("unchecked")
  private static void apply(
      Scenario scenario,
      Object entry,
      Map<String, String> placeholders,
      String namespace,
      String instanceId) {
    String text = scenario.manifest(entry);
    for (Map.Entry<String, String> p : placeholders.entrySet()) {
      text = text.replace(p.getKey(), p.getValue());
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Yaml yaml = new Yaml(options);
    List<Object> documents = new ArrayList<>();
    List<?> kinds =
        entry instanceof Map<?, ?> spec && spec.get("kinds") instanceof List<?> only ? only : null;
    List<Object> flat = new ArrayList<>();
    for (Object document : yaml.loadAll(text)) {
      // A `kind: List` (as kubectl prints one) applies its items.
      if (document instanceof Map<?, ?> list
          && "List".equals(list.get("kind"))
          && list.get("items") instanceof List<?> items) {
        flat.addAll(items);
      } else {
        flat.add(document);
      }
    }
    for (Object document : flat) {
      if (document instanceof Map<?, ?> object
          && kinds != null
          && !kinds.contains(object.get("kind"))) {
        continue;
      }
      ArgoController.label(document, instanceId);
      if (document != null) {
        documents.add(document);
      }
    }
    cluster.apply(namespace, yaml.dumpAll(documents.iterator()));
  }

  /** Waits until neither side has changed for 5 s (at most 2 min). */
  private static void settle(Trace a, Trace b) {
    Instant end = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(end)) {
      Instant last =
          Stream.of(a.states(), b.states())
              .filter(s -> !s.isEmpty())
              .map(s -> s.get(s.size() - 1).at())
              .max(Instant::compareTo)
              .orElse(Instant.EPOCH);
      if (last.isBefore(Instant.now().minusSeconds(5))) {
        return;
      }
      sleep(Duration.ofMillis(500));
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
