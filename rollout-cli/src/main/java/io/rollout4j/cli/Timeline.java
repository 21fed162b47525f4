package io.rollout4j.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a simulated rollout did, as {@code kubectl argo rollouts get --watch} would have shown it:
 * one row whenever the step, the weights, the pods of either revision, the analysis, the phase or
 * the message changed, with the virtual time since the change; every measurement taken; the actions
 * performed; and the outcome.
 */
final class Timeline {
  /** How the simulation ended, with the exit code it maps to. */
  enum Outcome {
    PROMOTED(0),
    ABORTED(2),
    PAUSED(3),
    STUCK(3);

    final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    String lowerCase() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Pods of one revision: available of desired; absent when the revision has no ReplicaSet. */
  record Pods(int available, int desired) {
    @Override
    public String toString() {
      return available + "/" + desired;
    }
  }

  /** One state of the rollout. */
  record Row(
      Duration at,
      @Nullable Integer step,
      int steps,
      @Nullable Integer canaryWeight,
      @Nullable Pods stable,
      @Nullable Pods canary,
      String analysis,
      String phase,
      String message) {
    boolean sameStateAs(Row other) {
      return java.util.Objects.equals(step, other.step)
          && java.util.Objects.equals(canaryWeight, other.canaryWeight)
          && java.util.Objects.equals(stable, other.stable)
          && java.util.Objects.equals(canary, other.canary)
          && analysis.equals(other.analysis)
          && phase.equals(other.phase)
          && message.equals(other.message);
    }
  }

  /** One measurement of one metric. */
  record Measurement(Duration at, String run, String metric, String phase, String value) {}

  /** An action performed. */
  record Done(Duration at, String action) {}

  final String rollout;
  final String change;
  final List<Row> rows = new ArrayList<>();
  final List<Measurement> measurements = new ArrayList<>();
  final List<Done> actions = new ArrayList<>();
  Outcome outcome = Outcome.STUCK;
  Duration endedAt = Duration.ZERO;
  String summary = "";

  Timeline(String rollout, String change) {
    this.rollout = rollout;
    this.change = change;
  }

  /**
   * Adds the row unless it shows the same state as the last one. Of several states at one instant
   * (one reconcile after another) only the last is kept: the state the rollout settled in.
   */
  void add(Row row) {
    if (!rows.isEmpty() && rows.get(rows.size() - 1).at().equals(row.at())) {
      rows.remove(rows.size() - 1);
    }
    if (!rows.isEmpty() && rows.get(rows.size() - 1).sameStateAs(row)) {
      return;
    }
    rows.add(row);
  }

  static String clock(Duration since) {
    long seconds = since.getSeconds();
    String sign = seconds < 0 ? "-" : "+";
    seconds = Math.abs(seconds);
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%s%d:%02d:%02d", sign, seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%s%02d:%02d", sign, seconds / 60, seconds % 60);
  }

  private static String weights(@Nullable Integer canary) {
    return canary == null ? "—" : (100 - canary) + "/" + canary;
  }

  String text() {
    StringBuilder out = new StringBuilder();
    out.append("rollout ").append(rollout).append(": ").append(change).append('\n');
    String format = "%-8s %-6s %-9s %-8s %-8s %-34s %-12s %s%n";
    out.append(
        String.format(
            Locale.ROOT,
            format,
            "time",
            "step",
            "weights",
            "stable",
            "canary",
            "analysis",
            "phase",
            "message"));
    int action = 0;
    for (Row row : rows) {
      while (action < actions.size() && actions.get(action).at().compareTo(row.at()) <= 0) {
        Done done = actions.get(action++);
        out.append(
            String.format(Locale.ROOT, "%-8s action: %s%n", clock(done.at()), done.action()));
      }
      out.append(
              String.format(
                      Locale.ROOT,
                      format,
                      clock(row.at()),
                      row.step() == null ? "—" : row.step() + "/" + row.steps(),
                      weights(row.canaryWeight()),
                      row.stable() == null ? "—" : row.stable(),
                      row.canary() == null ? "—" : row.canary(),
                      row.analysis(),
                      row.phase(),
                      row.message())
                  .stripTrailing())
          .append('\n');
    }
    out.append('\n')
        .append("Outcome: ")
        .append(outcome.lowerCase())
        .append(" at ")
        .append(clock(endedAt))
        .append(" of virtual time: ")
        .append(summary)
        .append('\n');
    return out.toString();
  }

  String json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rollout", rollout);
    out.put("change", change);
    out.put("outcome", outcome.lowerCase());
    out.put("endedAt", clock(endedAt));
    out.put("endedAtSeconds", endedAt.getSeconds());
    out.put("summary", summary);
    List<Map<String, Object>> timeline = new ArrayList<>();
    for (Row row : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", clock(row.at()));
      m.put("seconds", row.at().getSeconds());
      m.put("step", row.step());
      m.put("steps", row.steps());
      m.put("canaryWeight", row.canaryWeight());
      m.put("stableWeight", row.canaryWeight() == null ? null : 100 - row.canaryWeight());
      m.put("stablePods", pods(row.stable()));
      m.put("canaryPods", pods(row.canary()));
      m.put("analysis", row.analysis());
      m.put("phase", row.phase());
      m.put("message", row.message());
      timeline.add(m);
    }
    out.put("timeline", timeline);
    List<Map<String, Object>> measured = new ArrayList<>();
    for (Measurement m : measurements) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("time", clock(m.at()));
      e.put("seconds", m.at().getSeconds());
      e.put("analysisRun", m.run());
      e.put("metric", m.metric());
      e.put("phase", m.phase());
      e.put("value", m.value());
      measured.add(e);
    }
    out.put("measurements", measured);
    List<Map<String, Object>> done = new ArrayList<>();
    for (Done d : actions) {
      done.add(Map.of("time", clock(d.at()), "seconds", d.at().getSeconds(), "action", d.action()));
    }
    out.put("actions", done);
    return Reports.write(out);
  }

  private static @Nullable Map<String, Integer> pods(@Nullable Pods pods) {
    return pods == null ? null : Map.of("available", pods.available(), "desired", pods.desired());
  }
}
