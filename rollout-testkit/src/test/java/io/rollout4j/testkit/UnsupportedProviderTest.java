package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A template written for a provider Rollout4j does not have (Datadog here) never passes: every
 * measurement is an Error that names the provider and what is supported, and the canary is aborted
 * when the errors reach the limit, as Argo aborts on a provider that cannot answer.
 */
class UnsupportedProviderTest {

  @Test
  void everyMeasurementIsAnErrorNamingTheProviderAndTheCanaryIsAborted() {
    RolloutHarness harness =
        RolloutHarness.builder().metrics(MetricProviders.builder().discover().build()).build();
    harness.apply(NAMESPACE, Seed.bookinfo());
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(
        NAMESPACE,
        """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: apdex}
        spec:
          args:
          - name: service-name
          metrics:
          - name: errors
            interval: 1m
            successCondition: result < 0.01
            provider:
              datadog:
                query: "sum:trace.http.request.errors{service:{{args.service-name}}}"
        """);
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml"));
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);

    harness.advance(Duration.ofMinutes(40));

    AnalysisRun run = (AnalysisRun) harness.cluster().list("AnalysisRun", NAMESPACE).get(0);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.ERROR);
    AnalysisRunStatus.MetricResult result = run.status().metricResults().get(0);
    assertThat(result.measurements())
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.phase()).isEqualTo(AnalysisPhase.ERROR);
              assertThat(m.message())
                  .startsWith("provider datadog is not supported by Rollout4j; supported: ")
                  .contains("prometheus")
                  .contains("web");
            });
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.abort()).isTrue();
  }
}
