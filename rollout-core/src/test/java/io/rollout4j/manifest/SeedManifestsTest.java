package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.api.Rollouts;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.Step;
import io.rollout4j.model.WorkloadRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Bookinfo seed's manifests, parsed, round-tripped, and built again in Java. */
class SeedManifestsTest {

  static final String ROLLOUT = "tse-gitops-demo/argo/rollout/rollout.yaml";
  static final String ANALYSIS = "tse-gitops-demo/argo/rollout/analysis.yaml";

  static Rollout fluentSeedRollout() {
    return Rollouts.rollout("reviews-rollout")
        .replicas(5)
        .selector("app", "reviews")
        .workloadRef(WorkloadRef.deployment("reviews"))
        .canary(
            canary ->
                canary
                    .backgroundAnalysis(
                        analysis ->
                            analysis
                                .template("apdex")
                                .startingStep(2)
                                .arg("service-name", "canary|reviews|bookinfo|cluster-1|-"))
                    .canaryMetadata(
                        m ->
                            m.annotation("version", "canary")
                                .label("version", "canary")
                                .label("service.istio.io/canonical-revision", "canary"))
                    .stableMetadata(
                        m ->
                            m.annotation("version", "stable")
                                .label("version", "stable")
                                .label("service.istio.io/canonical-revision", "stable"))
                    .istio(
                        istio ->
                            istio
                                .virtualService("reviews")
                                .destinationRule("reviews", "canary", "stable"))
                    .setWeight(10)
                    .pause(Duration.ofMinutes(10))
                    .setWeight(20)
                    .pause(Duration.ofMinutes(5))
                    .setWeight(40)
                    .pause(Duration.ofMinutes(5))
                    .setWeight(60)
                    .pause(Duration.ofMinutes(5))
                    .setWeight(80)
                    .pause(Duration.ofMinutes(5)))
        .build();
  }

  @Test
  void seedRolloutEqualsItsFluentTwin() {
    Rollout parsed = Manifests.parseOne(SharedFiles.read(ROLLOUT), Rollout.class);

    assertThat(parsed).isEqualTo(fluentSeedRollout());
  }

  @Test
  void seedRolloutRoundTripsThroughYamlAndJson() {
    Rollout parsed = Manifests.parseOne(SharedFiles.read(ROLLOUT), Rollout.class);

    String yaml = Manifests.toYaml(parsed);

    assertThat(Manifests.parseOne(yaml, Rollout.class)).isEqualTo(parsed);
    assertThat(Manifests.parseOne(Manifests.toJson(parsed), Rollout.class)).isEqualTo(parsed);
    assertThat(yaml)
        .startsWith("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n")
        .contains("      - setWeight: 10\n", "      - pause:\n          duration: 10m\n")
        .contains("value: canary|reviews|bookinfo|cluster-1|-");
  }

  @Test
  void seedRolloutIsValidAndReadsAsArgoDoes() {
    Rollout rollout = Manifests.parseOne(SharedFiles.read(ROLLOUT), Rollout.class);

    assertThat(RolloutValidator.validate(rollout)).isEmpty();
    CanaryStrategy canary = rollout.spec().canary();
    assertThat(canary).isNotNull();
    assertThat(canary.steps()).hasSize(10);
    assertThat(canary.steps().get(1)).isInstanceOf(Step.Pause.class);
    assertThat(((Step.Pause) canary.steps().get(1)).parsedDuration())
        .contains(Duration.ofMinutes(10));
    assertThat(canary.analysis().effectiveStartingStep()).isEqualTo(2);
    assertThat(canary.trafficRouting().istio().destinationRule().canarySubsetName())
        .isEqualTo("canary");
    assertThat(canary.effectiveMaxSurge().scaledValue(5, true)).isEqualTo(2);
    assertThat(canary.effectiveMaxUnavailable().scaledValue(5, false)).isEqualTo(1);
  }

  @Test
  void seedAnalysisTemplateEqualsItsFluentTwinAndRoundTrips() {
    AnalysisTemplate parsed =
        Manifests.parseOne(SharedFiles.read(ANALYSIS), AnalysisTemplate.class);
    MetricProvider.SkyWalking provider =
        (MetricProvider.SkyWalking) parsed.spec().metrics().get(0).provider();

    AnalysisTemplate fluent =
        Rollouts.analysisTemplate("apdex")
            .arg("service-name")
            .metric(
                "apdex",
                m ->
                    m.interval(Duration.ofMinutes(5))
                        .successCondition(
                            "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})")
                        .failureLimit(3)
                        .skywalking(
                            "http://oap.istio-system:12800",
                            provider.query(),
                            Duration.ofMinutes(3)))
            .build();

    assertThat(parsed).isEqualTo(fluent);
    // The file has no trailing newline, so the literal block's clip chomping keeps none.
    assertThat(provider.query()).contains("{{ args.service-name }}").endsWith("}");
    assertThat(Manifests.parseOne(Manifests.toYaml(parsed), AnalysisTemplate.class))
        .isEqualTo(parsed);
    assertThat(Manifests.toYaml(parsed)).contains("query: |");
  }

  @Test
  void bookinfoStreamAndTetrateListParseIntoGenericResources() {
    List<Resource> bookinfo =
        Manifests.parse(SharedFiles.read("tse-gitops-demo/application/bookinfo.yaml"));
    List<Resource> istio = Manifests.parse(SharedFiles.read("tse-gitops-demo/argo/tse/conf.yaml"));

    GenericResource reviews =
        bookinfo.stream()
            .filter(r -> r.kind().equals("Deployment") && "reviews".equals(r.name()))
            .map(GenericResource.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(reviews.path("spec", "replicas")).isEqualTo(1);
    assertThat(reviews.metadata().labels()).containsEntry("version", "stable");
    GenericResource destinationRule =
        istio.stream()
            .filter(r -> r.kind().equals("DestinationRule") && "reviews".equals(r.name()))
            .map(GenericResource.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(destinationRule.apiVersion()).startsWith("networking.istio.io/");
    assertThat(istio)
        .anyMatch(r -> r.kind().equals("VirtualService") && "reviews".equals(r.name()));
  }
}
