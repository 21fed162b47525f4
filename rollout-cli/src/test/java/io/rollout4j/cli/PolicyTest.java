package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy rules on small rollouts, in process. */
class PolicyTest {
  @TempDir Path dir;

  private List<Finding> check(String policy, String manifests) throws Exception {
    Path file = dir.resolve("rollout.yaml");
    Files.writeString(file, manifests);
    return Policy.parse(policy).check(ManifestSet.load(List.of(file), "default"));
  }

  private static String canary(String steps) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web, labels: {team: shop}}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:1}]}
          strategy:
            canary:
              steps: %s
        """
        .formatted(steps);
  }

  @Test
  void weightJumpsCountFromZeroAndIncludeTheFinalPromotion() throws Exception {
    String policy =
        "rules: [{id: jump, message: Small steps, require: maxWeightIncrease, max: 30}]";

    assertThat(check(policy, canary("[{setWeight: 40}, {pause: {}}, {setWeight: 60}]")))
        .extracting(Finding::path)
        .containsExactlyInAnyOrder(
            "spec.strategy.canary.steps[0].setWeight", "spec.strategy.canary.steps");
    assertThat(check(policy, canary("[{setWeight: 30}, {setWeight: 60}, {setWeight: 90}]")))
        .isEmpty();
  }

  @Test
  void aPauseBeforePromotionMustComeAfterTheLastWeightAndLastLongEnough() throws Exception {
    String policy =
        "rules: [{id: p, message: Wait, require: pauseBeforePromotion, minDuration: 5m}]";

    assertThat(check(policy, canary("[{setWeight: 50}, {pause: {duration: 10m}}]"))).isEmpty();
    assertThat(check(policy, canary("[{setWeight: 50}, {pause: {}}]"))).isEmpty();
    assertThat(check(policy, canary("[{pause: {duration: 10m}}, {setWeight: 50}]")))
        .extracting(Finding::message)
        .containsExactly("Wait: no pause of at least 5m after the last setWeight (steps[1])");
    assertThat(check(policy, canary("[{setWeight: 50}, {pause: {duration: 1m}}]"))).hasSize(1);
  }

  @Test
  void fieldRulesCompareTheManifestsFields() throws Exception {
    String rollout = canary("[{setWeight: 50}]");

    assertThat(
            check(
                "rules: [{id: t, message: m, require: field, path: metadata.labels.team, equals: shop}]",
                rollout))
        .isEmpty();
    assertThat(
            check(
                "rules: [{id: t, message: m, require: field, path: metadata.labels.team, oneOf: [a, b]}]",
                rollout))
        .extracting(Finding::message)
        .containsExactly("m: metadata.labels.team is \"shop\"; expected one of [a, b]");
    assertThat(
            check(
                "rules: [{id: t, message: m, require: field,"
                    + " path: 'spec.template.spec.containers[0].image', matches: 'registry/.*'}]",
                rollout))
        .hasSize(1);
    assertThat(
            check(
                "rules: [{id: t, message: m, require: field, path: spec.paused, exists: false}]",
                rollout))
        .isEmpty();
  }

  @Test
  void matchLimitsARuleToSomeObjects() throws Exception {
    String rollout = canary("[{setWeight: 50}]");
    String rule =
        "rules: [{id: a, message: m, require: progressDeadlineAbort, match: {labels: {team: %s}}}]";

    assertThat(check(rule.formatted("shop"), rollout)).hasSize(1);
    assertThat(check(rule.formatted("search"), rollout)).isEmpty();
  }

  @Test
  void theWholeFileIsValidatedBeforeAnythingIsChecked() {
    assertThatThrownBy(
            () ->
                Policy.parse(
                    "rules: [{id: a, message: m, require: analysis}, {id: a, message: m, require: analysis}]"))
        .hasMessage("rules[1].id: \"a\" is the id of an earlier rule too");
    assertThatThrownBy(
            () ->
                Policy.parse("rules: [{id: a, message: m, require: maxWeightIncrease, max: 120}]"))
        .hasMessage("rules[0].max: expected a whole number from 1 to 100, found 120");
    assertThatThrownBy(
            () -> Policy.parse("rules: [{id: a, message: m, require: field, path: 'a..b'}]"))
        .hasMessageStartingWith("rules[0].path: expected a field path");
    assertThatThrownBy(() -> Policy.parse("rules: [{id: a, require: analysis}]"))
        .hasMessage("rules[0].message: required");
    assertThatThrownBy(
            () -> Policy.parse("rules: [{id: a, message: m, require: analysis, severity: fatal}]"))
        .hasMessage("rules[0].severity: expected error, warning or note, found \"fatal\"");
  }
}
