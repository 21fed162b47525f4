package io.rollout4j.analysis;

import static io.rollout4j.model.AnalysisPhase.ERROR;
import static io.rollout4j.model.AnalysisPhase.FAILED;
import static io.rollout4j.model.AnalysisPhase.INCONCLUSIVE;
import static io.rollout4j.model.AnalysisPhase.PENDING;
import static io.rollout4j.model.AnalysisPhase.RUNNING;
import static io.rollout4j.model.AnalysisPhase.SUCCESSFUL;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Argo's measurement, metric and run phase rules ({@code assessMetricStatus}, {@code
 * assessRunStatus}).
 */
class AssessmentsTest {

  static Metric metric(
      @Nullable String interval,
      @Nullable Integer count,
      @Nullable Integer failureLimit,
      @Nullable Integer inconclusiveLimit,
      @Nullable Integer errorLimit,
      @Nullable Integer successLimit) {
    return new Metric(
        "m",
        interval,
        null,
        count == null ? null : IntOrString.of(count),
        "result",
        null,
        failureLimit == null ? null : IntOrString.of(failureLimit),
        inconclusiveLimit == null ? null : IntOrString.of(inconclusiveLimit),
        errorLimit == null ? null : IntOrString.of(errorLimit),
        successLimit == null ? null : IntOrString.of(successLimit),
        new MetricProvider.Other("web", Map.of()));
  }

  @ParameterizedTest(name = "success [{0}] failure [{1}] -> {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "true, false, SUCCESSFUL",
        "true, true, FAILED",
        "false, false, INCONCLUSIVE",
        "-, false, SUCCESSFUL",
        "false, -, FAILED",
        "-, -, SUCCESSFUL",
        "false, true, FAILED"
      })
  void measurementPhaseFollowsArgosTable(String success, String failure, AnalysisPhase expected) {
    assertThat(Assessments.measurement(success, failure, true).phase()).isEqualTo(expected);
  }

  @Test
  void unevaluableConditionsAreErrorsThatSayWhy() {
    assertThat(Assessments.measurement("result[0] >= 0.95", null, null))
        .isEqualTo(
            new Assessments.Outcome(
                ERROR, "metric result is nil or empty: no data returned from the metric provider"));
    assertThat(Assessments.measurement("result[0] >= 0.95", null, List.of()).message())
        .contains("nil or empty");
    Assessments.Outcome mismatch =
        Assessments.measurement("asFloat(result) == \"1.1\"", null, "1.1");
    assertThat(mismatch.phase()).isEqualTo(ERROR);
    assertThat(mismatch.message())
        .startsWith(
            "could not evaluate successCondition \"asFloat(result) == \"1.1\"\": invalid operation: ==");
  }

  @Test
  void withDefaultsOneFailureEndsTheMetricAndFourErrorsAreTolerated() {
    Metric defaults = metric("5m", null, null, null, null, null);

    assertThat(Assessments.metric(defaults, List.of(), false)).isEqualTo(PENDING);
    assertThat(Assessments.metric(defaults, List.of(), true)).isEqualTo(SUCCESSFUL);
    assertThat(Assessments.metric(defaults, List.of(SUCCESSFUL, RUNNING), false))
        .isEqualTo(RUNNING);
    assertThat(Assessments.metric(defaults, List.of(SUCCESSFUL, FAILED), false)).isEqualTo(FAILED);
    assertThat(Assessments.metric(defaults, List.of(SUCCESSFUL, INCONCLUSIVE), false))
        .isEqualTo(INCONCLUSIVE);
    assertThat(Assessments.metric(defaults, Collections.nCopies(4, ERROR), false))
        .isEqualTo(RUNNING);
    assertThat(Assessments.metric(defaults, Collections.nCopies(5, ERROR), false)).isEqualTo(ERROR);
    assertThat(
            Assessments.metric(
                defaults, List.of(ERROR, ERROR, SUCCESSFUL, ERROR, ERROR, ERROR, ERROR), false))
        .isEqualTo(RUNNING);
  }

  @Test
  void anIntervalWithoutCountNeverSucceedsUntilTerminated() {
    Metric background = metric("5m", null, 3, null, null, null);
    List<AnalysisPhase> healthy = Collections.nCopies(50, SUCCESSFUL);

    assertThat(Assessments.metric(background, healthy, false)).isEqualTo(RUNNING);
    assertThat(Assessments.metric(background, healthy, true)).isEqualTo(SUCCESSFUL);
  }

  @Test
  void theSeedsFailureLimitToleratesThreeFailures() {
    Metric apdex = metric("5m", null, 3, null, null, null);

    assertThat(Assessments.metric(apdex, List.of(FAILED, SUCCESSFUL, FAILED, FAILED), false))
        .isEqualTo(RUNNING);
    assertThat(
            Assessments.metric(apdex, List.of(FAILED, SUCCESSFUL, FAILED, FAILED, FAILED), false))
        .isEqualTo(FAILED);
  }

  @Test
  void countAndConsecutiveSuccessRules() {
    assertThat(
            Assessments.metric(
                metric(null, null, null, null, null, null), List.of(SUCCESSFUL), false))
        .isEqualTo(SUCCESSFUL);
    assertThat(
            Assessments.metric(
                metric("1m", 3, null, null, null, null),
                List.of(SUCCESSFUL, ERROR, SUCCESSFUL),
                false))
        .as("errors do not count towards count")
        .isEqualTo(RUNNING);
    assertThat(
            Assessments.metric(
                metric("1m", 3, null, null, null, null),
                List.of(SUCCESSFUL, SUCCESSFUL, SUCCESSFUL),
                false))
        .isEqualTo(SUCCESSFUL);
    assertThat(
            Assessments.metric(
                metric("1m", 5, 2, null, null, 2), List.of(FAILED, SUCCESSFUL, SUCCESSFUL), false))
        .isEqualTo(SUCCESSFUL);
    assertThat(
            Assessments.metric(
                metric("1m", 4, 3, null, null, 3),
                List.of(SUCCESSFUL, FAILED, SUCCESSFUL, SUCCESSFUL),
                false))
        .as("count reached before the consecutive successes, failureLimit in force")
        .isEqualTo(INCONCLUSIVE);
    assertThat(
            Assessments.metric(
                metric("1m", 4, -1, null, null, 3),
                List.of(SUCCESSFUL, FAILED, SUCCESSFUL, SUCCESSFUL),
                false))
        .as("count reached, only consecutive successes decide")
        .isEqualTo(FAILED);
  }

  @Test
  void whenSeveralLimitsAreExceededErrorBeatsInconclusiveBeatsFailed() {
    Metric strict = metric("1m", null, 0, 0, 0, null);

    assertThat(Assessments.metric(strict, List.of(FAILED, INCONCLUSIVE, ERROR), false))
        .isEqualTo(ERROR);
    assertThat(Assessments.metric(strict, List.of(FAILED, INCONCLUSIVE), false))
        .isEqualTo(INCONCLUSIVE);
  }

  @Test
  void runPhaseIsTheWorstDecisiveMetricAndFailsFast() {
    assertThat(Assessments.run(Map.of("a", SUCCESSFUL, "b", RUNNING), Set.of(), false))
        .isEqualTo(RUNNING);
    assertThat(Assessments.run(Map.of("a", FAILED, "b", RUNNING), Set.of(), false))
        .isEqualTo(FAILED);
    assertThat(Assessments.run(Map.of("a", INCONCLUSIVE, "b", ERROR), Set.of(), false))
        .isEqualTo(ERROR);
    assertThat(Assessments.run(Map.of("a", SUCCESSFUL, "b", SUCCESSFUL), Set.of(), false))
        .isEqualTo(SUCCESSFUL);
    assertThat(Assessments.run(Map.of("a", SUCCESSFUL, "dry", FAILED), Set.of("dry"), false))
        .isEqualTo(SUCCESSFUL);
    assertThat(Assessments.run(Map.of("dry", FAILED), Set.of("dry"), false)).isEqualTo(SUCCESSFUL);
    assertThat(Assessments.run(Map.of("a", RUNNING), Set.of(), true)).isEqualTo(SUCCESSFUL);
    assertThat(Assessments.run(Map.of("a", SUCCESSFUL, "b", PENDING), Set.of(), false))
        .isEqualTo(RUNNING);
  }
}
