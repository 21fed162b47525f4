package io.rollout4j.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * A folder {@code e2e/scenarios/<name>/}: its manifests and a {@code scenario.yaml} with the
 * timeline both controllers are put through, and the differences expected between them (each with
 * its reason). The format:
 *
 * <pre>
 * description: what the scenario shows
 * rollout: rollout-canary            # the Rollout that plugin actions name
 * manifests:                         # applied in order, in both namespaces, at the start
 * - file: services.yaml              # a file of this folder, or
 * - shared: argo-rollouts-examples/examples/rollout-canary.yaml   # one of ../shared/conformance
 *   replace: {"duration: 40s": "duration: 4s"}                      # text replaced first
 *   kinds: [VirtualService]          # only the objects of these kinds
 * timeline:                          # played on both sides at the same time
 * - until: Healthy                   # the Rollout's phase on both sides (or a map of trace fields)
 * - set-image: rollouts-demo=argoproj/rollouts-demo:yellow     # kubectl argo rollouts set image
 * - promote                          # also: promote --full, abort, retry, undo, pause, restart
 * - wait: 5                          # seconds
 * - apply: {file: v2.yaml}           # as manifests
 * - metric: '{"healthy": true}'      # what the web provider's stub answers from now on
 * - latency: 3000                    # the canary's calls in the real OAP from now on (ms)
 * expected-differences:
 * - field: "rollout message"         # a regular expression on the trace's field names
 *   rewrite: {": ReplicaSet .*": ""} # optional: only this difference (regex → replacement on
 *                                    # both sides' values; what still differs is unexplained)
 *   reason: why this is a deliberate difference
 * </pre>
 *
 * Manifests may use {@code ${METRIC_URL}}, {@code ${OAP_ADDRESS}} and {@code ${OAP_SERVICE}}.
 */
record Scenario(
    String name,
    Path folder,
    String description,
    String rollout,
    List<Map<String, Object>> manifests,
    List<Step> timeline,
    List<TraceDiff.Expected> expected) {

  /** One entry of the timeline: an action and its argument (null when it takes none). */
  record Step(String action, Object argument) {
    @Override
    public String toString() {
      return argument == null ? action : action + " " + argument;
    }
  }

  static Path root() {
    return Path.of("..", "scenarios").toAbsolutePath().normalize();
  }

  static Path shared() {
    return Path.of("..", "..", "..", "shared", "conformance").toAbsolutePath().normalize();
  }

  /** The scenarios named, or every folder of e2e/scenarios when none is. */
  static List<Scenario> load(List<String> names) {
    List<String> wanted = new ArrayList<>(names);
    if (wanted.isEmpty()) {
      try (var folders = Files.list(root())) {
        folders
            .filter(f -> Files.isRegularFile(f.resolve("scenario.yaml")))
            .map(f -> f.getFileName().toString())
            .sorted()
            .forEach(wanted::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return wanted.stream().map(Scenario::read).toList();
  }

  @SuppressWarnings("unchecked")
  static Scenario read(String name) {
    Path folder = root().resolve(name);
    Map<String, Object> spec;
    try {
      spec = new Yaml().load(Files.readString(folder.resolve("scenario.yaml")));
    } catch (IOException e) {
      throw new IllegalArgumentException("scenario " + name + ": no scenario.yaml in " + folder, e);
    }
    List<Step> timeline = new ArrayList<>();
    for (Object entry : (List<Object>) spec.getOrDefault("timeline", List.of())) {
      if (entry instanceof String action) {
        timeline.add(new Step(action, null));
      } else if (entry instanceof Map<?, ?> map && map.size() == 1) {
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        timeline.add(new Step(String.valueOf(only.getKey()), only.getValue()));
      } else {
        throw new IllegalArgumentException(
            "scenario "
                + name
                + ": timeline entries are an action or {action: argument}: "
                + entry);
      }
    }
    List<TraceDiff.Expected> expected = new ArrayList<>();
    for (Object entry : (List<Object>) spec.getOrDefault("expected-differences", List.of())) {
      Map<String, Object> e = (Map<String, Object>) entry;
      Object reason = e.get("reason");
      if (reason == null || reason.toString().isBlank()) {
        throw new IllegalArgumentException(
            "scenario " + name + ": expected difference " + e.get("field") + " has no reason");
      }
      Map<Pattern, String> rewrite = new LinkedHashMap<>();
      if (e.get("rewrite") instanceof Map<?, ?> r) {
        r.forEach((k, v) -> rewrite.put(Pattern.compile(String.valueOf(k)), String.valueOf(v)));
      }
      expected.add(
          new TraceDiff.Expected(
              Pattern.compile(String.valueOf(e.get("field"))), rewrite, reason.toString()));
    }
    return new Scenario(
        name,
        folder,
        String.valueOf(spec.getOrDefault("description", "")),
        String.valueOf(spec.get("rollout")),
        (List<Map<String, Object>>) spec.getOrDefault("manifests", List.of()),
        timeline,
        expected);
  }

  /** The text of a manifest entry ({@code file} or {@code shared}, then {@code replace}). */
  String manifest(Object entry) {
    Map<?, ?> spec = entry instanceof Map<?, ?> m ? m : Map.of("file", entry);
    Path path =
        spec.get("shared") != null
            ? shared().resolve(String.valueOf(spec.get("shared")))
            : folder.resolve(String.valueOf(spec.get("file")));
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("scenario " + name + ": cannot read " + path, e);
    }
    if (spec.get("replace") instanceof Map<?, ?> replace) {
      for (Map.Entry<?, ?> r : new LinkedHashMap<>(replace).entrySet()) {
        String from = String.valueOf(r.getKey());
        if (!text.contains(from)) {
          throw new IllegalArgumentException(
              "scenario " + name + ": " + path.getFileName() + " has no '" + from + "' to replace");
        }
        text = text.replace(from, String.valueOf(r.getValue()));
      }
    }
    return text;
  }

  /** A step's deadline: {@code until} waits up to this long for both sides. */
  static Duration untilDeadline(Object argument) {
    if (argument instanceof Map<?, ?> m && m.get("deadline") instanceof Number n) {
      return Duration.ofSeconds(n.longValue());
    }
    return Duration.ofMinutes(2);
  }
}
