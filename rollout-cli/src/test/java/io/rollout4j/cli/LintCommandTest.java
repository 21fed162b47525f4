package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code rollout4j lint}, run as a process on Argo's examples and on a repository with faults. */
class LintCommandTest {
  private static final Path ARGO = Cli.conformance("argo-rollouts-examples/examples");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rollout-canary.yaml",
        "rollout-bluegreen.yaml",
        "rollout-secret.yaml",
        "rollout-template-ref.yaml",
        "rollout-rolling-update.yaml",
        "istio",
        "workload-ref",
        "notifications"
      })
  void argosValidExamplesPass(String example) {
    Cli.Run run = Cli.run("lint", ARGO.resolve(example).toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).endsWith("0 errors, 0 warnings\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"istio", "envoygateway", "cilium", "traefik"})
  void theGatewayApiPluginsExamplesPassAndABrokenRouteIsAnError(String example, @TempDir Path copy)
      throws Exception {
    Path folder = Cli.conformance("gatewayapi-plugin/examples").resolve(example);
    Cli.Run run = Cli.run("lint", folder.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).doesNotContain("unsupported").doesNotContain("error:");

    // The same repository with the route's canary backend renamed: the controller would refuse it.
    try (var files = Files.list(folder)) {
      for (Path file : files.toList()) {
        Files.copy(file, copy.resolve(file.getFileName()));
      }
    }
    Path route =
        Files.exists(copy.resolve("httproute.yml"))
            ? copy.resolve("httproute.yml")
            : copy.resolve("httproute.yaml");
    Files.writeString(
        route, Files.readString(route).replace("argo-rollouts-canary-service", "renamed"));
    Cli.Run broken = Cli.run("lint", copy.toString());
    assertThat(broken.exit()).as(broken.out()).isEqualTo(1);
    assertThat(broken.out())
        .contains("plugins[argoproj-labs/gatewayAPI].httpRoute: Invalid value:")
        .contains("has a backendRef to the stable Service \"argo-rollouts-stable-service\"");
  }

  @Test
  void templatesInOtherFilesResolveAndAMissingOneIsAnError() {
    Cli.Run alone = Cli.run("lint", ARGO.resolve("rollout-analysis-step.yaml").toString());
    assertThat(alone.exit()).isEqualTo(1);
    assertThat(alone.out())
        .contains(
            "rollout-analysis-step.yaml:36:11: error: [Rollout default/rollout-analysis-step]"
                + " spec.strategy.canary.steps[1].analysis.templates: Invalid value:"
                + " \"random-fail\": AnalysisTemplate 'random-fail' not found (references)");

    Cli.Run together =
        Cli.run(
            "lint",
            ARGO.resolve("rollout-analysis-step.yaml").toString(),
            ARGO.resolve("analysis-templates.yaml").toString(),
            ARGO.resolve("cluster-analysis-templates.yaml").toString());
    assertThat(together.exit()).as(together.out()).isZero();

    Cli.Run elsewhere =
        Cli.run(
            "lint",
            "--missing-references",
            "warning",
            ARGO.resolve("rollout-analysis-step.yaml").toString());
    assertThat(elsewhere.exit()).isZero();
    assertThat(elsewhere.out()).contains("warning: [Rollout default/rollout-analysis-step]");
  }

  @Test
  void whatArgoRunsAndRollout4jDoesNotIsAWarningThatCanFailTheBuild() {
    Path example = ARGO.resolve("rollout-canary-preview.yaml");
    Cli.Run run = Cli.run("lint", example.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains(
            "spec.strategy.canary.steps[0].experiment: experiment steps are not supported by"
                + " Rollout4j");

    assertThat(Cli.run("lint", "--warnings-as-errors", example.toString()).exit()).isEqualTo(1);
  }

  @Test
  void plantedErrorsAreReportedWithFileLineAndFieldPath(@TempDir Path repo) throws Exception {
    Files.createDirectories(repo.resolve("app"));
    Files.writeString(repo.resolve("app/rollout.yaml"), ROLLOUT);
    Files.writeString(repo.resolve("app/mesh.yaml"), MESH);
    Files.writeString(repo.resolve("app/services.yaml"), SERVICES);

    Cli.Run run = Cli.run("lint", repo.toString());

    assertThat(run.exit()).isEqualTo(1);
    String rollout = repo.resolve("app/rollout.yaml").toString();
    assertThat(run.out())
        // a typo: a warning at its own line, with the likely meaning
        .contains(rollout + ":7:3: warning: [Rollout default/web] spec.replica: unknown field")
        // Argo's validation: a weight above 100
        .contains(
            rollout
                + ":25:11: error: [Rollout default/web] spec.strategy.canary.steps[1].setWeight")
        .doesNotContain("(references)"); // an invalid spec is not also checked for references

    Files.writeString(
        repo.resolve("app/rollout.yaml"), ROLLOUT.replace("setWeight: 120", "setWeight: 60"));
    Cli.Run references = Cli.run("lint", repo.toString());
    assertThat(references.exit()).isEqualTo(1);
    assertThat(references.out())
        .contains(
            ":18:9: error: [Rollout default/web] spec.strategy.canary.analysis.templates: Invalid"
                + " value: \"success-rate\": AnalysisTemplate 'success-rate' not found")
        .contains(
            "error: [Rollout default/web]"
                + " spec.strategy.canary.trafficRouting.istio.destinationRule.name: Invalid value:"
                + " \"web\": ")
        .contains("subset")
        .contains(
            "error: [Rollout default/web]"
                + " spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value:"
                + " \"web\": ");
  }

  @Test
  void sarifNamesRulesAndRegionsForCodeScanning(@TempDir Path repo) throws Exception {
    Files.writeString(repo.resolve("rollout.yaml"), ROLLOUT);
    Path report = repo.resolve("lint.sarif");

    Cli.Run run =
        Cli.run(
            "lint",
            "--format",
            "sarif",
            "--output",
            report.toString(),
            repo.resolve("rollout.yaml").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    JsonNode sarif = new ObjectMapper().readTree(report.toFile());
    assertThat(sarif.get("version").asText()).isEqualTo("2.1.0");
    JsonNode tool = sarif.get("runs").get(0).get("tool").get("driver");
    assertThat(tool.get("name").asText()).isEqualTo("rollout4j");
    JsonNode results = sarif.get("runs").get(0).get("results");
    assertThat(results).isNotEmpty();
    JsonNode weight = null;
    for (JsonNode r : results) {
      if (r.get("message")
          .get("text")
          .asText()
          .startsWith("spec.strategy.canary.steps[1].setWeight")) {
        weight = r;
      }
    }
    assertThat(weight).isNotNull();
    assertThat(weight.get("level").asText()).isEqualTo("error");
    assertThat(tool.get("rules").get(weight.get("ruleIndex").asInt()).get("id").asText())
        .isEqualTo(weight.get("ruleId").asText());
    JsonNode physical = weight.get("locations").get(0).get("physicalLocation");
    assertThat(physical.get("artifactLocation").get("uri").asText()).endsWith("rollout.yaml");
    assertThat(physical.get("region").get("startLine").asInt()).isEqualTo(25);

    Cli.Run json = Cli.run("lint", "--format", "json", repo.resolve("rollout.yaml").toString());
    JsonNode findings = new ObjectMapper().readTree(json.out()).get("findings");
    assertThat(findings.findValuesAsText("path"))
        .contains("spec.strategy.canary.steps[1].setWeight");
  }

  @Test
  void aMissingPathIsAnErrorNotAStackTrace() {
    Cli.Run run = Cli.run("lint", "no/such/folder");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("rollout4j lint: no/such/folder: no such file or folder");
    assertThat(run.err()).doesNotContain("Exception");
  }

  static final String ROLLOUT =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata:
        name: web
      spec:
        replicas: 3
        replica: 4
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers: [{name: web, image: web:1}]
        strategy:
          canary:
            analysis:
              templates: [{templateName: success-rate}]
            trafficRouting:
              istio:
                virtualService: {name: web, routes: [primary]}
                destinationRule: {name: web, canarySubsetName: canary, stableSubsetName: stable}
            steps:
              - setWeight: 20
              - setWeight: 120
      """;

  // The route is named "main", not "primary"; the DestinationRule has no "canary" subset.
  static final String MESH =
      """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata: {name: web}
      spec:
        hosts: [web]
        http:
          - name: main
            route:
              - destination: {host: web, subset: stable}
                weight: 100
              - destination: {host: web, subset: canary}
                weight: 0
      ---
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata: {name: web}
      spec:
        host: web
        subsets:
          - name: stable
            labels: {app: web}
      """;

  static final String SERVICES =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports: [{port: 80}]
      """;
}
