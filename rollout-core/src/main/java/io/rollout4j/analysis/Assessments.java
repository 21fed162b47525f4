package io.rollout4j.analysis;

import io.rollout4j.expr.Condition;
import io.rollout4j.expr.ExprException;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.Metric;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Argo Rollouts' phase rules ({@code assessMetricStatus}, {@code assessRunStatus}) as pure
 * functions: no clock, no I/O, the same answer for the same inputs.
 */
public final class Assessments {
  private Assessments() {}

  /** A measurement's outcome: its phase and, when not Successful, why. */
  public record Outcome(AnalysisPhase phase, @Nullable String message) {}

  /**
   * The phase of one measurement from a provider's result (Argo's {@code EvaluateResult}): with
   * both conditions, failure wins, then success, else Inconclusive; with one, it decides alone;
   * with none, Successful. A condition that cannot be evaluated makes an Error; a nil or empty
   * result says so.
   */
  public static Outcome measurement(
      @Nullable String successCondition,
      @Nullable String failureCondition,
      @Nullable Object result) {
    Boolean success = null;
    Boolean failure = null;
    try {
      if (failureCondition != null && !failureCondition.isBlank()) {
        failure = evaluate(failureCondition, result, "failureCondition");
      }
      if (successCondition != null && !successCondition.isBlank()) {
        success = evaluate(successCondition, result, "successCondition");
      }
    } catch (EvaluationFailed e) {
      return new Outcome(AnalysisPhase.ERROR, e.getMessage());
    }
    if (failure != null && failure) {
      return new Outcome(AnalysisPhase.FAILED, null);
    }
    if (success != null) {
      if (success) {
        return new Outcome(AnalysisPhase.SUCCESSFUL, null);
      }
      return failure == null
          ? new Outcome(AnalysisPhase.FAILED, null)
          : new Outcome(AnalysisPhase.INCONCLUSIVE, null);
    }
    return new Outcome(AnalysisPhase.SUCCESSFUL, null);
  }

  private static final class EvaluationFailed extends Exception {
    private static final long serialVersionUID = 1L;

    EvaluationFailed(String message) {
      super(message);
    }
  }

  private static boolean evaluate(String condition, @Nullable Object result, String which)
      throws EvaluationFailed {
    try {
      return Condition.compile(condition).test(result);
    } catch (ExprException e) {
      if (result == null || (result instanceof List<?> l && l.isEmpty())) {
        throw new EvaluationFailed(
            "metric result is nil or empty: no data returned from the metric provider");
      }
      throw new EvaluationFailed(
          "could not evaluate " + which + " \"" + condition + "\": " + e.getMessage());
    }
  }

  /**
   * The phase of a metric from its measurements' phases, oldest first (Argo's {@code
   * assessMetricStatus}). Limits are read from the metric with Argo's defaults (failureLimit 0,
   * inconclusiveLimit 0, consecutiveErrorLimit 4, consecutiveSuccessLimit 0 = off); when several
   * are exceeded at once the last rule wins, so Error beats Inconclusive beats Failed.
   */
  public static AnalysisPhase metric(
      Metric metric, List<AnalysisPhase> measurements, boolean terminating) {
    if (measurements.isEmpty()) {
      return terminating ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.PENDING;
    }
    AnalysisPhase last = measurements.get(measurements.size() - 1);
    if (last == AnalysisPhase.RUNNING || last == AnalysisPhase.PENDING) {
      return AnalysisPhase.RUNNING;
    }
    int failed = 0;
    int inconclusive = 0;
    int successful = 0;
    int consecutiveErrors = 0;
    int consecutiveSuccesses = 0;
    for (AnalysisPhase phase : measurements) {
      switch (phase) {
        case FAILED -> failed++;
        case INCONCLUSIVE -> inconclusive++;
        case SUCCESSFUL -> successful++;
        default -> {
          // Error and in-flight measurements do not count towards count
        }
      }
      consecutiveErrors = phase == AnalysisPhase.ERROR ? consecutiveErrors + 1 : 0;
      consecutiveSuccesses = phase == AnalysisPhase.SUCCESSFUL ? consecutiveSuccesses + 1 : 0;
    }
    int failureLimit = limit(metric.failureLimit(), 0, "failureLimit");
    int inconclusiveLimit = limit(metric.inconclusiveLimit(), 0, "inconclusiveLimit");
    int errorLimit =
        limit(
            metric.consecutiveErrorLimit(),
            Metric.DEFAULT_CONSECUTIVE_ERROR_LIMIT,
            "consecutiveErrorLimit");
    int successLimit = limit(metric.consecutiveSuccessLimit(), 0, "consecutiveSuccessLimit");

    AnalysisPhase exceeded = null;
    if (failureLimit >= 0 && failed > failureLimit) {
      exceeded = AnalysisPhase.FAILED;
    }
    if (inconclusive > inconclusiveLimit) {
      exceeded = AnalysisPhase.INCONCLUSIVE;
    }
    if (consecutiveErrors > errorLimit) {
      exceeded = AnalysisPhase.ERROR;
    }
    if (exceeded != null) {
      return exceeded;
    }
    if (successLimit > 0 && consecutiveSuccesses >= successLimit) {
      return AnalysisPhase.SUCCESSFUL;
    }
    int count = failed + inconclusive + successful;
    Integer effective = effectiveCount(metric);
    if (effective != null && count >= effective) {
      if (successLimit > 0) {
        return failureLimit >= 0 ? AnalysisPhase.INCONCLUSIVE : AnalysisPhase.FAILED;
      }
      return AnalysisPhase.SUCCESSFUL;
    }
    return terminating ? AnalysisPhase.SUCCESSFUL : AnalysisPhase.RUNNING;
  }

  /** count if positive; else 1 without an interval; else unbounded (null). */
  static @Nullable Integer effectiveCount(Metric metric) {
    IntOrString count = metric.count();
    Integer value = count == null ? null : count.asInteger();
    if (value != null && value > 0) {
      return value;
    }
    return metric.interval() == null || metric.interval().isEmpty() ? 1 : null;
  }

  private static int limit(@Nullable IntOrString value, int fallback, String field) {
    if (value == null) {
      return fallback;
    }
    Integer resolved = value.asInteger();
    if (resolved == null) {
      throw new IllegalArgumentException(
          field + " is not an integer: " + value + " (unresolved argument?)");
    }
    return resolved;
  }

  /** The order Argo ranks completed phases in: the worst decides a run. */
  private static int severity(AnalysisPhase phase) {
    return switch (phase) {
      case SUCCESSFUL -> 0;
      case RUNNING -> 1;
      case PENDING -> 2;
      case INCONCLUSIVE -> 3;
      case ERROR -> 4;
      case FAILED -> 5;
    };
  }

  /**
   * The phase of a run from its metrics' phases (Argo's {@code assessRunStatus}). Dry-run metrics
   * never decide it. While a metric is not finished the run is Running, unless it is terminating
   * ({@code spec.terminate}, or a decisive metric already Failed, Errored or was Inconclusive):
   * then it is the worst finished phase, or Successful.
   */
  public static AnalysisPhase run(
      Map<String, AnalysisPhase> metricPhases, Set<String> dryRunMetrics, boolean terminating) {
    AnalysisPhase worst = null;
    boolean allCompleted = true;
    boolean stopping = terminating;
    for (Map.Entry<String, AnalysisPhase> e : metricPhases.entrySet()) {
      AnalysisPhase phase = e.getValue();
      if (!phase.isCompleted()) {
        allCompleted = false;
        continue;
      }
      if (dryRunMetrics.contains(e.getKey())) {
        continue;
      }
      if (phase != AnalysisPhase.SUCCESSFUL) {
        stopping = true;
      }
      if (worst == null || severity(phase) > severity(worst)) {
        worst = phase;
      }
    }
    if (!stopping && !allCompleted) {
      return AnalysisPhase.RUNNING;
    }
    return worst == null ? AnalysisPhase.SUCCESSFUL : worst;
  }
}
