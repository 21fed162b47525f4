package io.rollout4j.skywalking;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.testkit.RolloutHarness;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An OAP behind an authenticating gateway: the provider's {@code headers} take a Secret-backed
 * argument, read only when a measurement is taken; the run stored in the cluster keeps the
 * reference, never the credential.
 */
class SkyWalkingSecretHeaderTest {

  private static String template(String address) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: apdex}
        spec:
          args:
          - name: service-name
          - name: oap-token
            valueFrom: {secretKeyRef: {name: oap-gateway, key: token}}
          metrics:
          - name: apdex
            count: 2
            interval: 1m
            successCondition: "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})"
            provider:
              skywalking:
                interval: 3m
                address: %s
                headers: [{key: Authorization, value: "Bearer {{args.oap-token}}"}]
                query: |
                  query queryData($duration: Duration!) {
                    service_apdex: readMetricsValues(
                      condition: { name: "service_apdex", entity: { scope: Service, serviceName: "{{ args.service-name }}", normal: true } },
                      duration: $duration) {
                        label values { values { value } }
                      }
                  }
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: oap-gateway}
        data: {token: czNjcjN0}
        """
        .formatted(address);
  }

  private static String rollout(String image) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: reviews}
        spec:
          replicas: 4
          selector: {matchLabels: {app: reviews}}
          template:
            metadata: {labels: {app: reviews}}
            spec:
              containers: [{name: reviews, image: "%s"}]
          strategy:
            canary:
              steps:
              - setWeight: 25
              - analysis:
                  templates: [{templateName: apdex}]
                  args: [{name: service-name, value: "canary|reviews|bookinfo|cluster-1|-"}]
              - setWeight: 50
        """
        .formatted(image);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theTokenGoesToOapAndNowhereElse() throws IOException {
    try (SchemaServer oap = SchemaServer.serving("v10.1.0")) {
      Map<String, Object> healthy =
          (Map<String, Object>)
              ((Map<String, Object>)
                      ((Map<String, Object>)
                              SkyWalkingCapturesTest.capture("01-seed-query-healthy-canary.json")
                                  .get("response"))
                          .get("body"))
                  .get("data");
      oap.answerWith(healthy);
      RolloutHarness harness =
          RolloutHarness.builder()
              .metrics(MetricProviders.builder().register(new SkyWalkingMetricProvider()).build())
              .build();
      harness.apply("bookinfo", template(oap.address()));
      harness.apply("bookinfo", rollout("reviews:1"));
      harness.advance(Duration.ofMinutes(1));
      harness.apply("bookinfo", rollout("reviews:2"));

      harness.advance(Duration.ofMinutes(5));

      assertThat(harness.rollout("bookinfo", "reviews").status().phase())
          .isEqualTo(RolloutPhase.HEALTHY);
      assertThat(oap.served())
          .hasSize(2)
          .allSatisfy(
              s -> {
                assertThat(s.authorization()).isEqualTo("Bearer s3cr3t");
                assertThat(s.errors()).isEmpty();
              });
      AnalysisRun run = (AnalysisRun) harness.cluster().list("AnalysisRun", "bookinfo").get(0);
      assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
      assertThat(Manifests.toYaml(run))
          .doesNotContain("s3cr3t")
          .contains("Bearer {{args.oap-token}}");
    }
  }
}
