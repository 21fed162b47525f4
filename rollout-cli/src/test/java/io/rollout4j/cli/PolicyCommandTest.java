package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rollout4j policy} and {@code lint --policy}, run as a process on the Bookinfo demo. */
class PolicyCommandTest {
  private static final Path DEMO = Cli.conformance("tse-gitops-demo/argo");

  private static final String POLICY =
      """
      rules:
        - id: canary-analysis
          message: A canary must be analysed before it takes all traffic
          require: analysis
        - id: small-steps
          severity: warning
          message: Traffic grows by at most 15 points a step
          require: maxWeightIncrease
          max: 15
        - id: pause-before-full
          message: Wait before full promotion
          require: pauseBeforePromotion
          minDuration: 5m
        - id: failure-limit
          message: Abort early
          require: failureLimit
          max: 2
        - id: deadline-abort
          severity: note
          message: Abort a revision that misses its deadline
          require: progressDeadlineAbort
        - id: providers
          message: Metrics come from Prometheus
          require: allowedProviders
          providers: [prometheus]
        - id: owner-label
          message: Rollouts name their team
          require: field
          path: metadata.labels.team
          match: {names: [reviews-rollout]}
      """;

  @Test
  void eachRuleReportsWhereTheDemoBreaksIt(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);

    Cli.Run run = Cli.run("policy", "--policy", policy.toString(), DEMO.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .doesNotContain("(canary-analysis)")
        .doesNotContain("(pause-before-full)")
        .contains(
            "rollout.yaml:48:9: warning: [Rollout default/reviews-rollout]"
                + " spec.strategy.canary.steps[4].setWeight: Traffic grows by at most 15 points a"
                + " step: steps[4] raises the canary's weight from 20 to 40 (small-steps)")
        .contains(
            "error: [AnalysisTemplate default/apdex] spec.metrics[0].failureLimit: Abort early:"
                + " metric apdex has failureLimit 3; expected at most 2 (failure-limit)")
        .contains("note: [Rollout default/reviews-rollout] spec.progressDeadlineAbort:")
        .contains(
            "spec.metrics[0].provider.skywalking: Metrics come from Prometheus: metric apdex uses"
                + " provider skywalking; allowed: prometheus (providers)")
        .contains("metadata.labels.team is absent (owner-label)");
  }

  @Test
  void lintAppliesThePolicyToo(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        "rules:\n  - id: deadline\n    message: Set it\n    require: progressDeadlineAbort\n");

    Cli.Run run = Cli.run("lint", "--policy", policy.toString(), DEMO.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("(deadline)");
  }

  @Test
  void aMistakeInThePolicyNamesItsFieldAndNothingIsChecked(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        "rules:\n  - id: steps\n    message: Small steps\n    require: maxWeightIncrease\n"
            + "    maximum: 20\n");

    Cli.Run run = Cli.run("policy", "--policy", policy.toString(), DEMO.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains(
            "policy.yaml: rules[0].maximum: unknown field for require: maxWeightIncrease;"
                + " expected [max]");
  }

  @Test
  void anUnknownCheckListsTheKnownOnes(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "rules:\n  - id: x\n    message: m\n    require: analyses\n");

    Cli.Run run = Cli.run("policy", "--policy", policy.toString(), DEMO.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "rules[0].require: unknown check \"analyses\"; expected one of [allowedProviders,");
  }
}
