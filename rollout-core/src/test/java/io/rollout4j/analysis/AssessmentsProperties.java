package io.rollout4j.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * The phase rules against a second, independently written model of Argo's {@code
 * assessMetricStatus} and {@code assessRunStatus}: a list of rules over a tally, applied in the
 * reference's order, the last matching limit winning.
 */
class AssessmentsProperties {

  record Tally(
      int failed,
      int inconclusive,
      int successful,
      int consecutiveErrors,
      int consecutiveSuccesses) {}

  private static Tally tally(List<AnalysisPhase> phases) {
    int failed = (int) phases.stream().filter(p -> p == AnalysisPhase.FAILED).count();
    int inconclusive = (int) phases.stream().filter(p -> p == AnalysisPhase.INCONCLUSIVE).count();
    int successful = (int) phases.stream().filter(p -> p == AnalysisPhase.SUCCESSFUL).count();
    int errors = 0;
    for (int i = phases.size() - 1; i >= 0 && phases.get(i) == AnalysisPhase.ERROR; i--) {
      errors++;
    }
    int successes = 0;
    for (int i = phases.size() - 1; i >= 0 && phases.get(i) == AnalysisPhase.SUCCESSFUL; i--) {
      successes++;
    }
    return new Tally(failed, inconclusive, successful, errors, successes);
  }

  private static AnalysisPhase model(
      @Nullable String interval,
      @Nullable Integer count,
      @Nullable Integer failureLimit,
      @Nullable Integer inconclusiveLimit,
      @Nullable Integer errorLimit,
      @Nullable Integer successLimit,
      List<AnalysisPhase> phases,
      boolean terminating) {
    if (phases.isEmpty()) {
      return terminating ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.PENDING;
    }
    if (!phases.get(phases.size() - 1).isCompleted()) {
      return AnalysisPhase.RUNNING;
    }
    Tally t = tally(phases);
    int fl = failureLimit == null ? 0 : failureLimit;
    int il = inconclusiveLimit == null ? 0 : inconclusiveLimit;
    int el = errorLimit == null ? 4 : errorLimit;
    int sl = successLimit == null ? 0 : successLimit;
    Map<AnalysisPhase, Predicate<Tally>> limits = new LinkedHashMap<>();
    limits.put(AnalysisPhase.FAILED, x -> fl >= 0 && x.failed() > fl);
    limits.put(AnalysisPhase.INCONCLUSIVE, x -> x.inconclusive() > il);
    limits.put(AnalysisPhase.ERROR, x -> x.consecutiveErrors() > el);
    AnalysisPhase decided = null;
    for (Map.Entry<AnalysisPhase, Predicate<Tally>> rule : limits.entrySet()) {
      if (rule.getValue().test(t)) {
        decided = rule.getKey();
      }
    }
    if (decided != null) {
      return decided;
    }
    if (sl > 0 && t.consecutiveSuccesses() >= sl) {
      return AnalysisPhase.SUCCESSFUL;
    }
    int effective = count != null && count > 0 ? count : interval == null ? 1 : Integer.MAX_VALUE;
    if (t.failed() + t.inconclusive() + t.successful() >= effective) {
      return sl <= 0
          ? AnalysisPhase.SUCCESSFUL
          : fl >= 0 ? AnalysisPhase.INCONCLUSIVE : AnalysisPhase.FAILED;
    }
    return terminating ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.RUNNING;
  }

  @Provide
  Arbitrary<List<AnalysisPhase>> histories() {
    Arbitrary<AnalysisPhase> completed =
        Arbitraries.of(
            AnalysisPhase.SUCCESSFUL,
            AnalysisPhase.FAILED,
            AnalysisPhase.INCONCLUSIVE,
            AnalysisPhase.ERROR);
    return Arbitraries.oneOf(
        completed.list().ofMaxSize(12),
        completed
            .list()
            .ofMaxSize(12)
            .map(
                l -> {
                  List<AnalysisPhase> copy = new java.util.ArrayList<>(l);
                  copy.add(AnalysisPhase.RUNNING);
                  return copy;
                }));
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.integers().between(-1, 5).injectNull(0.3);
  }

  @Property(tries = 5000)
  void metricPhaseMatchesTheModel(
      @ForAll("histories") List<AnalysisPhase> history,
      @ForAll boolean hasInterval,
      @ForAll("limits") Integer count,
      @ForAll("limits") Integer failureLimit,
      @ForAll("limits") Integer inconclusiveLimit,
      @ForAll("limits") Integer errorLimit,
      @ForAll("limits") Integer successLimit,
      @ForAll boolean terminating) {
    Integer il = inconclusiveLimit == null ? null : Math.max(0, inconclusiveLimit);
    Integer el = errorLimit == null ? null : Math.max(0, errorLimit);
    Integer sl = successLimit == null ? null : Math.max(0, successLimit);
    String interval = hasInterval ? "1m" : null;
    Metric metric = AssessmentsTest.metric(interval, count, failureLimit, il, el, sl);

    assertThat(Assessments.metric(metric, history, terminating))
        .isEqualTo(model(interval, count, failureLimit, il, el, sl, history, terminating));
  }

  @Property(tries = 2000)
  void runPhaseIsNeverBetterThanItsWorstDecisiveMetric(
      @ForAll("phases") List<AnalysisPhase> phases,
      @ForAll boolean terminating,
      @ForAll boolean firstIsDryRun) {
    Map<String, AnalysisPhase> metrics = new LinkedHashMap<>();
    for (int i = 0; i < phases.size(); i++) {
      metrics.put("m" + i, phases.get(i));
    }
    Set<String> dryRun = firstIsDryRun && !phases.isEmpty() ? Set.of("m0") : Set.of();

    AnalysisPhase run = Assessments.run(metrics, dryRun, terminating);

    metrics.forEach(
        (name, phase) -> {
          if (!dryRun.contains(name)
              && (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR)) {
            assertThat(run).isIn(AnalysisPhase.FAILED, AnalysisPhase.ERROR);
          }
        });
    boolean decisiveBad =
        metrics.entrySet().stream()
            .anyMatch(
                e ->
                    !dryRun.contains(e.getKey())
                        && e.getValue().isCompleted()
                        && e.getValue() != AnalysisPhase.SUCCESSFUL);
    boolean unfinished = metrics.values().stream().anyMatch(p -> !p.isCompleted());
    if (!terminating && !decisiveBad && unfinished) {
      assertThat(run).isEqualTo(AnalysisPhase.RUNNING);
    }
    if (!decisiveBad && (!unfinished || terminating)) {
      assertThat(run).isEqualTo(AnalysisPhase.SUCCESSFUL);
    }
  }

  @Provide
  Arbitrary<List<AnalysisPhase>> phases() {
    return Arbitraries.of(AnalysisPhase.class).list().ofMaxSize(6);
  }
}
