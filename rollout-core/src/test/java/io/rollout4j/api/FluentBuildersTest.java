package io.rollout4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.manifest.Problem;
import io.rollout4j.manifest.RolloutValidator;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.WorkloadRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builders fail fast with the validator's own words, and build what the reader would read. */
class FluentBuildersTest {

  private static final Map<String, Object> POD =
      Map.of("containers", List.of(Map.of("name", "app", "image", "nginx:1.25")));

  @Test
  void eagerErrorsUseTheValidatorsPathAndMessage() {
    InvalidSpecException eager =
        catchThrowableOfType(
            InvalidSpecException.class,
            () -> Rollouts.rollout("r").canary(c -> c.setWeight(20).setWeight(150)));
    Rollout parsed =
        Manifests.parseOne(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n"
                + "spec:\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n"
                + "  strategy:\n    canary:\n      steps: [{setWeight: 20}, {setWeight: 150}]\n",
            Rollout.class);

    assertThat(eager.problems()).isEqualTo(RolloutValidator.validate(parsed));
    assertThat(eager.problems())
        .extracting(Problem::path, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "spec.strategy.canary.steps[1].setWeight",
                "SetWeight needs to be between 0 and 100"));
  }

  @Test
  void aConditionThatDoesNotCompileIsRejectedWhereItIsWritten() {
    InvalidSpecException e =
        catchThrowableOfType(
            () ->
                Rollouts.analysisTemplate("apdex")
                    .metric("apdex", m -> m.successCondition("result >= >= 9900")),
            InvalidSpecException.class);
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).path()).isEqualTo("spec.metrics[0].successCondition");
    assertThat(e.problems().get(0).message()).startsWith("does not compile: ").contains("column");
    // Placeholders are substituted before Argo compiles a condition: they are fine here too.
    Rollouts.analysisTemplate("apdex")
        .arg("limit")
        .metric(
            "apdex",
            m ->
                m.successCondition("result >= {{args.limit}}")
                    .provider(
                        new io.rollout4j.model.MetricProvider.Web(
                            null,
                            "http://sw/apdex",
                            java.util.List.of(),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null)))
        .build();
  }

  @Test
  void buildReportsEveryProblemAtOnce() {
    InvalidSpecException e =
        catchThrowableOfType(
            InvalidSpecException.class,
            () ->
                Rollouts.rollout("r")
                    .workloadRef(WorkloadRef.deployment("d"))
                    .canary(
                        c -> c.canaryService("svc").stableService("svc").scaleDownDelaySeconds(10))
                    .build());

    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly(
            "spec.strategy.canary.stableService", "spec.strategy.canary.scaleDownDelaySeconds");
  }

  @Test
  void blueGreenBuiltInJavaRoundTripsThroughYaml() {
    Rollout rollout =
        Rollouts.rollout("shop")
            .namespace("prod")
            .replicas(4)
            .selector("app", "shop")
            .template(Map.of("app", "shop"), POD)
            .blueGreen(
                "shop-active",
                bg ->
                    bg.previewService("shop-preview")
                        .autoPromotionEnabled(false)
                        .scaleDownDelaySeconds(60)
                        .prePromotionAnalysis(
                            a -> a.template("smoke").podTemplateHashArg("hash", "Latest")))
            .build();

    assertThat(Manifests.parseOne(Manifests.toYaml(rollout), Rollout.class)).isEqualTo(rollout);
    assertThat(rollout.spec().blueGreen().isAutoPromotionEnabled()).isFalse();
    assertThat(Manifests.toYaml(rollout))
        .contains("activeService: shop-active", "podTemplateHashValue: Latest");
  }

  @Test
  void pausesAreWrittenTheWayPeopleWriteThem() {
    Rollout rollout =
        Rollouts.rollout("r")
            .workloadRef(WorkloadRef.deployment("d"))
            .canary(
                c ->
                    c.setWeight(10)
                        .pause(Duration.ofMinutes(90))
                        .pause(Duration.ofSeconds(45))
                        .pause())
            .build();

    assertThat(Manifests.toYaml(rollout))
        .contains("duration: 1h30m\n", "duration: 45s\n", "- pause: {}\n");
  }
}
