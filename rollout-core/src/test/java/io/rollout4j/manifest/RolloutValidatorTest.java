package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Argo's InvalidSpec rules, each with the path and message a user sees. */
class RolloutValidatorTest {

  private static final String BASE =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata: {name: demo}
      spec:
        replicas: 3
        selector: {matchLabels: {app: demo}}
        template:
          metadata: {labels: {app: demo}}
          spec:
            containers: [{name: demo, image: nginx}]
        strategy:
      """;

  private static List<Problem> validate(String strategyAndMore) {
    return RolloutValidator.validate(Manifests.parseOne(BASE + strategyAndMore, Rollout.class));
  }

  private static List<String> messages(String strategy) {
    return validate(strategy).stream().map(p -> p.path() + ": " + p.message()).toList();
  }

  @Test
  void everyUpstreamExampleRolloutIsValidExceptTheExpectedFailures() {
    List<String> invalid = new ArrayList<>();
    int checked = 0;
    for (Path file : SharedFiles.manifests()) {
      String name = file.toString();
      List<Resource> resources;
      try {
        resources = Manifests.parse(SharedFiles.read(file));
      } catch (ManifestException e) {
        continue;
      }
      for (Resource r : resources) {
        if (r instanceof Rollout rollout) {
          checked++;
          List<Problem> problems = RolloutValidator.validate(rollout);
          // Argo CD's fixtures for a Degraded rollout include two invalid specs on purpose.
          boolean expectedFailure =
              name.contains("expectedfailures")
                  || name.endsWith("degraded_invalidSpec.yaml")
                  || name.endsWith("degraded_abortedRollout.yaml");
          if (problems.isEmpty() == expectedFailure) {
            invalid.add(name + " " + rollout.name() + " -> " + problems);
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(80);
    assertThat(invalid).isEmpty();
  }

  @Test
  void malformedUpstreamRolloutIsRejectedForItsBadQuantity() {
    Rollout rollout =
        Manifests.parseOne(
            SharedFiles.read(
                "argo-rollouts-examples/test/e2e/expectedfailures/malformed-rollout.yaml"),
            Rollout.class);

    assertThat(RolloutValidator.validate(rollout))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path())
                  .isEqualTo("spec.template.spec.containers[0].resources.requests.memory");
              assertThat(p.message())
                  .startsWith("Invalid value: \"invalid\": quantities must match");
            });
  }

  @Test
  void missingStrategy() {
    assertThat(messages("    {}\n"))
        .containsExactly(
            "spec.strategy: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'");
  }

  @Test
  void canaryServicesMustDiffer() {
    assertThat(messages("    canary: {canaryService: svc, stableService: svc}\n"))
        .containsExactly(
            "spec.strategy.canary.stableService: This rollout uses the same service for the stable and canary"
                + " services, but two different services are required.");
  }

  @Test
  void maxSurgeAndMaxUnavailableCannotBothBeZero() {
    assertThat(messages("    canary: {maxSurge: 0, maxUnavailable: \"0%\"}\n"))
        .containsExactly(
            "spec.strategy.canary.maxUnavailable: MaxSurge and MaxUnavailable both can not be zero");
  }

  @Test
  void maxUnavailableMustBeANumberOrPercentage() {
    assertThat(messages("    canary: {maxUnavailable: \"one\"}\n"))
        .containsExactly(
            "spec.strategy.canary.maxUnavailable: expected an integer or a percentage such as \"25%\", found \"one\"");
  }

  @Test
  void stepRules() {
    String canary =
        """
            canary:
              steps:
              - setWeight: 120
              - pause: {duration: soon}
              - setCanaryScale: {replicas: 1}
              - setHeaderRoute: {name: header, match: [{headerName: x, headerValue: {}}]}
              - setMirrorRoute: {name: mirror, percentage: 50}
        """;

    assertThat(messages(canary))
        .containsExactly(
            "spec.strategy.canary.steps[0].setWeight: SetWeight needs to be between 0 and 100",
            "spec.strategy.canary.steps[1].pause.duration: Duration needs to be greater than 0",
            "spec.strategy.canary.steps[2].setCanaryScale: SetCanaryScale requires TrafficRouting to be set",
            "spec.strategy.canary.steps[3].setHeaderRoute: SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix",
            "spec.strategy.canary.steps[3].setHeaderRoute.match[0].headerValue: StringMatch value missed, match value must"
                + " have one of the following: exact, regex, prefix",
            "spec.strategy.canary.steps[4].setMirrorRoute: SetMirrorRoute requires TrafficRouting, supports Istio and Plugins");
  }

  @Test
  void managedRoutesMustListTheStepsRoutes() {
    String canary =
        """
            canary:
              trafficRouting:
                istio:
                  virtualService: {name: vs}
                  destinationRule: {name: dr, canarySubsetName: canary, stableSubsetName: stable}
                managedRoutes: [{name: known}]
              steps:
              - setHeaderRoute: {name: unknown, match: [{headerName: x, headerValue: {exact: y}}]}
        """;

    assertThat(messages(canary))
        .containsExactly(
            "spec.strategy.canary.steps[0].setHeaderRoute.name: Steps define a route that does not exist in"
                + " spec.strategy.canary.trafficRouting.managedRoutes");
  }

  @Test
  void istioHostLevelSplittingNeedsBothServicesAndExactlyOneVirtualServiceField() {
    String canary =
        """
            canary:
              trafficRouting:
                istio:
                  virtualService: {name: a}
                  virtualServices: [{name: b}]
        """;

    assertThat(messages(canary))
        .containsExactly(
            "spec.strategy.canary.canaryService: Canary service and Stable service must to be set to use Traffic Routing",
            "spec.strategy.canary.trafficRouting.istio: either VirtualService or VirtualServices must be configured");
  }

  @Test
  void trafficRoutingOnlyFieldsWithoutARouter() {
    assertThat(messages("    canary: {scaleDownDelaySeconds: 30, dynamicStableScale: true}\n"))
        .containsExactly(
            "spec.strategy.canary.scaleDownDelaySeconds: Canary scaleDownDelaySeconds can only be used with traffic routing",
            "spec.strategy.canary.dynamicStableScale: Canary dynamicStableScale can only be used with traffic routing",
            "spec.strategy.canary.dynamicStableScale: Canary dynamicStableScale cannot be used with scaleDownDelaySeconds");
  }

  @Test
  void blueGreenRules() {
    String blueGreen =
        """
            blueGreen: {activeService: svc, previewService: svc, scaleDownDelayRevisionLimit: 20,
                        antiAffinity: {}}
        """;

    assertThat(messages(blueGreen))
        .containsExactly(
            "spec.strategy.blueGreen.previewService: This rollout uses the same service for the active and preview"
                + " services, but two different services are required.",
            "spec.revisionHistoryLimit: This rollout's revision history limit can not be smaller than the rollout's"
                + " scale down limit",
            "spec.strategy.blueGreen.antiAffinity: AntiAffinity must have exactly one strategy listed");
  }

  @Test
  void selectorMustMatchTemplateAndTemplateMustBeEmptyWithWorkloadRef() {
    Rollout mismatched =
        Manifests.parseOne(
            BASE.replace("matchLabels: {app: demo}", "matchLabels: {app: other}")
                + "    canary: {}\n",
            Rollout.class);
    Rollout both =
        Manifests.parseOne(
            BASE.replace(
                    "  replicas: 3\n",
                    "  replicas: 3\n  workloadRef: {apiVersion: apps/v1, kind: StatefulSet, name: x}\n")
                + "    canary: {}\n",
            Rollout.class);

    assertThat(RolloutValidator.validate(mismatched))
        .extracting(Problem::message)
        .containsExactly("`selector` does not match template `labels`");
    assertThat(RolloutValidator.validate(both))
        .extracting(Problem::message)
        .containsExactly(
            "template must be empty for workload reference rollout",
            "workload of type apps/StatefulSet is not supported (expected apps/v1 Deployment or ReplicaSet, or v1 PodTemplate)");
  }

  @Test
  void progressDeadlineMustExceedMinReadySeconds() {
    Rollout rollout =
        Manifests.parseOne(
            BASE.replace("  replicas: 3\n", "  replicas: 3\n  minReadySeconds: 700\n")
                + "    canary: {}\n",
            Rollout.class);

    assertThat(RolloutValidator.validate(rollout))
        .extracting(p -> p.path() + ": " + p.message())
        .containsExactly(
            "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds");
  }
}
