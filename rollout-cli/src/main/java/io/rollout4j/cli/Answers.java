package io.rollout4j.cli;

import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What each metric measures in a simulation, scripted per metric name ({@code "*"} for any other)
 * in virtual time since the change. Each answer is one of {@code value} (the provider's result, as
 * a condition sees it), {@code skywalking} (every point of every metric the SkyWalking query reads
 * has this value), {@code sequence} (one value per measurement, the last repeating) or {@code
 * error} (the measurement fails with this message), optionally limited to {@code from}/{@code
 * until}. Of the answers that apply at a time, the last one listed wins.
 *
 * <pre>
 * metrics:
 *   apdex:
 *     - skywalking: 9950
 *     - skywalking: 5000     # the canary degrades from minute 12
 *       from: 12m
 * </pre>
 */
final class Answers {
  private static final Set<String> ANSWER_KEYS =
      Set.of("value", "skywalking", "sequence", "error", "from", "until");
  private static final Pattern SKYWALKING_FIELD =
      Pattern.compile("(\\w+)\\s*:\\s*(readMetricsValues|execExpression|readMetricsValue)\\b");
  private static final Pattern MINUTES = Pattern.compile("(\\d+)m");

  /** One scripted answer. */
  record Answer(
      String kind, @Nullable Object value, @Nullable Duration from, @Nullable Duration until) {
    boolean appliesAt(Duration since) {
      return (from == null || since.compareTo(from) >= 0)
          && (until == null || since.compareTo(until) < 0);
    }
  }

  private final Map<String, List<Answer>> byMetric;
  private final Map<String, Integer> asked = new HashMap<>();

  private Answers(Map<String, List<Answer>> byMetric) {
    this.byMetric = byMetric;
  }

  static Answers none() {
    return new Answers(Map.of());
  }

  static Answers load(Path file) {
    Map<?, ?> top = YamlFiles.read(file);
    try {
      YamlFiles.onlyKeys(top, Set.of("metrics"), "");
      if (!(top.get("metrics") instanceof Map<?, ?> metrics)) {
        throw new IllegalArgumentException("metrics: expected a map of metric name to answers");
      }
      Map<String, List<Answer>> byMetric = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : metrics.entrySet()) {
        String name = String.valueOf(e.getKey());
        String at = "metrics." + name;
        List<?> entries = e.getValue() instanceof List<?> l ? l : List.of(e.getValue());
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
          answers.add(
              answer(entries.get(i), e.getValue() instanceof List<?> ? at + "[" + i + "]" : at));
        }
        byMetric.put(name, List.copyOf(answers));
      }
      return new Answers(byMetric);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static Answer answer(@Nullable Object node, String at) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          at + ": expected an answer (value, skywalking, sequence or error)");
    }
    YamlFiles.onlyKeys(map, ANSWER_KEYS, at);
    List<String> kinds =
        List.of("value", "skywalking", "sequence", "error").stream()
            .filter(map::containsKey)
            .toList();
    if (kinds.size() != 1) {
      throw new IllegalArgumentException(
          at + ": expected exactly one of value, skywalking, sequence, error; found " + kinds);
    }
    String kind = kinds.get(0);
    Object value = map.get(kind);
    if (kind.equals("skywalking") && !(value instanceof Number)) {
      throw new IllegalArgumentException(at + ".skywalking: expected a number, found " + value);
    }
    if (kind.equals("sequence") && (!(value instanceof List<?> l) || l.isEmpty())) {
      throw new IllegalArgumentException(at + ".sequence: expected a list of values");
    }
    Duration from = YamlFiles.duration(map, "from", at);
    Duration until = YamlFiles.duration(map, "until", at);
    if (from != null && until != null && until.compareTo(from) <= 0) {
      throw new IllegalArgumentException(at + ".until: must be after from");
    }
    return new Answer(kind, value, from, until);
  }

  /** Whether some answer is scripted for the metric. */
  boolean covers(String metric) {
    return byMetric.containsKey(metric) || byMetric.containsKey("*");
  }

  /**
   * The provider's result for a measurement {@code since} after the change.
   *
   * @throws UnavailableException for a scripted error, or when nothing is scripted
   */
  @Nullable Object measure(MetricRequest request, Duration since) {
    int count = asked.merge(request.metricName(), 1, Integer::sum) - 1;
    List<Answer> answers = byMetric.getOrDefault(request.metricName(), byMetric.get("*"));
    Answer chosen = null;
    if (answers != null) {
      for (Answer a : answers) {
        if (a.appliesAt(since)) {
          chosen = a;
        }
      }
    }
    if (chosen == null) {
      throw new UnavailableException(
          "no answer for metric "
              + request.metricName()
              + " at "
              + Timeline.clock(since)
              + " in the answers file");
    }
    return switch (chosen.kind()) {
      case "error" -> throw new UnavailableException(String.valueOf(chosen.value()));
      case "sequence" -> {
        List<?> values = (List<?>) java.util.Objects.requireNonNull(chosen.value());
        yield values.get(Math.min(count, values.size() - 1));
      }
      case "skywalking" ->
          skywalking(request, (Number) java.util.Objects.requireNonNull(chosen.value()));
      default -> chosen.value();
    };
  }

  /**
   * The GraphQL {@code data} the SkyWalking provider hands to conditions, for every aliased field
   * of the query, each point set to {@code value}: {@code readMetricsValues} as {@code {label,
   * values: {values: [{value}]}}}, {@code execExpression} as its {@code results}, and {@code
   * readMetricsValue} as the number.
   */
  static Map<String, Object> skywalking(MetricRequest request, Number value) {
    String query = String.valueOf(request.provider().get("query"));
    int points = 3;
    Matcher minutes = MINUTES.matcher(String.valueOf(request.provider().get("interval")));
    if (minutes.matches()) {
      points = Math.max(1, Integer.parseInt(minutes.group(1)));
    }
    Object number =
        value.doubleValue() == Math.rint(value.doubleValue()) ? (Object) value.longValue() : value;
    Map<String, Object> data = new LinkedHashMap<>();
    Matcher field = SKYWALKING_FIELD.matcher(query);
    while (field.find()) {
      String alias = field.group(1);
      switch (field.group(2)) {
        case "readMetricsValues" -> {
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < points; i++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("value", number);
            point.put("isEmptyValue", false);
            values.add(point);
          }
          Map<String, Object> series = new LinkedHashMap<>();
          series.put("label", null);
          series.put("values", Map.of("values", values));
          data.put(alias, series);
        }
        case "execExpression" -> {
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < points; i++) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("id", String.valueOf(i));
            point.put("value", String.valueOf(number));
            values.add(point);
          }
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("metric", Map.of("labels", List.of()));
          result.put("values", values);
          Map<String, Object> expression = new LinkedHashMap<>();
          expression.put("type", "TIME_SERIES_VALUES");
          expression.put("error", null);
          expression.put("results", List.of(result));
          data.put(alias, expression);
        }
        default -> data.put(alias, number);
      }
    }
    if (data.isEmpty()) {
      throw new UnavailableException(
          "skywalking answer for metric "
              + request.metricName()
              + ": the query has no readMetricsValues, execExpression or readMetricsValue field");
    }
    return data;
  }
}
