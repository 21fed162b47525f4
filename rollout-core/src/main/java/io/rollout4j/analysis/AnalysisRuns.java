package io.rollout4j.analysis;

import io.rollout4j.manifest.ManifestException;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunSpec;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.Argument;
import io.rollout4j.model.DryRun;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.MeasurementRetention;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.RolloutAnalysis;
import io.rollout4j.model.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * AnalysisRuns as pure functions: building one from templates and arguments, deciding which metrics
 * are due at an instant, and recording measurements with Argo's assessment. The engine does the I/O
 * (storing runs, asking providers) around these.
 */
public final class AnalysisRuns {
  private AnalysisRuns() {}

  private static final Pattern ARG = Pattern.compile("\\{\\{\\s*args\\.([^}\\s]+)\\s*}}");
  private static final Pattern ANY_TEMPLATE = Pattern.compile("\\{\\{[^}]*}}");
  private static final Duration ERROR_RETRY = Duration.ofSeconds(10);
  private static final int DEFAULT_RETENTION = 10;

  /** Where arguments that are not literal values come from. */
  public record ArgumentSources(
      @Nullable String stableHash,
      @Nullable String latestHash,
      Function<String, @Nullable String> fieldRef) {}

  /**
   * A run's spec from its templates (metrics and args merged; the rollout's values win over the
   * templates' defaults) with every {@code {{args.name}}} substituted.
   *
   * @throws IllegalArgumentException with Argo's message when an argument cannot be resolved
   */
  public static AnalysisRunSpec spec(
      List<AnalysisTemplateSpec> templates, RolloutAnalysis request, ArgumentSources sources) {
    Map<String, Argument> args = new LinkedHashMap<>();
    List<Metric> metrics = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    List<DryRun> dryRun = new ArrayList<>(request.dryRun());
    List<MeasurementRetention> retention = new ArrayList<>(request.measurementRetention());
    for (AnalysisTemplateSpec template : templates) {
      for (Argument arg : template.args()) {
        args.putIfAbsent(arg.name(), arg);
      }
      for (Metric metric : template.metrics()) {
        if (names.add(metric.name())) {
          metrics.add(metric);
        }
      }
      dryRun.addAll(template.dryRun());
      retention.addAll(template.measurementRetention());
    }
    for (Argument arg : request.args()) {
      args.put(arg.name(), arg);
    }
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> deferred = new LinkedHashSet<>();
    List<Argument> resolved = new ArrayList<>();
    for (Argument arg : args.values()) {
      String value = resolve(arg, sources);
      if (value == null) {
        if (arg.valueFrom() != null && arg.valueFrom().secretKeyRef() != null) {
          // Secrets are read when a measurement is taken, never stored in the run.
          resolved.add(arg);
          deferred.add(arg.name());
          continue;
        }
        throw new IllegalArgumentException("args." + arg.name() + " was not resolved");
      }
      values.put(arg.name(), value);
      resolved.add(new Argument(arg.name(), value, null));
    }
    List<Metric> substituted = new ArrayList<>();
    for (Metric metric : metrics) {
      substituted.add(substitute(metric, values, deferred));
    }
    return new AnalysisRunSpec(substituted, resolved, null, dryRun, retention, null);
  }

  private static @Nullable String resolve(Argument arg, ArgumentSources sources) {
    if (arg.value() != null) {
      return arg.value();
    }
    Argument.ValueFrom from = arg.valueFrom();
    if (from == null) {
      return null;
    }
    if ("Stable".equals(from.podTemplateHashValue())) {
      return sources.stableHash();
    }
    if ("Latest".equals(from.podTemplateHashValue())) {
      return sources.latestHash();
    }
    if (from.fieldRef() != null) {
      return sources.fieldRef().apply(from.fieldRef().fieldPath());
    }
    return null;
  }

  /** Replaces {@code {{args.x}}} in every string of the metric; an unknown reference fails. */
  public static Metric substitute(Metric metric, Map<String, String> args) {
    return substitute(metric, args, Set.of());
  }

  /** As {@link #substitute(Metric, Map)}, leaving references to {@code deferred} args in place. */
  static Metric substitute(Metric metric, Map<String, String> args, Set<String> deferred) {
    Object tree = Manifests.toTree(metric);
    Object replaced = substituteTree(tree, "", args, deferred);
    try {
      return Manifests.fromTree(replaced, Metric.class);
    } catch (ManifestException e) {
      throw new IllegalArgumentException(
          "Unable to resolve metric arguments: " + e.getMessage(), e);
    }
  }

  /** Fields whose text is a query: values are placed by the query language's rules. */
  private static final Map<String, QueryArguments.Language<?>> QUERIES =
      Map.of(
          ".provider.skywalking.query", GraphQlArguments.LANGUAGE,
          ".provider.prometheus.query", PromQlArguments.LANGUAGE);

  private static @Nullable Object substituteTree(
      @Nullable Object tree, String path, Map<String, String> args, Set<String> deferred) {
    if (tree instanceof String s) {
      return substituteString(s, path, args, deferred);
    }
    if (tree instanceof List<?> list) {
      List<@Nullable Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(substituteTree(item, path + "[]", args, deferred));
      }
      return out;
    }
    if (tree instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> out.put(String.valueOf(k), substituteTree(v, path + "." + k, args, deferred)));
      return out;
    }
    return tree;
  }

  private static String substituteString(
      String text, String path, Map<String, String> args, Set<String> deferred) {
    QueryArguments.Language<?> language = QUERIES.get(path);
    if (language != null) {
      String substituted =
          QueryArguments.substitute(language, text, ARG, args::get, deferred, path.substring(1));
      return checkLeftovers(new StringBuilder(substituted), deferred);
    }
    Matcher m = ARG.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = args.get(m.group(1));
      if (value == null && deferred.contains(m.group(1))) {
        value = m.group(); // resolved at measurement time
      }
      if (value == null) {
        throw new IllegalArgumentException(
            "Unable to resolve metric arguments: failed to resolve " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return checkLeftovers(out, deferred);
  }

  private static String checkLeftovers(StringBuilder out, Set<String> deferred) {
    Matcher leftover = ANY_TEMPLATE.matcher(out);
    while (leftover.find()) {
      Matcher arg = ARG.matcher(leftover.group());
      if (arg.matches() && deferred.contains(arg.group(1))) {
        continue;
      }
      if (leftover.group().contains("args.")) {
        throw new IllegalArgumentException(
            "Unable to resolve metric arguments: failed to resolve " + leftover.group());
      }
    }
    return out.toString();
  }

  /** A run object as Argo names and labels it. */
  public static AnalysisRun create(ObjectMeta metadata, AnalysisRunSpec spec) {
    return new AnalysisRun(metadata, spec, null);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper VALUE_JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  /**
   * A provider's result as Argo stores it in {@code measurement.value}: numbers as Go prints them
   * ({@code 10}, {@code 0.97}, {@code NaN}, {@code +Inf}), strings as they are, lists and maps as
   * JSON with sorted keys.
   */
  public static @Nullable String valueOf(@Nullable Object result) {
    if (result == null) {
      return null;
    }
    if (result instanceof String s) {
      return s;
    }
    if (result instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return d.isNaN() ? "NaN" : d > 0 ? "+Inf" : "-Inf";
    }
    if (result instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue());
    }
    try {
      return VALUE_JSON.writeValueAsString(result);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(result);
    }
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * What is due: metrics to measure now, when the next one will be, and metrics whose last
   * measurement is still in flight (a Job running), to resume or, when the run is terminating, to
   * terminate.
   */
  public record Plan(List<Metric> due, @Nullable Instant next, List<Metric> inFlight) {
    public Plan {
      due = List.copyOf(due);
      inFlight = List.copyOf(inFlight);
    }

    /** A plan with nothing in flight. */
    public Plan(List<Metric> due, @Nullable Instant next) {
      this(due, next, List.of());
    }
  }

  /**
   * The metrics to measure at {@code now}: the first measurement after {@code initialDelay} from
   * the run's start, later ones {@code interval} after the previous one finished, 10 s after an
   * Error whatever the interval; nothing for finished metrics or a terminating run.
   */
  public static Plan plan(AnalysisRun run, Instant now) {
    AnalysisRunStatus status = run.status();
    if (status != null && status.phase() != null && status.phase().isCompleted()) {
      return new Plan(List.of(), null);
    }
    boolean terminating = terminating(run);
    Instant started =
        status == null || status.startedAt() == null ? now : Timestamps.parse(status.startedAt());
    List<Metric> due = new ArrayList<>();
    List<Metric> inFlight = new ArrayList<>();
    Instant next = null;
    for (Metric metric : run.spec().metrics()) {
      AnalysisRunStatus.MetricResult result = resultOf(status, metric.name());
      if (result != null && result.phase() != null && result.phase().isCompleted()) {
        continue;
      }
      Instant at;
      if (result == null || result.measurements().isEmpty()) {
        at = started.plus(parse(metric.initialDelay()));
      } else {
        AnalysisRunStatus.Measurement last =
            result.measurements().get(result.measurements().size() - 1);
        if (last.finishedAt() == null) {
          inFlight.add(metric);
          continue;
        }
        Instant finished = Timestamps.parse(last.finishedAt());
        if (last.phase() == AnalysisPhase.ERROR) {
          at = finished.plus(ERROR_RETRY);
        } else if (metric.interval() == null || metric.interval().isEmpty()) {
          continue; // a single measurement
        } else {
          at = finished.plus(parse(metric.interval()));
        }
      }
      if (terminating) {
        continue; // a terminating run takes no new measurements
      }
      if (!at.isAfter(now)) {
        due.add(metric);
      } else if (next == null || at.isBefore(next)) {
        next = at;
      }
    }
    return new Plan(due, next, inFlight);
  }

  /**
   * When a finished run's {@code ttlStrategy} has it deleted, as Argo reads it: {@code
   * secondsAfterSuccess} for a Successful run, {@code secondsAfterFailure} for a Failed one, else
   * {@code secondsAfterCompletion}, counted from {@code completedAt}; null when it is kept.
   */
  public static @Nullable Instant expiry(AnalysisRun run) {
    AnalysisRunStatus status = run.status();
    AnalysisRunSpec.TtlStrategy ttl = run.spec().ttlStrategy();
    if (ttl == null
        || status == null
        || status.phase() == null
        || !status.phase().isCompleted()
        || status.completedAt() == null) {
      return null;
    }
    Integer seconds;
    if (status.phase() == AnalysisPhase.SUCCESSFUL && ttl.secondsAfterSuccess() != null) {
      seconds = ttl.secondsAfterSuccess();
    } else if (status.phase() == AnalysisPhase.FAILED && ttl.secondsAfterFailure() != null) {
      seconds = ttl.secondsAfterFailure();
    } else {
      seconds = ttl.secondsAfterCompletion();
    }
    // Argo deletes once the whole seconds elapsed exceed the TTL.
    return seconds == null
        ? null
        : Timestamps.parse(status.completedAt()).plusSeconds(seconds.longValue() + 1);
  }

  /**
   * Whether the run is being wound down (Argo's {@code IsTerminating}): terminated by its owner, or
   * a metric that is not a dry run already ended other than Successful.
   */
  public static boolean terminating(AnalysisRun run) {
    if (Boolean.TRUE.equals(run.spec().terminate())) {
      return true;
    }
    AnalysisRunStatus status = run.status();
    if (status == null) {
      return false;
    }
    Set<String> dryRunNames = dryRunMetrics(run);
    for (AnalysisRunStatus.MetricResult r : status.metricResults()) {
      if (!dryRunNames.contains(r.name())
          && r.phase() != null
          && r.phase().isCompleted()
          && r.phase() != AnalysisPhase.SUCCESSFUL) {
        return true;
      }
    }
    return false;
  }

  private static Duration parse(@Nullable String duration) {
    if (duration == null || duration.isEmpty()) {
      return Duration.ZERO;
    }
    return DurationStrings.parseGo(duration)
        .orElseThrow(() -> new IllegalArgumentException("invalid duration \"" + duration + "\""));
  }

  // ---------------------------------------------------------------- recording

  /**
   * One measurement taken for a metric. A {@code RUNNING} phase is a measurement still in flight (a
   * Job started); {@code resumed} replaces the metric's last, in-flight measurement instead of
   * adding one.
   */
  public record Taken(
      String metric,
      AnalysisPhase phase,
      @Nullable String message,
      @Nullable String value,
      Map<String, String> metadata,
      boolean resumed) {
    public Taken {
      metadata = Map.copyOf(metadata);
    }

    /** A new measurement with metadata. */
    public Taken(
        String metric,
        AnalysisPhase phase,
        @Nullable String message,
        @Nullable String value,
        Map<String, String> metadata) {
      this(metric, phase, message, value, metadata, false);
    }

    /** A new measurement without metadata. */
    public Taken(
        String metric, AnalysisPhase phase, @Nullable String message, @Nullable String value) {
      this(metric, phase, message, value, Map.of(), false);
    }
  }

  /**
   * The run after recording these measurements (taken at {@code now}) and assessing every metric
   * and the run with {@link Assessments}; also the place a terminated run is wrapped up.
   */
  public static AnalysisRun record(AnalysisRun run, List<Taken> taken, Instant now) {
    AnalysisRunStatus before = run.status();
    String started =
        before == null || before.startedAt() == null ? now.toString() : before.startedAt();
    Set<String> dryRunNames = dryRunMetrics(run);
    boolean terminate = Boolean.TRUE.equals(run.spec().terminate());
    boolean terminating = terminating(run);
    List<AnalysisRunStatus.MetricResult> results = new ArrayList<>();
    Map<String, AnalysisPhase> phases = new LinkedHashMap<>();
    String runMessage = null;
    for (Metric metric : run.spec().metrics()) {
      AnalysisRunStatus.MetricResult previous = resultOf(before, metric.name());
      List<AnalysisRunStatus.Measurement> measurements =
          previous == null ? new ArrayList<>() : new ArrayList<>(previous.measurements());
      for (Taken t : taken) {
        if (!t.metric().equals(metric.name())) {
          continue;
        }
        AnalysisRunStatus.Measurement last =
            measurements.isEmpty() ? null : measurements.get(measurements.size() - 1);
        AnalysisRunStatus.Measurement resumed =
            t.resumed() && last != null && last.finishedAt() == null ? last : null;
        AnalysisRunStatus.Measurement measurement =
            new AnalysisRunStatus.Measurement(
                t.phase(),
                t.message(),
                resumed != null && resumed.startedAt() != null
                    ? resumed.startedAt()
                    : now.toString(),
                t.phase() == AnalysisPhase.RUNNING ? null : now.toString(),
                t.value(),
                t.metadata(),
                null);
        if (resumed != null) {
          measurements.set(measurements.size() - 1, measurement);
        } else {
          measurements.add(measurement);
        }
      }
      // Running counters: retention may have dropped old measurements from the status.
      int successful =
          previous == null || previous.successful() == null ? 0 : previous.successful();
      int failed = previous == null || previous.failed() == null ? 0 : previous.failed();
      int inconclusive =
          previous == null || previous.inconclusive() == null ? 0 : previous.inconclusive();
      int errors = previous == null || previous.error() == null ? 0 : previous.error();
      int consecutiveError =
          previous == null || previous.consecutiveError() == null ? 0 : previous.consecutiveError();
      int consecutiveSuccess =
          previous == null || previous.consecutiveSuccess() == null
              ? 0
              : previous.consecutiveSuccess();
      for (Taken t : taken) {
        if (!t.metric().equals(metric.name()) || t.phase() == AnalysisPhase.RUNNING) {
          continue;
        }
        switch (t.phase()) {
          case SUCCESSFUL -> successful++;
          case FAILED -> failed++;
          case INCONCLUSIVE -> inconclusive++;
          default -> errors++;
        }
        consecutiveError = t.phase() == AnalysisPhase.ERROR ? consecutiveError + 1 : 0;
        consecutiveSuccess = t.phase() == AnalysisPhase.SUCCESSFUL ? consecutiveSuccess + 1 : 0;
      }
      int[] tally = {successful, failed, inconclusive, errors};
      List<AnalysisPhase> history =
          history(successful, failed, inconclusive, errors, consecutiveError, consecutiveSuccess);
      boolean measuring =
          !measurements.isEmpty() && measurements.get(measurements.size() - 1).finishedAt() == null;
      AnalysisPhase phase =
          previous != null && previous.phase() != null && previous.phase().isCompleted()
              ? previous.phase()
              : measuring
                  ? AnalysisPhase.RUNNING
                  : Assessments.metric(metric, history, terminating);
      String message =
          previous != null && previous.message() != null
              ? previous.message()
              : limitMessage(metric, phase, tally, consecutiveError);
      boolean dryRun = dryRunNames.contains(metric.name());
      phases.put(metric.name(), phase);
      if (runMessage == null
          && !dryRun
          && phase.isCompleted()
          && phase != AnalysisPhase.SUCCESSFUL) {
        String last =
            measurements.isEmpty() ? null : measurements.get(measurements.size() - 1).message();
        runMessage =
            "Metric \""
                + metric.name()
                + "\" assessed "
                + phase.argoName()
                + (message == null ? "" : " due to " + message)
                + (last == null ? "" : ": \"Error Message: " + last + "\"");
      }
      int keep = retention(run, metric.name());
      List<AnalysisRunStatus.Measurement> kept =
          measurements.size() > keep
              ? new ArrayList<>(
                  measurements.subList(measurements.size() - keep, measurements.size()))
              : measurements;
      results.add(
          new AnalysisRunStatus.MetricResult(
              metric.name(),
              phase,
              kept,
              message,
              tally[0] + tally[1] + tally[2],
              tally[0],
              tally[1],
              tally[2],
              tally[3],
              consecutiveError,
              consecutiveSuccess,
              dryRun ? Boolean.TRUE : null,
              previous == null ? metricMetadata(metric) : previous.metadata()));
    }
    AnalysisPhase runPhase = Assessments.run(phases, dryRunNames, terminate);
    if (terminate && runMessage == null) {
      runMessage = "Run Terminated";
    }
    String completed =
        runPhase.isCompleted()
            ? (before != null && before.completedAt() != null
                ? before.completedAt()
                : now.toString())
            : null;
    AnalysisRunStatus status =
        new AnalysisRunStatus(
            runPhase,
            runMessage,
            results,
            started,
            completed,
            summary(results, dryRunNames, false),
            null);
    return new AnalysisRun(run.metadata(), run.spec(), status);
  }

  /**
   * What Argo records on a metric's result when it first measures it: the Prometheus query as
   * resolved from the run's arguments (references to Secret-backed arguments stay unresolved).
   */
  private static Map<String, String> metricMetadata(Metric metric) {
    if (metric.provider() instanceof MetricProvider.Prometheus p
        && p.query() != null
        && !p.query().isEmpty()) {
      return Map.of("ResolvedPrometheusQuery", p.query());
    }
    return Map.of();
  }

  /**
   * A measurement history with the given counters, in an order that keeps the consecutive counters
   * right: older outcomes first, the consecutive run of errors or successes last.
   */
  static List<AnalysisPhase> history(
      int successful,
      int failed,
      int inconclusive,
      int errors,
      int consecutiveError,
      int consecutiveSuccess) {
    List<AnalysisPhase> out = new ArrayList<>();
    addTimes(out, AnalysisPhase.ERROR, errors - consecutiveError);
    addTimes(out, AnalysisPhase.SUCCESSFUL, successful - consecutiveSuccess);
    addTimes(out, AnalysisPhase.INCONCLUSIVE, inconclusive);
    addTimes(out, AnalysisPhase.FAILED, failed);
    addTimes(out, AnalysisPhase.ERROR, consecutiveError);
    addTimes(out, AnalysisPhase.SUCCESSFUL, consecutiveSuccess);
    return out;
  }

  private static void addTimes(List<AnalysisPhase> out, AnalysisPhase phase, int times) {
    for (int i = 0; i < times; i++) {
      out.add(phase);
    }
  }

  private static @Nullable String limitMessage(
      Metric metric, AnalysisPhase phase, int[] tally, int consecutiveError) {
    return switch (phase) {
      case FAILED ->
          tally[1] > 0
              ? "failed ("
                  + tally[1]
                  + ") > failureLimit ("
                  + limitOf(metric.failureLimit(), 0)
                  + ")"
              : null;
      case INCONCLUSIVE ->
          tally[2] > 0
              ? "inconclusive ("
                  + tally[2]
                  + ") > inconclusiveLimit ("
                  + limitOf(metric.inconclusiveLimit(), 0)
                  + ")"
              : null;
      case ERROR ->
          "consecutiveErrors ("
              + consecutiveError
              + ") > consecutiveErrorLimit ("
              + limitOf(metric.consecutiveErrorLimit(), Metric.DEFAULT_CONSECUTIVE_ERROR_LIMIT)
              + ")";
      default -> null;
    };
  }

  private static int limitOf(io.rollout4j.model.@Nullable IntOrString value, int fallback) {
    Integer i = value == null ? null : value.asInteger();
    return i == null ? fallback : i;
  }

  private static AnalysisRunStatus.RunSummary summary(
      List<AnalysisRunStatus.MetricResult> results, Set<String> dryRunNames, boolean dryRun) {
    int count = 0;
    int[] by = new int[4];
    for (AnalysisRunStatus.MetricResult r : results) {
      if (dryRunNames.contains(r.name()) != dryRun) {
        continue;
      }
      count++;
      AnalysisPhase p = r.phase();
      if (p == AnalysisPhase.SUCCESSFUL) {
        by[0]++;
      } else if (p == AnalysisPhase.FAILED) {
        by[1]++;
      } else if (p == AnalysisPhase.INCONCLUSIVE) {
        by[2]++;
      } else if (p == AnalysisPhase.ERROR) {
        by[3]++;
      }
    }
    return new AnalysisRunStatus.RunSummary(count, by[0], by[1], by[2], by[3]);
  }

  /** The run's result for a metric, null before its first measurement. */
  public static AnalysisRunStatus.@Nullable MetricResult result(AnalysisRun run, String metric) {
    return resultOf(run.status(), metric);
  }

  private static AnalysisRunStatus.@Nullable MetricResult resultOf(
      @Nullable AnalysisRunStatus status, String name) {
    if (status == null) {
      return null;
    }
    for (AnalysisRunStatus.MetricResult r : status.metricResults()) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Metrics matched by a dry-run rule: Argo's unanchored regular expressions, where {@code .*}
   * matches all. Argo's documented wildcard {@code *} is not a valid regex there and fails the run;
   * Rollout4j reads a lone {@code *} as "every metric", as the documentation intends.
   */
  public static Set<String> dryRunMetrics(AnalysisRun run) {
    Set<String> names = new LinkedHashSet<>();
    List<DryRun> rules = run.spec().dryRun();
    for (int i = 0; i < rules.size(); i++) {
      String rule = rules.get(i).metricName();
      Pattern pattern;
      try {
        pattern = Pattern.compile(rule.equals("*") ? ".*" : rule);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "dryRun[" + i + "]: invalid metric name rule \"" + rule + "\": " + e.getDescription());
      }
      boolean matched = false;
      for (Metric metric : run.spec().metrics()) {
        if (pattern.matcher(metric.name()).find()) {
          names.add(metric.name());
          matched = true;
        }
      }
      if (!matched) {
        throw new IllegalArgumentException(
            "dryRun[" + i + "]: Rule didn't match any metric name(s)");
      }
    }
    return names;
  }

  /**
   * How many measurements of the metric the run keeps (Argo's measurementRetention, 10 by default).
   */
  public static int retention(AnalysisRun run, String metricName) {
    int keep = DEFAULT_RETENTION;
    for (MeasurementRetention rule : run.spec().measurementRetention()) {
      String pattern = rule.metricName().equals("*") ? ".*" : rule.metricName();
      try {
        if (Pattern.compile(pattern).matcher(metricName).find()) {
          keep = rule.limit();
        }
      } catch (PatternSyntaxException e) {
        // an invalid rule keeps the default; the run was validated when it was created
      }
    }
    return Math.max(1, keep);
  }
}
