package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An inline analysis step, with a web metric whose header comes from a Secret. */
@ExtendWith(RolloutHarnessExtension.class)
class StepAnalysisTest {

  private static final String TEMPLATE =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: AnalysisTemplate
      metadata: {name: smoke}
      spec:
        args:
        - name: token
          valueFrom: {secretKeyRef: {name: smoke-token, key: token}}
        - name: service
        metrics:
        - name: smoke
          count: 2
          interval: 30s
          successCondition: result == 'ok'
          provider:
            web:
              url: "http://{{args.service}}/health"
              headers: [{key: Authorization, value: "Bearer {{args.token}}"}]
      ---
      apiVersion: v1
      kind: Secret
      metadata: {name: smoke-token}
      data: {token: czNjcjN0}
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
                  args: [{name: service, value: shop-canary}]
              - setWeight: 50
              - pause: {duration: 1m}
        """
        .formatted(image);
  }

  private static void deploy(RolloutHarness harness) {
    harness.apply("shop", TEMPLATE);
    harness.apply("shop", rollout("shop:1"));
    harness.advance(Duration.ofMinutes(1));
    harness.apply("shop", rollout("shop:2"));
  }

  @Test
  void theStepWaitsForItsRunThenMovesOn(RolloutHarness harness) {
    harness
        .metrics()
        .script(
            "web",
            request -> {
              Object headers = request.provider().get("headers");
              return String.valueOf(headers).contains("Bearer s3cr3t") ? "ok" : "unauthorized";
            });
    deploy(harness);

    harness.advance(Duration.ofSeconds(25));
    assertThat(harness.rollout("shop", "shop").status().currentStepIndex()).isEqualTo(1);

    harness.advance(Duration.ofMinutes(5));
    RolloutStatus status = harness.rollout("shop", "shop").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    AnalysisRun run = (AnalysisRun) harness.cluster().list("AnalysisRun", "shop").get(0);
    assertThat(run.metadata().labels())
        .containsEntry("rollout-type", "Step")
        .containsEntry("step-index", "1");
    assertThat(run.name()).endsWith("-2-1");
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(run.status().metricResults().get(0).measurements()).hasSize(2);
    assertThat(Manifests.toYaml(run)).doesNotContain("s3cr3t").contains("{{args.token}}");
    assertThat(status.canary().currentStepAnalysisRunStatus().status())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void aFailedStepRunAbortsAndSecretsStayOutOfMessages(RolloutHarness harness) {
    harness
        .metrics()
        .script(
            "web",
            request -> {
              throw new IllegalStateException("401 for " + request.provider().get("headers"));
            });
    deploy(harness);

    harness.advance(Duration.ofMinutes(3));

    RolloutStatus status = harness.rollout("shop", "shop").status();
    assertThat(status.isAborted()).isTrue();
    assertThat(status.message()).contains("Step-based analysis phase error/failed: ");
    AnalysisRun run = (AnalysisRun) harness.cluster().list("AnalysisRun", "shop").get(0);
    List<String> messages =
        run.status().metricResults().get(0).measurements().stream()
            .map(m -> String.valueOf(m.message()))
            .toList();
    assertThat(messages)
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m).contains("*****").doesNotContain("s3cr3t"));
  }

  @Test
  void finishedRunsBeyondTheHistoryLimitAreDeleted(RolloutHarness harness) {
    harness.metrics().script("web", request -> "ok");
    harness.apply("shop", TEMPLATE);
    String limited =
        rollout("shop:1")
            .replace(
                "  replicas: 4\n", "  replicas: 4\n  analysis: {successfulRunHistoryLimit: 2}\n");
    harness.apply("shop", limited);
    harness.advance(Duration.ofMinutes(1));
    for (int v = 2; v <= 5; v++) {
      harness.apply("shop", limited.replace("shop:1", "shop:" + v));
      harness.advance(Duration.ofMinutes(6));
    }

    List<String> names =
        harness.cluster().list("AnalysisRun", "shop").stream()
            .map(r -> String.valueOf(r.name()))
            .toList();
    assertThat(names).hasSize(2);
    assertThat(names).allSatisfy(n -> assertThat(n).matches("shop-.*-[45]-1"));
  }

  @Test
  void aFieldRefToALabelTheRolloutDoesNotCarryIsTheEmptyString(RolloutHarness harness) {
    harness.metrics().script("web", request -> "ok");
    harness.apply(
        "shop",
        """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: smoke}
        spec:
          args: [{name: service}, {name: rev}]
          metrics:
          - name: smoke
            successCondition: result == 'ok'
            provider: {web: {url: "http://{{args.service}}/health?rev={{args.rev}}"}}
        """);
    String rollout =
        rollout("shop:1")
            .replace(
                "args: [{name: service, value: shop-canary}]",
                "args: [{name: service, value: shop-canary},"
                    + " {name: rev, valueFrom: {fieldRef: {fieldPath: \"metadata.labels['rev']\"}}}]");
    harness.apply("shop", rollout).advance(Duration.ofMinutes(1));
    harness.apply("shop", rollout.replace("shop:1", "shop:2")).advance(Duration.ofMinutes(2));

    io.rollout4j.model.AnalysisRun run =
        (io.rollout4j.model.AnalysisRun) harness.cluster().list("AnalysisRun", "shop").get(0);
    assertThat(run.spec().args()).contains(io.rollout4j.model.Argument.of("rev", ""));
    assertThat(harness.rollout("shop", "shop").status().phase())
        .isEqualTo(io.rollout4j.model.RolloutPhase.HEALTHY);
  }
}
