package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.rollout4j.model.Resource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every file under shared/conformance either parses and round-trips through YAML and JSON, or is
 * rejected with problems that each name a path or a position. The counts are reported in the
 * README.
 */
class ConformanceCorpusTest {

  /** Files that are known not to be manifests a Kubernetes API server accepts, and why. */
  private static final Map<String, String> EXPECTED_REJECTIONS =
      Map.ofEntries(
          Map.entry("analysis-run-failfast.yaml", "not valid YAML (mis-indented list item)"),
          Map.entry("helm-blue-green/templates/services.yaml", "Helm template, not YAML"),
          Map.entry("helm-blue-green/templates/rollout.yaml", "Helm template, not YAML"),
          Map.entry("rollout-linkerd.yaml", "unquoted {{args...}} is a mapping used as a key"),
          Map.entry("helm-blue-green/Chart.yaml", "Helm chart metadata: no kind"),
          Map.entry("helm-blue-green/values.yaml", "Helm values: no kind"),
          Map.entry("examples/dashboard.json", "Grafana dashboard: no kind"),
          Map.entry("health_test.yaml", "Argo CD's health test table: no kind"),
          Map.entry(
              "degraded_statusPhaseMessage.yaml",
              "Argo CD fixture: status.conditions written as an object, not a list"),
          Map.entry("examples/kong/rollout.yml", "revisionHistoryLimit written twice"),
          Map.entry(
              "assertions/rollout-healthy.yaml",
              "chainsaw assertion: a partial object without spec"),
          Map.entry(
              "pendingAnalysisRun.yaml", "interval: 10, a number where Argo's CRD has a string"),
          Map.entry(".json", "SkyWalking request/response captures are not Kubernetes objects"));

  @Test
  void everyConformanceFileParsesAndRoundTripsOrIsRejectedWithPaths() {
    int parsed = 0;
    int rejected = 0;
    int resources = 0;
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    for (Path file : SharedFiles.manifests()) {
      String name = SharedFiles.root().relativize(file).toString();
      String text = SharedFiles.read(file);
      List<Resource> result;
      try {
        result = Manifests.parse(text);
      } catch (ManifestException e) {
        rejected++;
        assertThat(e.problems()).as(name).isNotEmpty();
        for (Problem p : e.problems()) {
          assertThat(p.message()).as(name).isNotBlank();
          boolean located =
              !p.path().isEmpty()
                  || p.message().contains("line ")
                  || p.message().startsWith("missing required field");
          assertThat(located).as("%s: problem without a location: %s", name, p).isTrue();
        }
        boolean expected = EXPECTED_REJECTIONS.keySet().stream().anyMatch(name::endsWith);
        if (!expected) {
          failures.add(name + " was rejected: " + e.getMessage());
        }
        continue;
      }
      parsed++;
      for (Resource r : result) {
        resources++;
        kinds.merge(r.kind(), 1, Integer::sum);
        String yaml = Manifests.toYaml(r);
        List<Resource> again = Manifests.parse(yaml);
        if (!again.equals(List.of(r))) {
          failures.add(
              name
                  + ": "
                  + r.kind()
                  + " "
                  + r.name()
                  + " does not round-trip through YAML:\n"
                  + yaml);
        }
        List<Resource> fromJson = Manifests.parse(Manifests.toJson(r));
        if (!fromJson.equals(List.of(r))) {
          failures.add(
              name + ": " + r.kind() + " " + r.name() + " does not round-trip through JSON");
        }
      }
    }
    System.out.printf(
        "conformance corpus: %d files parsed (%d resources), %d rejected with path-named problems%n"
            + "kinds: %s%n",
        parsed, resources, rejected, kinds);
    if (!failures.isEmpty()) {
      fail(String.join("\n\n", failures));
    }
    assertThat(kinds)
        .containsKeys("Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun");
  }
}
