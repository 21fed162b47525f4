package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code Manifests.lint} and {@link AnalysisValidator} say about analysis templates. */
class AnalysisValidatorTest {

  private static String template(String metrics) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: apdex}
        spec:
          args:
          - name: service-name
          metrics:
        """
        + metrics.indent(2);
  }

  private static List<String> lint(String yaml) {
    return Manifests.lint(yaml).stream().map(Problem::toString).toList();
  }

  private static final String GOOD =
      """
      - name: apdex
        interval: 5m
        count: 3
        failureLimit: 1
        successCondition: result >= 9900
        provider:
          web: {url: "http://sw/{{args.service-name}}"}
      """;

  @Test
  void theSeedTemplateAndEveryUpstreamTemplateLintWithoutErrors() {
    assertThat(lint(template(GOOD))).isEmpty();
    int checked = 0;
    for (var file : SharedFiles.manifests()) {
      List<Resource> resources;
      try {
        resources = Manifests.parse(SharedFiles.read(file));
      } catch (ManifestException e) {
        continue;
      }
      for (Resource r : resources) {
        if (r instanceof AnalysisTemplate t) {
          checked++;
          assertThat(AnalysisValidator.validate(t).stream().filter(Problem::isError))
              .as(file + " " + t.name())
              .isEmpty();
        }
      }
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void aLimitThatIsNeitherAnIntegerNorAPlaceholderNamesTheField() {
    assertThat(lint(template(GOOD.replace("failureLimit: 1", "failureLimit: three"))))
        .containsExactly(
            "document 0: spec.metrics[0].failureLimit: expected an integer or a {{args.name}}"
                + " placeholder, found string \"three\"");
    assertThat(lint(template(GOOD.replace("failureLimit: 1", "failureLimit: '{{args.limit}}'"))))
        .containsExactly(
            "document 0: spec.metrics[0]: uses {{args.limit}}, but spec.args declares no argument"
                + " 'limit'");
  }

  @Test
  void aDurationInWordsSaysWhatIsAccepted() {
    assertThat(lint(template(GOOD.replace("interval: 5m", "interval: 5 minutes"))))
        .containsExactly(
            "document 0: spec.metrics[0].interval: invalid interval string: time: invalid duration"
                + " \"5 minutes\"; expected a Go duration such as 30s, 5m or 1h30m (units ns, us,"
                + " ms, s, m, h) or a {{args.name}} placeholder, found \"5 minutes\"");
  }

  @Test
  void aConditionThatDoesNotCompileGivesTheColumn() {
    List<String> problems = lint(template(GOOD.replace("result >= 9900", "result >= >= 9900")));
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .startsWith("document 0: spec.metrics[0].successCondition: does not compile: ")
        .contains("column 11");
  }

  @Test
  void argoRangeRulesUseArgoMessages() {
    assertThat(lint(template(GOOD.replace("count: 3", "count: 3\n  inconclusiveLimit: 4"))))
        .containsExactly("document 0: spec.metrics[0].count: count must be >= inconclusiveLimit");
    assertThat(lint(template(GOOD.replace("  interval: 5m\n", ""))))
        .containsExactly(
            "document 0: spec.metrics[0].interval: interval must be specified when count > 1");
    assertThat(lint(template(GOOD.replace("failureLimit: 1", "failureLimit: -2"))))
        .containsExactly(
            "document 0: spec.metrics[0].failureLimit: failureLimit must be >= 0, or -1 to be"
                + " disabled");
    assertThat(lint(template(GOOD + GOOD)))
        .containsExactly("document 0: spec.metrics[1].name: duplicate name 'apdex'");
  }

  @Test
  void argumentsDeclaredButUnusedAreWarnings() {
    String yaml =
        template(GOOD)
            .replace("  - name: service-name\n", "  - name: service-name\n  - name: spare\n");
    assertThat(lint(yaml))
        .containsExactly(
            "warning: document 0: spec.args[1]: argument 'spare' is declared but no metric uses it");
  }

  @Test
  void dryRunRulesMustCompileAndMatchAMetric() {
    String yaml =
        template(GOOD)
            .replace(
                "  metrics:\n",
                "  dryRun: [{metricName: latency}, {metricName: '('}]\n  metrics:\n");
    assertThat(lint(yaml))
        .containsExactly(
            "document 0: spec.dryRun[0].metricName: dryRun[0]: Rule didn't match any metric name(s)",
            "document 0: spec.dryRun[1].metricName: expected a regular expression over metric"
                + " names, found \"(\": Unclosed group");
  }

  @Test
  void providersRollout4jDoesNotMeasureAreWarnedAboutWithWhatIsSupported() {
    assertThat(
            lint(
                template(
                    """
                    - name: errors
                      successCondition: result < 0.01
                      provider:
                        datadog: {query: "sum:errors{service:{{args.service-name}}}"}
                    """)))
        .containsExactly(
            "warning: document 0: spec.metrics[0].provider.datadog: provider datadog is not"
                + " supported by Rollout4j: its measurements will be Errors unless the embedding"
                + " application registers one (supported: job, prometheus, skywalking, web)");
  }

  @Test
  void prometheusRangeQueriesAndTimeoutsAreCheckedBeforeTheyRun() {
    List<String> problems =
        lint(
            template(
                """
                - name: rate
                  successCondition: all(result, {# >= 0.95})
                  provider:
                    prometheus:
                      address: http://prometheus:9090
                      query: sum(rate(x[5m]))
                      timeout: -1
                      rangeQuery: {start: "now() -", end: "now()", step: 1 minute}
                """));

    assertThat(problems)
        .anyMatch(p -> p.contains("spec.metrics[0].provider.prometheus.timeout"))
        .anyMatch(
            p ->
                p.contains("spec.metrics[0].provider.prometheus.rangeQuery.start")
                    && p.contains("failed to parse rangeQuery.start as time"))
        .anyMatch(p -> p.contains("spec.metrics[0].provider.prometheus.rangeQuery.step"))
        .noneMatch(p -> p.contains("rangeQuery.end"));
    assertThat(lint(read(EXAMPLE))).as("examples/prometheus").isEmpty();
  }

  private static final Path EXAMPLE =
      Path.of("..", "examples", "prometheus", "bookinfo-success-rate.yaml");

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
