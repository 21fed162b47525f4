package io.rollout4j.cli;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.Metric;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.Step;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A team's rules for rollouts, as data: each rule has an id, a severity, a message and one check
 * from a fixed set ({@code require}) with its parameters, optionally limited to some namespaces,
 * names or labels. Loading validates the whole file and names the field of any mistake; nothing is
 * checked with a half-read policy.
 *
 * <pre>
 * rules:
 *   - id: canary-needs-analysis
 *     severity: error                # error (default), warning or note
 *     message: A canary must be analysed before it takes all traffic
 *     require: analysis
 *   - id: small-steps
 *     message: Traffic grows by at most 25 points a step
 *     require: maxWeightIncrease
 *     max: 25
 *     match: {namespaces: [shop]}    # optional: namespaces, names, labels
 * </pre>
 */
final class Policy {
  /** The checks a rule can require, with the parameters each takes. */
  static final Map<String, Set<String>> CHECKS =
      Map.of(
          "analysis", Set.of(),
          "maxWeightIncrease", Set.of("max"),
          "pauseBeforePromotion", Set.of("minDuration"),
          "failureLimit", Set.of("min", "max"),
          "progressDeadlineAbort", Set.of(),
          "allowedProviders", Set.of("providers"),
          "field", Set.of("kinds", "path", "exists", "equals", "matches", "oneOf"));

  private static final Set<String> RULE_KEYS =
      Set.of("id", "severity", "message", "require", "match");
  private static final Pattern FIELD_PATH =
      Pattern.compile("[A-Za-z0-9_/-]+(\\[\\d+])*(\\.[A-Za-z0-9_/-]+(\\[\\d+])*)*");
  private static final Set<String> MATCH_KEYS = Set.of("namespaces", "names", "labels");

  /** Which objects a rule applies to; empty lists and maps match every object. */
  record Match(List<String> namespaces, List<String> names, Map<String, String> labels) {
    boolean matches(ManifestSet.Item item) {
      if (!namespaces.isEmpty() && !namespaces.contains(item.namespace())) {
        return false;
      }
      if (!names.isEmpty() && !names.contains(String.valueOf(item.resource().name()))) {
        return false;
      }
      Map<String, String> actual = item.resource().metadata().labels();
      return labels.entrySet().stream()
          .allMatch(e -> Objects.equals(actual.get(e.getKey()), e.getValue()));
    }
  }

  /** One rule: what it checks and how a violation is reported. */
  record Rule(
      String id,
      Finding.Severity severity,
      String message,
      String require,
      Map<String, Object> parameters,
      Match match) {}

  private final List<Rule> rules;

  private Policy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  List<Rule> rules() {
    return rules;
  }

  /**
   * Reads and validates a policy file.
   *
   * @throws IllegalArgumentException naming the file, the field and what was expected
   */
  static Policy load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  static Policy parse(String text) {
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(new StringReader(text));
    } catch (YAMLException e) {
      throw new IllegalArgumentException("invalid YAML: " + e.getMessage(), e);
    }
    if (!(tree instanceof Map<?, ?> top) || !(top.get("rules") instanceof List<?> list)) {
      throw new IllegalArgumentException("rules: expected a list of rules");
    }
    for (Object key : top.keySet()) {
      if (!"rules".equals(key)) {
        throw new IllegalArgumentException(key + ": unknown field; expected rules");
      }
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Rule rule = rule(list.get(i), "rules[" + i + "]");
      if (!ids.add(rule.id())) {
        throw new IllegalArgumentException(
            "rules[" + i + "].id: \"" + rule.id() + "\" is the id of an earlier rule too");
      }
      rules.add(rule);
    }
    return new Policy(rules);
  }

  private static Rule rule(Object node, String at) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(at + ": expected a rule (a map)");
    }
    String id = required(map, "id", at);
    String message = required(map, "message", at);
    String require = required(map, "require", at);
    String severityText = text(map, "severity", at, false);
    Finding.Severity severity =
        severityText == null
            ? Finding.Severity.ERROR
            : Finding.Severity.parse(severityText, at + ".severity");
    Set<String> allowed = CHECKS.get(require);
    if (allowed == null) {
      throw new IllegalArgumentException(
          at
              + ".require: unknown check \""
              + require
              + "\"; expected one of "
              + new java.util.TreeSet<>(CHECKS.keySet()));
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (RULE_KEYS.contains(key)) {
        continue;
      }
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            at
                + "."
                + key
                + ": unknown field for require: "
                + require
                + "; expected "
                + (allowed.isEmpty() ? "no parameters" : new java.util.TreeSet<>(allowed)));
      }
      parameters.put(key, e.getValue());
    }
    validateParameters(require, parameters, at);
    return new Rule(id, severity, message, require, parameters, match(map.get("match"), at));
  }

  private static void validateParameters(String require, Map<String, Object> p, String at) {
    switch (require) {
      case "maxWeightIncrease" -> integer(p, "max", at, true, 1, 100);
      case "failureLimit" -> {
        Integer min = integer(p, "min", at, false, -1, Integer.MAX_VALUE);
        Integer max = integer(p, "max", at, false, -1, Integer.MAX_VALUE);
        if (min == null && max == null) {
          throw new IllegalArgumentException(at + ": expected min, max or both");
        }
        if (min != null && max != null && min > max) {
          throw new IllegalArgumentException(at + ".min: " + min + " is above max " + max);
        }
      }
      case "pauseBeforePromotion" -> {
        Object d = p.get("minDuration");
        if (d != null && DurationStrings.parseGo(String.valueOf(d)).isEmpty()) {
          throw new IllegalArgumentException(
              at + ".minDuration: expected a duration such as 5m, found \"" + d + "\"");
        }
      }
      case "allowedProviders" -> {
        if (!(p.get("providers") instanceof List<?> l) || l.isEmpty()) {
          throw new IllegalArgumentException(
              at + ".providers: expected a list of provider names, such as [prometheus]");
        }
      }
      case "field" -> {
        if (!(p.get("path") instanceof String path) || !FIELD_PATH.matcher(path).matches()) {
          throw new IllegalArgumentException(
              at + ".path: expected a field path such as spec.progressDeadlineAbort");
        }
        long conditions =
            List.of("exists", "equals", "matches", "oneOf").stream().filter(p::containsKey).count();
        if (conditions > 1) {
          throw new IllegalArgumentException(
              at + ": expected one of exists, equals, matches, oneOf, found " + conditions);
        }
        if (p.get("matches") != null) {
          try {
            Pattern.compile(String.valueOf(p.get("matches")));
          } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                at + ".matches: not a regular expression: " + e.getDescription(), e);
          }
        }
        if (p.containsKey("oneOf") && !(p.get("oneOf") instanceof List<?>)) {
          throw new IllegalArgumentException(at + ".oneOf: expected a list of values");
        }
        if (p.containsKey("kinds") && !(p.get("kinds") instanceof List<?>)) {
          throw new IllegalArgumentException(at + ".kinds: expected a list of kinds");
        }
      }
      default -> {
        // analysis and progressDeadlineAbort take no parameters
      }
    }
  }

  private static @Nullable Integer integer(
      Map<String, Object> p, String key, String at, boolean required, int min, int max) {
    Object value = p.get(key);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(at + "." + key + ": expected a number");
      }
      return null;
    }
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw new IllegalArgumentException(
          at
              + "."
              + key
              + ": expected a whole number from "
              + min
              + (max == Integer.MAX_VALUE ? "" : " to " + max)
              + ", found "
              + value);
    }
    return n;
  }

  private static Match match(@Nullable Object node, String at) {
    if (node == null) {
      return new Match(List.of(), List.of(), Map.of());
    }
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(at + ".match: expected a map");
    }
    for (Object key : map.keySet()) {
      if (!MATCH_KEYS.contains(String.valueOf(key))) {
        throw new IllegalArgumentException(
            at
                + ".match."
                + key
                + ": unknown field; expected "
                + new java.util.TreeSet<>(MATCH_KEYS));
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (map.get("labels") instanceof Map<?, ?> l) {
      l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
    } else if (map.get("labels") != null) {
      throw new IllegalArgumentException(at + ".match.labels: expected a map of labels");
    }
    return new Match(strings(map.get("namespaces")), strings(map.get("names")), labels);
  }

  private static List<String> strings(@Nullable Object node) {
    if (node == null) {
      return List.of();
    }
    if (node instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(node));
  }

  private static String required(Map<?, ?> map, String key, String at) {
    return java.util.Objects.requireNonNull(text(map, key, at, true));
  }

  private static @Nullable String text(Map<?, ?> map, String key, String at, boolean required) {
    Object value = map.get(key);
    if (value == null || String.valueOf(value).isBlank()) {
      if (required) {
        throw new IllegalArgumentException(at + "." + key + ": required");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(at + "." + key + ": expected text, found " + value);
    }
    return s;
  }

  // ---------------------------------------------------------------- evaluation

  /** Every violation of every rule by the objects of the set. */
  List<Finding> check(ManifestSet set) {
    List<Finding> findings = new ArrayList<>();
    for (Rule rule : rules) {
      for (ManifestSet.Item item : set.items()) {
        if (!rule.match().matches(item)) {
          continue;
        }
        for (Violation v : violations(rule, item)) {
          findings.add(
              ManifestSet.finding(
                  item, rule.severity(), rule.id(), v.path(), rule.message() + ": " + v.detail()));
        }
      }
    }
    return findings.stream().sorted(Finding.ORDER).toList();
  }

  /** Where an object breaks a rule, and how. */
  record Violation(String path, String detail) {}

  static List<Violation> violations(Rule rule, ManifestSet.Item item) {
    Map<String, Object> p = rule.parameters();
    return switch (rule.require()) {
      case "analysis" -> item.resource() instanceof Rollout r ? analysis(r) : List.of();
      case "maxWeightIncrease" ->
          item.resource() instanceof Rollout r
              ? weightJumps(r, (Integer) java.util.Objects.requireNonNull(p.get("max")))
              : List.of();
      case "pauseBeforePromotion" ->
          item.resource() instanceof Rollout r
              ? pauseBeforePromotion(
                  r,
                  p.get("minDuration") == null
                      ? Duration.ZERO
                      : DurationStrings.parseGo(String.valueOf(p.get("minDuration"))).orElseThrow())
              : List.of();
      case "failureLimit" -> failureLimits(item, (Integer) p.get("min"), (Integer) p.get("max"));
      case "progressDeadlineAbort" ->
          item.resource() instanceof Rollout r
                  && !Boolean.TRUE.equals(r.spec().progressDeadlineAbort())
              ? List.of(
                  new Violation(
                      "spec.progressDeadlineAbort",
                      "spec.progressDeadlineAbort is not true, so a revision that misses its"
                          + " progress deadline keeps its traffic"))
              : List.of();
      case "allowedProviders" -> providers(item, strings(p.get("providers")));
      case "field" -> FieldRule.violations(item, p);
      default -> throw new IllegalStateException("unknown check " + rule.require());
    };
  }

  private static List<Violation> analysis(Rollout rollout) {
    if (rollout.spec().strategy() instanceof CanaryStrategy canary) {
      boolean steps =
          canary.steps().stream().anyMatch(s -> s instanceof Step.Analysis || analysisIn(s));
      if (canary.analysis() != null || steps) {
        return List.of();
      }
      return List.of(
          new Violation(
              "spec.strategy.canary",
              "the canary reaches 100 % without analysis (no background analysis, no analysis"
                  + " step)"));
    }
    if (rollout.spec().strategy() instanceof BlueGreenStrategy blueGreen
        && blueGreen.prePromotionAnalysis() == null
        && blueGreen.postPromotionAnalysis() == null) {
      return List.of(
          new Violation(
              "spec.strategy.blueGreen",
              "the preview is promoted without analysis (no prePromotionAnalysis or"
                  + " postPromotionAnalysis)"));
    }
    return List.of();
  }

  private static boolean analysisIn(Step step) {
    return step instanceof Step.Combined c && c.action(Step.Analysis.class).isPresent();
  }

  private static List<Violation> weightJumps(Rollout rollout, int max) {
    if (!(rollout.spec().strategy() instanceof CanaryStrategy canary)) {
      return List.of();
    }
    List<Violation> out = new ArrayList<>();
    int weight = 0;
    List<Step> steps = canary.steps();
    for (int i = 0; i < steps.size(); i++) {
      Integer next = setWeight(steps.get(i));
      if (next == null) {
        continue;
      }
      if (next - weight > max) {
        out.add(
            new Violation(
                "spec.strategy.canary.steps[" + i + "].setWeight",
                "steps[" + i + "] raises the canary's weight from " + weight + " to " + next));
      }
      weight = next;
    }
    if (!steps.isEmpty() && 100 - weight > max) {
      out.add(
          new Violation(
              "spec.strategy.canary.steps",
              "full promotion after the last step raises the canary's weight from "
                  + weight
                  + " to 100"));
    }
    return out;
  }

  private static @Nullable Integer setWeight(Step step) {
    if (step instanceof Step.SetWeight w) {
      return w.weight();
    }
    if (step instanceof Step.Combined c) {
      return c.action(Step.SetWeight.class).map(Step.SetWeight::weight).orElse(null);
    }
    return null;
  }

  private static List<Violation> pauseBeforePromotion(Rollout rollout, Duration min) {
    if (!(rollout.spec().strategy() instanceof CanaryStrategy canary)) {
      return List.of();
    }
    List<Step> steps = canary.steps();
    int lastWeight = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (setWeight(steps.get(i)) != null) {
        lastWeight = i;
      }
    }
    for (int i = lastWeight + 1; i < steps.size(); i++) {
      Step step = steps.get(i);
      Step.Pause pause =
          step instanceof Step.Pause p
              ? p
              : step instanceof Step.Combined c ? c.action(Step.Pause.class).orElse(null) : null;
      if (pause == null) {
        continue;
      }
      if (pause.duration() == null) {
        return List.of(); // an indefinite pause waits for a person's promote
      }
      Duration d = DurationStrings.parsePause(pause.duration()).orElse(Duration.ZERO);
      if (d.compareTo(min) >= 0) {
        return List.of();
      }
    }
    String where =
        lastWeight < 0
            ? "before full promotion"
            : "after the last setWeight (steps[" + lastWeight + "])";
    return List.of(
        new Violation(
            "spec.strategy.canary.steps",
            "no pause"
                + (min.isZero() ? "" : " of at least " + DurationStrings.format(min))
                + " "
                + where));
  }

  private static List<Violation> failureLimits(
      ManifestSet.Item item, @Nullable Integer min, @Nullable Integer max) {
    List<Violation> out = new ArrayList<>();
    List<Metric> metrics = item.metrics();
    for (int i = 0; i < metrics.size(); i++) {
      Metric metric = metrics.get(i);
      Integer limit =
          metric.failureLimit() == null ? Integer.valueOf(0) : metric.failureLimit().asInteger();
      if (limit == null) {
        continue; // an argument placeholder: its value is only known when the run starts
      }
      boolean unlimited = limit < 0;
      boolean below = min != null && !unlimited && limit < min;
      boolean above = max != null && (unlimited ? max >= 0 : limit > max);
      if (below || above) {
        out.add(
            new Violation(
                "spec.metrics[" + i + "].failureLimit",
                "metric "
                    + metric.name()
                    + " has failureLimit "
                    + (unlimited ? limit + " (unlimited)" : limit)
                    + (metric.failureLimit() == null ? " (the default)" : "")
                    + "; expected "
                    + bounds(min, max)));
      }
    }
    return out;
  }

  private static String bounds(@Nullable Integer min, @Nullable Integer max) {
    if (min != null && max != null) {
      return "from " + min + " to " + max;
    }
    return min != null ? "at least " + min : "at most " + max;
  }

  private static List<Violation> providers(ManifestSet.Item item, List<String> allowed) {
    List<Violation> out = new ArrayList<>();
    List<Metric> metrics = item.metrics();
    for (int i = 0; i < metrics.size(); i++) {
      String type = metrics.get(i).provider().type();
      if (!allowed.contains(type)) {
        out.add(
            new Violation(
                "spec.metrics[" + i + "].provider." + type,
                "metric "
                    + metrics.get(i).name()
                    + " uses provider "
                    + type
                    + "; allowed: "
                    + String.join(", ", allowed)));
      }
    }
    return out;
  }

  /** {@code require: field}: a field of the object's manifest exists, equals or matches. */
  private static final class FieldRule {
    private FieldRule() {}

    static List<Violation> violations(ManifestSet.Item item, Map<String, Object> p) {
      List<String> kinds = p.get("kinds") == null ? List.of(Rollout.KIND) : strings(p.get("kinds"));
      if (!kinds.contains(item.resource().kind())) {
        return List.of();
      }
      String path = String.valueOf(p.get("path"));
      Object value = at(Manifests.toMap(item.resource()), path);
      String found = value == null ? "absent" : "\"" + value + "\"";
      if (p.containsKey("equals")) {
        Object expected = p.get("equals");
        return same(value, expected)
            ? List.of()
            : List.of(new Violation(path, path + " is " + found + "; expected " + expected));
      }
      if (p.containsKey("matches")) {
        String regex = String.valueOf(p.get("matches"));
        return value != null && Pattern.compile(regex).matcher(String.valueOf(value)).matches()
            ? List.of()
            : List.of(
                new Violation(path, path + " is " + found + "; expected a match of " + regex));
      }
      if (p.containsKey("oneOf")) {
        List<?> options = (List<?>) p.get("oneOf");
        return options.stream().anyMatch(o -> same(value, o))
            ? List.of()
            : List.of(new Violation(path, path + " is " + found + "; expected one of " + options));
      }
      boolean exists = !Boolean.FALSE.equals(p.get("exists"));
      if (exists == (value != null)) {
        return List.of();
      }
      return List.of(
          new Violation(path, exists ? path + " is absent" : path + " is set to " + found));
    }

    private static boolean same(@Nullable Object value, @Nullable Object expected) {
      if (value == null || expected == null) {
        return value == expected;
      }
      return String.valueOf(value).equals(String.valueOf(expected));
    }

    /** A dotted path with list indexes ({@code spec.strategy.canary.steps[0].setWeight}). */
    private static @Nullable Object at(Map<String, Object> tree, String path) {
      Object node = tree;
      for (String part : path.split("\\.")) {
        String key = part;
        List<Integer> indexes = new ArrayList<>();
        int bracket = key.indexOf('[');
        if (bracket >= 0) {
          for (String index : key.substring(bracket + 1).split("\\]\\[?")) {
            if (!index.isEmpty()) {
              indexes.add(Integer.parseInt(index.replace("]", "")));
            }
          }
          key = key.substring(0, bracket);
        }
        if (!key.isEmpty()) {
          if (!(node instanceof Map<?, ?> m)) {
            return null;
          }
          node = m.get(key);
        }
        for (int index : indexes) {
          if (!(node instanceof List<?> l) || index >= l.size()) {
            return null;
          }
          node = l.get(index);
        }
      }
      return node;
    }
  }
}
