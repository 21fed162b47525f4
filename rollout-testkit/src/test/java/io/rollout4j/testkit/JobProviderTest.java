package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.testkit.FakeCluster.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Argo's {@code job} provider: a smoke test as a Kubernetes Job decides an analysis step. The fake
 * cluster plays the Job controller: Jobs succeed, fail or never finish after 30 s.
 */
class JobProviderTest {
  private static final String NS = "shop";

  private static final String TEMPLATE =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: AnalysisTemplate
      metadata: {name: smoke}
      spec:
        args:
        - name: target
        metrics:
        - name: smoke-test
          provider:
            job:
              metadata:
                labels: {team: shop}
                annotations: {purpose: smoke}
              spec:
                backoffLimit: 0
                template:
                  spec:
                    restartPolicy: Never
                    containers:
                    - name: smoke
                      image: curlimages/curl:8.11.0
                      args: ["--fail", "http://{{args.target}}/health"]
      """;

  private static String rollout(String image) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 4
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec:
              containers: [{name: shop, image: "%s"}]
          strategy:
            canary:
              steps:
              - setWeight: 25
              - analysis:
                  templates: [{templateName: smoke}]
                  args: [{name: target, value: shop-canary}]
              - setWeight: 50
              - pause: {duration: 1m}
        """
        .formatted(image);
  }

  private static RolloutHarness deployed(JobOutcome outcome) {
    RolloutHarness harness = RolloutHarness.create();
    harness.cluster().jobs(Duration.ofSeconds(30), job -> outcome);
    harness.apply(NS, TEMPLATE);
    harness.apply(NS, rollout("shop:1"));
    harness.advance(Duration.ofMinutes(1));
    harness.apply(NS, rollout("shop:2"));
    return harness;
  }

  private static AnalysisRun onlyRun(RolloutHarness harness) {
    List<Resource> runs = harness.cluster().list("AnalysisRun", NS);
    assertThat(runs).hasSize(1);
    return (AnalysisRun) runs.get(0);
  }

  private static List<Resource> jobs(RolloutHarness harness) {
    return harness.cluster().list("Job", NS);
  }

  @Test
  void aJobThatSucceedsPassesTheStepAndIsMadeAsArgoMakesIt() {
    RolloutHarness harness = deployed(JobOutcome.SUCCEED);

    harness.advance(Duration.ofSeconds(20));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.RUNNING);
    AnalysisRunStatus.Measurement running =
        run.status().metricResults().get(0).measurements().get(0);
    assertThat(running.phase()).isEqualTo(AnalysisPhase.RUNNING);
    assertThat(running.finishedAt()).isNull();
    GenericResource job = (GenericResource) jobs(harness).get(0);
    assertThat(job.apiVersion()).isEqualTo("batch/v1");
    assertThat(job.metadata().name()).isEqualTo(run.metadata().uid() + ".smoke-test.1");
    assertThat(running.metadata())
        .containsEntry("job-name", job.metadata().name())
        .containsEntry("job-namespace", NS);
    assertThat(job.metadata().labels())
        .containsEntry("team", "shop")
        .containsEntry("analysisrun.argoproj.io/uid", run.metadata().uid());
    assertThat(job.metadata().annotations())
        .containsEntry("purpose", "smoke")
        .containsEntry("analysisrun.argoproj.io/name", run.name())
        .containsEntry("analysisrun.argoproj.io/namespace", NS)
        .containsEntry("analysisrun.argoproj.io/metric-name", "smoke-test");
    assertThat(job.metadata().ownerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.kind()).isEqualTo("AnalysisRun");
              assertThat(o.name()).isEqualTo(run.name());
              assertThat(o.uid()).isEqualTo(run.metadata().uid());
              assertThat(o.controller()).isTrue();
            });
    assertThat(job.path("spec", "template", "spec", "containers").toString())
        .contains("http://shop-canary/health");
    assertThat(harness.rollout(NS, "shop").status().currentStepIndex()).isEqualTo(1);

    harness.advance(Duration.ofSeconds(20));

    AnalysisRunStatus.Measurement done =
        onlyRun(harness).status().metricResults().get(0).measurements().get(0);
    assertThat(done.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(done.startedAt()).isEqualTo(running.startedAt());
    assertThat(Duration.between(Instant.parse(done.startedAt()), Instant.parse(done.finishedAt())))
        .isBetween(Duration.ofSeconds(30), Duration.ofSeconds(35));
    assertThat(onlyRun(harness).status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);

    harness.advance(Duration.ofMinutes(3));

    assertThat(harness.rollout(NS, "shop").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
  }

  @Test
  void aJobThatFailsFailsTheRunAndAbortsTheCanary() {
    RolloutHarness harness = deployed(JobOutcome.FAIL);

    harness.advance(Duration.ofMinutes(2));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.FAILED);
    assertThat(run.status().metricResults().get(0).measurements())
        .singleElement()
        .satisfies(m -> assertThat(m.phase()).isEqualTo(AnalysisPhase.FAILED));
    RolloutStatus status = harness.rollout(NS, "shop").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.abort()).isTrue();
  }

  @Test
  void abortingWhileTheJobRunsDeletesItAndEndsTheMeasurementAsArgoDoes() {
    RolloutHarness harness = deployed(JobOutcome.NEVER_FINISH);
    harness.advance(Duration.ofMinutes(5));
    assertThat(onlyRun(harness).status().phase()).isEqualTo(AnalysisPhase.RUNNING);
    assertThat(jobs(harness)).hasSize(1);

    harness.abort(NS, "shop");
    harness.advance(Duration.ofSeconds(30));

    assertThat(jobs(harness)).isEmpty();
    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase().isCompleted()).isTrue();
    assertThat(run.status().metricResults().get(0).measurements())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
              assertThat(m.message()).isEqualTo("Metric Terminated");
              assertThat(m.finishedAt()).isNotNull();
            });
    assertThat(harness.rollout(NS, "shop").status().phase()).isEqualTo(RolloutPhase.DEGRADED);
  }

  @Test
  void aRecurringJobMetricKeepsOnlyAsManyJobsAsMeasurements() {
    RolloutHarness harness = RolloutHarness.create();
    harness.cluster().jobs(Duration.ofSeconds(10), job -> JobOutcome.SUCCEED);
    harness.apply(
        NS,
        TEMPLATE.replace(
            "- name: smoke-test\n", "- name: smoke-test\n    interval: 1m\n    count: 6\n"));
    String withRetention =
        rollout("shop:1")
            .replace(
                "args: [{name: target, value: shop-canary}]",
                "args: [{name: target, value: shop-canary}]\n"
                    + "          measurementRetention: [{metricName: smoke-test, limit: 2}]");
    harness.apply(NS, withRetention);
    harness.advance(Duration.ofMinutes(1));
    harness.apply(NS, withRetention.replace("shop:1", "shop:2"));

    harness.advance(Duration.ofMinutes(10));

    AnalysisRun run = onlyRun(harness);
    AnalysisRunStatus.MetricResult result = run.status().metricResults().get(0);
    assertThat(result.count()).isEqualTo(6);
    assertThat(result.measurements()).hasSize(2);
    assertThat(jobs(harness))
        .extracting(j -> j.metadata().name())
        .containsExactlyInAnyOrder(
            run.metadata().uid() + ".smoke-test.5", run.metadata().uid() + ".smoke-test.6");
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(harness.rollout(NS, "shop").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
  }
}
