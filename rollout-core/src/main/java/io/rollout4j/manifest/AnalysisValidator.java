package io.rollout4j.manifest;

import io.rollout4j.expr.Condition;
import io.rollout4j.expr.ExprException;
import io.rollout4j.expr.TimeExpression;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.AnalysisTemplateRef;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.Argument;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.DryRun;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.MeasurementRetention;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Validates AnalysisTemplates, ClusterAnalysisTemplates and AnalysisRuns: Argo's metric rules
 * ({@code ValidateMetrics}, with Argo's messages), plus what Argo only finds when a run is already
 * under way or never finds at all: int-or-string fields that are neither an integer nor a {@code
 * {{args.x}}} placeholder (Argo reads {@code failureLimit: three} as 0), durations that are not Go
 * durations, conditions that do not compile, arguments used but not declared (errors) or declared
 * but never used (warnings), and dry-run and retention rules that match no metric. Every problem
 * names its field; paths are relative to the document ({@code spec.metrics[0].interval}).
 */
public final class AnalysisValidator {
  private AnalysisValidator() {}

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*args\\.([^}\\s]+)\\s*}}");
  private static final Pattern WHOLE_PLACEHOLDER =
      Pattern.compile("\\s*\\{\\{\\s*args\\.[^}\\s]+\\s*}}\\s*");
  private static final String DURATION_HINT =
      "expected a Go duration such as 30s, 5m or 1h30m (units ns, us, ms, s, m, h)"
          + " or a {{args.name}} placeholder";

  public static List<Problem> validate(AnalysisTemplate template) {
    return validate(template.spec(), true);
  }

  public static List<Problem> validate(ClusterAnalysisTemplate template) {
    return validate(template.spec(), true);
  }

  /** A run's metrics and arguments; its arguments carry values, so none is reported unused. */
  public static List<Problem> validate(AnalysisRun run) {
    var spec = run.spec();
    return validate(
        new AnalysisTemplateSpec(
            spec.metrics(), spec.args(), spec.dryRun(), spec.measurementRetention(), List.of()),
        false);
  }

  /**
   * A template's spec (errors and warnings, errors first). Unused arguments are warnings only where
   * {@code reportUnused}.
   */
  public static List<Problem> validate(AnalysisTemplateSpec spec, boolean reportUnused) {
    List<Problem> problems = new ArrayList<>();
    List<Metric> metrics = spec.metrics();
    if (metrics.isEmpty() && spec.templates().isEmpty()) {
      problems.add(Problem.error("spec.metrics", "no metrics specified"));
    }
    Map<String, Argument> declared = new LinkedHashMap<>();
    for (int i = 0; i < spec.args().size(); i++) {
      Argument arg = spec.args().get(i);
      String path = "spec.args[" + i + "]";
      if (declared.putIfAbsent(arg.name(), arg) != null) {
        problems.add(Problem.error(path + ".name", "argument '" + arg.name() + "' declared twice"));
      }
      if (arg.value() != null && arg.valueFrom() != null) {
        problems.add(
            Problem.error(path, "arg '" + arg.name() + "' has both Value and ValueFrom fields"));
      }
    }
    Set<String> used = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < metrics.size(); i++) {
      Metric metric = metrics.get(i);
      String path = "spec.metrics[" + i + "]";
      if (!names.add(metric.name())) {
        problems.add(Problem.error(path + ".name", "duplicate name '" + metric.name() + "'"));
      }
      metric(metric, path, problems);
      for (String arg : placeholders(Manifests.toTree(metric))) {
        used.add(arg);
        if (!declared.containsKey(arg)) {
          problems.add(
              Problem.error(
                  path,
                  "uses {{args." + arg + "}}, but spec.args declares no argument '" + arg + "'"));
        }
      }
    }
    if (reportUnused) {
      int i = 0;
      for (Argument arg : spec.args()) {
        if (!used.contains(arg.name())) {
          problems.add(
              Problem.warning(
                  "spec.args[" + i + "]",
                  "argument '" + arg.name() + "' is declared but no metric uses it"));
        }
        i++;
      }
    }
    rules(spec, problems);
    for (int i = 0; i < spec.templates().size(); i++) {
      AnalysisTemplateRef ref = spec.templates().get(i);
      if (ref.templateName() == null || ref.templateName().isEmpty()) {
        problems.add(
            Problem.error(
                "spec.templates[" + i + "].templateName", "expected a template name, found none"));
      }
    }
    return problems.stream().sorted((a, b) -> Boolean.compare(!a.isError(), !b.isError())).toList();
  }

  /** The first error of {@link #validate(AnalysisTemplateSpec, boolean)}, or null. */
  public static @Nullable Problem firstError(AnalysisTemplateSpec spec) {
    for (Problem p : validate(spec, false)) {
      if (p.isError()) {
        return p;
      }
    }
    return null;
  }

  private static void metric(Metric metric, String path, List<Problem> problems) {
    Integer count = limit(metric.count(), path + ".count", problems);
    Integer failureLimit = limit(metric.failureLimit(), path + ".failureLimit", problems);
    Integer inconclusiveLimit =
        limit(metric.inconclusiveLimit(), path + ".inconclusiveLimit", problems);
    Integer consecutiveErrorLimit =
        limit(metric.consecutiveErrorLimit(), path + ".consecutiveErrorLimit", problems);
    Integer consecutiveSuccessLimit =
        limit(metric.consecutiveSuccessLimit(), path + ".consecutiveSuccessLimit", problems);
    duration(metric.interval(), path + ".interval", "invalid interval string", problems);
    duration(metric.initialDelay(), path + ".initialDelay", "invalid startDelay string", problems);
    condition(metric.successCondition(), path + ".successCondition", problems);
    condition(metric.failureCondition(), path + ".failureCondition", problems);
    provider(metric.provider(), path + ".provider", problems);

    // Argo's ValidateMetric, on the values that are known before arguments are substituted.
    int successes = consecutiveSuccessLimit == null ? 0 : consecutiveSuccessLimit;
    int failures = failureLimit == null ? 0 : failureLimit;
    int inconclusive = inconclusiveLimit == null ? 0 : inconclusiveLimit;
    int times = count == null ? 0 : count;
    if (successes < 0) {
      problems.add(
          Problem.error(path + ".consecutiveSuccessLimit", "consecutiveSuccessLimit must be >= 0"));
    }
    if (failures < -1) {
      problems.add(
          Problem.error(path + ".failureLimit", "failureLimit must be >= 0, or -1 to be disabled"));
    }
    if (successes == 0 && failures == -1) {
      problems.add(
          Problem.error(path, "failureLimit and consecutiveSuccessLimit cannot both be disabled"));
    }
    if (inconclusive < 0) {
      problems.add(Problem.error(path + ".inconclusiveLimit", "inconclusiveLimit must be >= 0"));
    }
    if (consecutiveErrorLimit != null && consecutiveErrorLimit < 0) {
      problems.add(
          Problem.error(path + ".consecutiveErrorLimit", "consecutiveErrorLimit must be >= 0"));
    }
    if (times > 0) {
      if (successes >= 0 && failures >= 0 && times < failures + successes) {
        problems.add(
            Problem.error(
                path + ".count",
                "count ("
                    + times
                    + ") must be >= failureLimit + consecutiveSuccessLimit ("
                    + failures
                    + " + "
                    + successes
                    + ") if both >= 0"));
      } else if (successes >= 0 && failures < 0 && times < successes) {
        problems.add(Problem.error(path + ".count", "count must be >= consecutiveSuccessLimit"));
      }
      if (times < inconclusive) {
        problems.add(Problem.error(path + ".count", "count must be >= inconclusiveLimit"));
      }
    }
    if (times > 1 && (metric.interval() == null || metric.interval().isEmpty())) {
      problems.add(Problem.error(path + ".interval", "interval must be specified when count > 1"));
    }
  }

  /** The providers Rollout4j measures with out of the box. */
  static final List<String> SUPPORTED_PROVIDERS = List.of("job", "prometheus", "skywalking", "web");

  private static void provider(
      @Nullable MetricProvider provider, String path, List<Problem> problems) {
    if (provider == null) {
      return;
    }
    if (!SUPPORTED_PROVIDERS.contains(provider.type())) {
      problems.add(
          Problem.warning(
              path + "." + provider.type(),
              "provider "
                  + provider.type()
                  + " is not supported by Rollout4j: its measurements will be Errors unless the"
                  + " embedding application registers one (supported: "
                  + String.join(", ", SUPPORTED_PROVIDERS)
                  + ")"));
    }
    if (provider instanceof MetricProvider.Prometheus p) {
      String at = path + ".prometheus";
      if (p.query() == null || p.query().isBlank()) {
        problems.add(
            Problem.warning(
                at + ".query", "expected a PromQL query, found none: measurements will be Errors"));
      }
      if (p.timeout() != null && p.timeout() < 0) {
        problems.add(
            Problem.error(
                at + ".timeout", "prometheus timeout should not be negative (seconds expected)"));
      }
      if (p.authentication() != null
          && p.authentication().get("sigv4") instanceof Map<?, ?> v
          && !v.isEmpty()) {
        problems.add(
            Problem.warning(
                at + ".authentication.sigv4",
                "SigV4 (Amazon Managed Prometheus) is not supported by Rollout4j: measurements"
                    + " against an aps-workspaces address will be Errors"));
      }
      if (p.rangeQuery() != null) {
        for (String field : List.of("start", "end")) {
          Object text = p.rangeQuery().get(field);
          if (!(text instanceof String expression)
              || expression.isBlank()
              || WHOLE_PLACEHOLDER.matcher(expression).matches()) {
            continue;
          }
          try {
            TimeExpression.compile(expression);
          } catch (ExprException e) {
            problems.add(
                Problem.error(
                    at + ".rangeQuery." + field,
                    "failed to parse rangeQuery." + field + " as time: " + e.getMessage()));
          }
        }
        duration(
            p.rangeQuery().get("step") instanceof String step ? step : null,
            at + ".rangeQuery.step",
            "failed to parse rangeQuery.step as duration",
            problems);
      }
    }
  }

  /**
   * An int-or-string limit: its integer value, or null when absent or a placeholder (known only
   * once the run's arguments are substituted). Any other string is an error naming the field.
   */
  private static @Nullable Integer limit(
      @Nullable IntOrString value, String path, List<Problem> problems) {
    if (value == null) {
      return null;
    }
    if (value.intValue() != null) {
      return value.intValue();
    }
    String text = String.valueOf(value.stringValue());
    if (WHOLE_PLACEHOLDER.matcher(text).matches()) {
      return null;
    }
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      problems.add(
          Problem.error(
              path,
              "expected an integer or a {{args.name}} placeholder, found string \"" + text + "\""));
      return null;
    }
  }

  private static void duration(
      @Nullable String text, String path, String argoPrefix, List<Problem> problems) {
    if (text == null || text.isEmpty() || WHOLE_PLACEHOLDER.matcher(text).matches()) {
      return;
    }
    if (DurationStrings.parseGo(text).isEmpty()) {
      problems.add(
          Problem.error(
              path,
              argoPrefix
                  + ": time: invalid duration \""
                  + text
                  + "\"; "
                  + DURATION_HINT
                  + ", found \""
                  + text
                  + "\""));
    }
  }

  private static void condition(@Nullable String expression, String path, List<Problem> problems) {
    if (expression == null || expression.isEmpty()) {
      return;
    }
    String problem = conditionProblem(expression);
    if (problem != null) {
      problems.add(Problem.error(path, problem));
    }
  }

  /**
   * Why a success or failure condition does not compile ("does not compile: ... (at column N)"), or
   * null when it does.
   */
  public static @Nullable String conditionProblem(String expression) {
    // Arguments are substituted as text before the expression is compiled; a neutral literal of
    // the same length keeps the reported column where the author wrote it.
    StringBuilder source = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(expression);
    while (m.find()) {
      m.appendReplacement(source, "0".repeat(m.group().length()));
    }
    m.appendTail(source);
    try {
      Condition.compile(source.toString());
      return null;
    } catch (ExprException e) {
      return "does not compile: " + e.getMessage() + " in \"" + expression + "\"";
    }
  }

  private static void rules(AnalysisTemplateSpec spec, List<Problem> problems) {
    Set<String> seen = new HashSet<>();
    List<DryRun> dryRun = spec.dryRun();
    for (int i = 0; i < dryRun.size(); i++) {
      String rule = dryRun.get(i).metricName();
      String path = "spec.dryRun[" + i + "].metricName";
      if (!seen.add(rule)) {
        problems.add(
            Problem.error(path, "two Dry-Run metric rules have the same name '" + rule + "'"));
      }
      matchRule(rule, spec.metrics(), path, "dryRun[" + i + "]", problems);
    }
    seen.clear();
    List<MeasurementRetention> retention = spec.measurementRetention();
    for (int i = 0; i < retention.size(); i++) {
      MeasurementRetention rule = retention.get(i);
      String path = "spec.measurementRetention[" + i + "]";
      if (!seen.add(rule.metricName())) {
        problems.add(
            Problem.error(
                path + ".metricName",
                "two Measurement Retention metric rules have the same name '"
                    + rule.metricName()
                    + "'"));
      }
      if (rule.limit() < 0) {
        problems.add(
            Problem.error(path + ".limit", "expected a limit >= 0, found " + rule.limit()));
      }
      matchRule(
          rule.metricName(),
          spec.metrics(),
          path + ".metricName",
          "measurementRetention[" + i + "]",
          problems);
    }
  }

  private static void matchRule(
      String rule, List<Metric> metrics, String path, String argoName, List<Problem> problems) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(rule.equals("*") ? ".*" : rule);
    } catch (PatternSyntaxException e) {
      problems.add(
          Problem.error(
              path,
              "expected a regular expression over metric names, found \""
                  + rule
                  + "\": "
                  + e.getDescription()));
      return;
    }
    if (metrics.isEmpty()) {
      return; // metrics come from nested templates: matched when the run is made
    }
    for (Metric metric : metrics) {
      if (pattern.matcher(metric.name()).find()) {
        return;
      }
    }
    problems.add(Problem.error(path, argoName + ": Rule didn't match any metric name(s)"));
  }

  /** Every argument named by a {@code {{args.x}}} placeholder in the strings of a tree. */
  static Set<String> placeholders(@Nullable Object tree) {
    Set<String> out = new LinkedHashSet<>();
    collect(tree, out);
    return out;
  }

  private static void collect(@Nullable Object tree, Set<String> out) {
    if (tree instanceof String s) {
      Matcher m = PLACEHOLDER.matcher(s);
      while (m.find()) {
        out.add(m.group(1));
      }
    } else if (tree instanceof Map<?, ?> map) {
      map.values().forEach(v -> collect(v, out));
    } else if (tree instanceof List<?> list) {
      list.forEach(v -> collect(v, out));
    }
  }
}
