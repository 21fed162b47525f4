package io.rollout4j.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Two traces of the same scenario compared field by field: for each field, the sequence of values
 * it went through. Aligning by change rather than by time leaves out how fast each controller is,
 * and comparing fields one by one leaves out in which order one controller's writes land (Argo
 * writes a ReplicaSet, then the status; a mesh write in between is not a difference). Counts that
 * climb or fall (ready replicas, measurements) are compared by where each run starts and stops, as
 * Pods become Ready in batches of a size neither controller decides. A value that held for less
 * than {@link #SETTLED} before the field changed again is left out: it records when a controller
 * happened to look (a ReplicaSet fully updated but its last Pod not Ready yet), not what it
 * decided; every step of a scenario lasts longer than that.
 */
final class TraceDiff {
  private TraceDiff() {}

  static final java.time.Duration SETTLED = java.time.Duration.ofSeconds(1);

  /** A field whose history differs; {@code reason} is set when the scenario expects it. */
  record Difference(String field, List<String> ours, List<String> argo, String reason) {
    boolean explained() {
      return reason != null;
    }
  }

  /**
   * A difference a scenario expects, with why (each reason is in docs/compatibility.md). With
   * {@code rewrite} (pattern → replacement, applied to both sides' values) only that difference is
   * expected: the field still differs unexplained if the rewritten histories differ.
   */
  record Expected(Pattern field, Map<Pattern, String> rewrite, String reason) {
    Expected(Pattern field, String reason) {
      this(field, Map.of(), reason);
    }

    boolean explains(List<String> ours, List<String> argo) {
      return rewrite.isEmpty() || rewritten(ours).equals(rewritten(argo));
    }

    private List<String> rewritten(List<String> values) {
      List<String> out = new ArrayList<>();
      for (String value : values) {
        String v = value;
        for (Map.Entry<Pattern, String> r : rewrite.entrySet()) {
          v = r.getKey().matcher(v).replaceAll(r.getValue());
        }
        if (out.isEmpty() || !out.get(out.size() - 1).equals(v)) {
          out.add(v);
        }
      }
      return out;
    }
  }

  static List<Difference> compare(
      List<Trace.State> ours, List<Trace.State> argo, List<Expected> expected) {
    ours = fromFirstWrite(ours);
    argo = fromFirstWrite(argo);
    TreeSet<String> fields = new TreeSet<>();
    ours.forEach(s -> fields.addAll(s.fields().keySet()));
    argo.forEach(s -> fields.addAll(s.fields().keySet()));
    List<Difference> out = new ArrayList<>();
    for (String field : fields) {
      List<String> a = history(ours, field);
      List<String> b = history(argo, field);
      if (!a.equals(b) && !alignable(changes(ours, field), changes(argo, field))) {
        String reason = null;
        for (Expected e : expected) {
          if (e.field().matcher(field).find()) {
            reason = e.explains(a, b) ? e.reason() : null;
            break;
          }
        }
        out.add(new Difference(field, a, b, reason));
      }
    }
    return out;
  }

  /**
   * The states from the controller's first status write on: how long a controller takes to first
   * act on a new Rollout is latency (the performance tier measures it), not behaviour.
   */
  static List<Trace.State> fromFirstWrite(List<Trace.State> states) {
    for (int i = 0; i < states.size(); i++) {
      String phase = states.get(i).fields().get("rollout phase");
      if (phase != null && !phase.equals("-")) {
        return fromFirstHealthy(states.subList(i, states.size()));
      }
    }
    return states;
  }

  /**
   * The first deployment collapsed to where it ends: the states a rollout passes through while its
   * first revision's pods come up last as long as kwok takes to make them ready, which is latency
   * (one controller's first Progressing state lasted 1.2 s, the other's 0.8 s, and only the first
   * was compared). From the first Healthy state on everything is compared; a trace that never
   * becomes Healthy is compared whole.
   */
  private static List<Trace.State> fromFirstHealthy(List<Trace.State> states) {
    for (int i = 0; i < states.size(); i++) {
      if ("Healthy".equals(states.get(i).fields().get("rollout phase"))) {
        return states.subList(i, states.size());
      }
    }
    return states;
  }

  /** One value a field took and how long it held (null for the value it ended with). */
  record Change(String value, java.time.@Nullable Duration held) {
    /** Held too briefly to say a controller decided it: when one happened to look. */
    boolean brief() {
      return held != null && held.compareTo(SETTLED) < 0;
    }

    @Override
    public String toString() {
      return held == null
          ? value
          : String.format(java.util.Locale.ROOT, "%s %.2fs", value, held.toMillis() / 1000.0);
    }
  }

  /** The values a field took from the first status write, each change once, with how long. */
  static List<Change> changes(List<Trace.State> states, String field) {
    List<Change> out = new ArrayList<>();
    String value = null;
    java.time.Instant since = null;
    for (Trace.State state : fromFirstWrite(states)) {
      String v = state.fields().getOrDefault(field, "(none)");
      if (!v.equals(value)) {
        if (value != null) {
          out.add(new Change(value, java.time.Duration.between(since, state.at())));
        }
        value = v;
        since = state.at();
      }
    }
    if (value != null) {
      out.add(new Change(value, null));
    }
    while (out.size() > 1 && out.get(0).value().equals("(none)")) {
      out.remove(0);
    }
    return out;
  }

  /**
   * Whether both sides went through the same values once a brief value is allowed to be there or
   * not on either side. {@link #history} drops every brief value; but a state both controllers pass
   * through (Progressing while a step's pods come up, say) can last 0.9 s on one side and 1.1 s on
   * the other, and is then kept on one side only. Here a brief value may match the other side's
   * value or be left out, and values left adjacent and equal merge; every value that held must be
   * matched.
   */
  static boolean alignable(List<Change> ours, List<Change> argo) {
    return align(ours, argo, 0, 0, null, new java.util.HashMap<>());
  }

  private static boolean align(
      List<Change> a, List<Change> b, int i, int j, String last, Map<String, Boolean> memo) {
    if (i == a.size() && j == b.size()) {
      return true;
    }
    String key = i + "," + j + "," + last;
    Boolean known = memo.get(key);
    if (known != null) {
      return known;
    }
    boolean ok =
        (i < a.size()
                && (a.get(i).value().equals(last) || a.get(i).brief())
                && align(a, b, i + 1, j, last, memo))
            || (j < b.size()
                && (b.get(j).value().equals(last) || b.get(j).brief())
                && align(a, b, i, j + 1, last, memo))
            || (i < a.size()
                && j < b.size()
                && a.get(i).value().equals(b.get(j).value())
                && align(a, b, i + 1, j + 1, a.get(i).value(), memo));
    memo.put(key, ok);
    return ok;
  }

  /** The values a field took, each change once; numeric runs reduced to where they turn. */
  static List<String> history(List<Trace.State> states, String field) {
    // Each value with when it began; then those that lasted, then collapse repeats again.
    List<String> values = new ArrayList<>();
    List<java.time.Instant> since = new ArrayList<>();
    for (Trace.State state : states) {
      String value = state.fields().getOrDefault(field, "(none)");
      if (values.isEmpty() || !values.get(values.size() - 1).equals(value)) {
        values.add(value);
        since.add(state.at());
      }
    }
    // An object that does not exist yet is one about to be created: whether it was before or
    // after the first status write is the order of two writes in one reconcile.
    while (values.size() > 1 && values.get(0).equals("(none)")) {
      values.remove(0);
      since.remove(0);
    }
    List<String> settled = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      boolean last = i == values.size() - 1;
      if (last || !since.get(i).plus(SETTLED).isAfter(since.get(i + 1))) {
        if (settled.isEmpty() || !settled.get(settled.size() - 1).equals(values.get(i))) {
          settled.add(values.get(i));
        }
      }
    }
    return turningPoints(settled);
  }

  /** 0 1 2 5 3 0 becomes 0 5 0: what a count reached, not the steps it took to get there. */
  static List<String> turningPoints(List<String> values) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0 && i < values.size() - 1) {
        Long before = number(values.get(i - 1));
        Long here = number(values.get(i));
        Long after = number(values.get(i + 1));
        if (before != null
            && here != null
            && after != null
            && Long.signum(here - before) == Long.signum(after - here)
            && here.longValue() != before.longValue()) {
          continue;
        }
      }
      out.add(values.get(i));
    }
    return out;
  }

  private static Long number(String value) {
    try {
      return Long.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The differences as the runner prints them: field, then each side's history. */
  static String describe(List<Difference> differences) {
    StringBuilder out = new StringBuilder();
    for (Difference d : differences) {
      out.append(d.explained() ? "  expected  " : "  DIFFERS   ").append(d.field()).append('\n');
      out.append("    rollout4j: ").append(String.join(" -> ", d.ours())).append('\n');
      out.append("    argo:      ").append(String.join(" -> ", d.argo())).append('\n');
      if (d.explained()) {
        out.append("    why:       ").append(d.reason()).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * Each value a field took, unfiltered, with how long it held ("Paused 2.31s -> Healthy"): for an
   * unexplained difference, shows whether it is a decision or a value near {@link #SETTLED}.
   */
  static String timed(List<Trace.State> states, String field) {
    return String.join(" -> ", changes(states, field).stream().map(Change::toString).toList());
  }

  /** Every recorded state, for the report file. */
  static String dump(List<Trace.State> states) {
    StringBuilder out = new StringBuilder();
    Map<String, String> previous = Map.of();
    for (Trace.State state : states) {
      out.append(state.at()).append('\n');
      for (Map.Entry<String, String> e : state.fields().entrySet()) {
        if (!e.getValue().equals(previous.get(e.getKey()))) {
          out.append("  ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
      }
      previous = state.fields();
    }
    return out.toString();
  }
}
