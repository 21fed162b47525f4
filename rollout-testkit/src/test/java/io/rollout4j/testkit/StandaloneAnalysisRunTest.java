package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.testkit.FakeCluster.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An AnalysisRun that no Rollout owns (a pipeline's check before a release, created with {@code
 * kubectl create}) is measured to its end as Argo's analysis controller does, and deleted when its
 * {@code ttlStrategy} says.
 */
class StandaloneAnalysisRunTest {
  private static final String NS = "ci";

  private static String run(String metric, String ttl) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisRun
        metadata: {name: release-check}
        spec:
          args:
          - {name: service, value: checkout}
          metrics:
        %s
          ttlStrategy: {%s}
        """
        .formatted(metric.indent(2).stripTrailing(), ttl);
  }

  private static final String WEB =
      """
      - name: error-rate
        count: 3
        interval: 1m
        successCondition: result < 0.01
        failureLimit: 0
        provider:
          web: {url: "http://metrics/{{args.service}}/errors"}
      """;

  private static Optional<AnalysisRun> find(RolloutHarness harness) {
    return harness.cluster().get("AnalysisRun", NS, "release-check").map(r -> (AnalysisRun) r);
  }

  @Test
  void aSuccessfulRunIsMeasuredToItsCountAndDeletedAfterSecondsAfterSuccess() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("web", request -> 0.002);
    harness.apply(NS, run(WEB, "secondsAfterSuccess: 60, secondsAfterFailure: 3600"));

    harness.advance(Duration.ofMinutes(2).plusSeconds(1));

    AnalysisRun done = find(harness).orElseThrow();
    assertThat(done.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(done.status().metricResults().get(0).measurements()).hasSize(3);
    assertThat(harness.metrics().requests())
        .allSatisfy(
            r -> assertThat(r.provider().get("url")).isEqualTo("http://metrics/checkout/errors"));
    Instant completed = Instant.parse(done.status().completedAt());

    harness.advance(Duration.between(harness.clock().instant(), completed.plusSeconds(60)));
    assertThat(find(harness)).as("kept for the whole 60 s").isPresent();
    harness.advance(Duration.ofSeconds(2));
    assertThat(find(harness)).as("deleted after 60 s").isEmpty();
  }

  @Test
  void aFailedRunIsKeptForSecondsAfterFailure() {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("web", request -> 0.2);
    harness.apply(NS, run(WEB, "secondsAfterSuccess: 60, secondsAfterFailure: 3600"));

    harness.advance(Duration.ofMinutes(30));

    assertThat(find(harness).orElseThrow().status().phase()).isEqualTo(AnalysisPhase.FAILED);
    harness.advance(Duration.ofMinutes(31));
    assertThat(find(harness)).isEmpty();
  }

  @Test
  void aRunWithoutTtlIsKeptAndAJobMetricRunsStandaloneToo() {
    RolloutHarness harness = RolloutHarness.create();
    harness.cluster().jobs(Duration.ofSeconds(45), job -> JobOutcome.SUCCEED);
    harness.apply(
        NS,
        """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisRun
        metadata: {name: release-check}
        spec:
          metrics:
          - name: load-test
            provider:
              job:
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: k6, image: grafana/k6:0.55.0, args: [run, /scripts/load.js]}]
        """);

    harness.advance(Duration.ofSeconds(30));
    assertThat(find(harness).orElseThrow().status().phase()).isEqualTo(AnalysisPhase.RUNNING);

    harness.advance(Duration.ofHours(2));
    AnalysisRun done = find(harness).orElseThrow();
    assertThat(done.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(harness.cluster().list("Job", NS)).hasSize(1);
  }
}
