package io.rollout4j.testkit;

import static io.rollout4j.testkit.Seed.NAMESPACE;
import static io.rollout4j.testkit.Seed.ROLLOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.analysis.Assessments;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.analysis.providers.PrometheusMetricProvider;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.MeasuredValue;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus provider against a real Prometheus 2.x (Debian's package, loopback only), started
 * once for the class. Its TSDB holds the 60 minutes before the test of Istio's {@code
 * istio_requests_total} for two canaries, back-filled with promtool: a good one (every request 200)
 * and a bad one (one request in five a 500). The Bookinfo Rollout with the Prometheus template of
 * {@code examples/prometheus} runs through the engine in virtual time inside that hour, so every
 * measurement is a real query on real data. A live exporter, scraped every second, shows the scrape
 * path too.
 */
class RealPrometheusTest {
  private static final String GOOD = "reviews-good.bookinfo.svc.cluster.local";
  private static final String BAD = "reviews-bad.bookinfo.svc.cluster.local";
  private static final int MINUTES = 60;

  @TempDir static Path dir;
  static RealPrometheus prometheus;
  static Instant thisMinute;
  static volatile String live = "0.25";
  private static final PrometheusMetricProvider PROVIDER = new PrometheusMetricProvider();

  @BeforeAll
  static void start() throws IOException, InterruptedException {
    thisMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    StringBuilder history = new StringBuilder();
    series(history, GOOD, "200", 10);
    series(history, GOOD, "500", 0);
    series(history, BAD, "200", 8);
    series(history, BAD, "500", 2);
    history.append("# EOF\n");
    prometheus =
        RealPrometheus.start(
            dir, history.toString(), () -> "canary_success_ratio{service=\"live\"} " + live + "\n");
  }

  /** A counter growing by {@code perSecond} every 15 s over the hour before this minute. */
  private static void series(StringBuilder out, String service, String code, int perSecond) {
    Instant from = thisMinute.minus(Duration.ofMinutes(MINUTES));
    long total = 0;
    for (Instant at = from; at.isBefore(thisMinute); at = at.plusSeconds(15)) {
      out.append("istio_requests_total{reporter=\"source\",destination_service=\"")
          .append(service)
          .append("\",response_code=\"")
          .append(code)
          .append("\"} ")
          .append(total)
          .append(' ')
          .append(at.getEpochSecond())
          .append('\n');
      total += 15L * perSecond;
    }
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
      assertThat(prometheus.alive()).as("prometheus after close").isFalse();
    }
  }

  private static String template() throws IOException {
    return Files.readString(Path.of("..", "examples", "prometheus", "bookinfo-success-rate.yaml"))
        .replace("http://prometheus.istio-system:9090", prometheus.address().toString());
  }

  /** Bookinfo with the Prometheus template, the canary measured as {@code service}. */
  private static RolloutHarness bookinfo(String service) throws IOException {
    RolloutHarness harness =
        RolloutHarness.builder()
            .startingAt(thisMinute.minus(Duration.ofMinutes(MINUTES - 10)))
            .metrics(MetricProviders.builder().register(PROVIDER).build())
            .build();
    harness.apply(NAMESPACE, Seed.bookinfo());
    harness.apply(NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(NAMESPACE, template());
    String rollout = Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml");
    assertThat(rollout).contains("templateName: apdex");
    harness.apply(
        NAMESPACE,
        rollout
            .replace("templateName: apdex", "templateName: success-rate")
            .replace("canary|reviews|bookinfo|cluster-1|-", service));
    harness.advance(Duration.ofMinutes(1));
    Seed.pushV2(harness);
    return harness;
  }

  private static AnalysisRun onlyRun(RolloutHarness harness) {
    List<Resource> runs = harness.cluster().list("AnalysisRun", NAMESPACE);
    assertThat(runs).hasSize(1);
    return (AnalysisRun) runs.get(0);
  }

  @Test
  void aHealthyCanaryPromotesOnRealQueryResults() throws IOException {
    RolloutHarness harness = bookinfo(GOOD);

    harness.advance(Duration.ofMinutes(40));

    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    AnalysisRunStatus.MetricResult result = run.status().metricResults().get(0);
    assertThat(result.measurements())
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m.value()).isEqualTo("[1]"));
    assertThat(result.metadata().get("ResolvedPrometheusQuery"))
        .contains("destination_service=~\"" + GOOD + "\"");
  }

  @Test
  void aBadCanaryAbortsAtTheFourthFailedMeasurement() throws IOException {
    RolloutHarness harness = bookinfo(BAD);

    harness.advance(Duration.ofMinutes(40));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.FAILED);
    AnalysisRunStatus.MetricResult result = run.status().metricResults().get(0);
    assertThat(result.measurements())
        .hasSize(4)
        .allSatisfy(m -> assertThat(m.value()).isEqualTo("[0.8]"));
    RolloutStatus status = harness.rollout(NAMESPACE, ROLLOUT).status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message())
        .contains("Metric \"success-rate\" assessed Failed due to failed (4) > failureLimit (3)");
  }

  private static MeasuredValue measure(Map<String, Object> spec, Instant at) {
    Map<String, Object> withAddress = new java.util.LinkedHashMap<>(spec);
    withAddress.put("address", prometheus.address().toString());
    return PROVIDER.measure(new MetricRequest("m", "prometheus", withAddress, at));
  }

  private static final String SUCCESS_RATE =
      "sum(irate(istio_requests_total{destination_service=\"%s\",response_code!~\"5.*\"}[5m]))"
          + " / sum(irate(istio_requests_total{destination_service=\"%s\"}[5m]))";

  @Test
  void anEmptyResultIsAnErrorMeasurementAsInArgo() {
    MeasuredValue empty =
        measure(
            Map.of("query", SUCCESS_RATE.formatted("no-traffic", "no-traffic")),
            thisMinute.minus(Duration.ofMinutes(20)));

    assertThat((double[]) empty.result()).isEmpty();
    Assessments.Outcome outcome =
        Assessments.measurement("result[0] >= 0.95", null, empty.result());
    assertThat(outcome.phase()).isEqualTo(AnalysisPhase.ERROR);
    assertThat(outcome.message()).contains("index out of range");
  }

  @Test
  void aQueryErrorIsAnErrorMeasurementWithPrometheusText() {
    assertThatThrownBy(() -> measure(Map.of("query", "sum(rate(x[5m])"), thisMinute))
        .isInstanceOf(UnavailableException.class)
        .hasMessageStartingWith("bad_data: ")
        .hasMessageContaining("unclosed left parenthesis");
  }

  @Test
  void scalarsRangeQueriesAndNanAreWhatTheConditionsSee() {
    Instant at = thisMinute.minus(Duration.ofMinutes(20));
    MeasuredValue scalar =
        measure(Map.of("query", "scalar(" + SUCCESS_RATE.formatted(BAD, BAD) + ")"), at);
    assertThat(scalar.result()).isEqualTo(0.8);
    assertThat(scalar.value()).isEqualTo("0.8");

    MeasuredValue nan = measure(Map.of("query", "scalar(vector(0) / vector(0))"), at);
    assertThat((Double) nan.result()).isNaN();
    assertThat(nan.value()).isEqualTo("NaN");
    assertThat(Assessments.measurement("isNaN(result)", null, nan.result()).phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);

    MeasuredValue range =
        measure(
            Map.of(
                "query",
                SUCCESS_RATE.formatted(GOOD, GOOD),
                "rangeQuery",
                Map.of("start", "now() - duration('10m')", "end", "now()", "step", "1m")),
            at);
    assertThat((double[]) range.result()).hasSize(11).containsOnly(1.0);
    assertThat(Assessments.measurement("all(result, {# == 1})", null, range.result()).phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void liveScrapesAreQueriedAtTheMeasurementTime() {
    live = "0.5";
    prometheus.await(
        "the exporter's 0.5 scraped",
        Duration.ofSeconds(30),
        () ->
            "[0.5]"
                .equals(
                    measure(
                            Map.of("query", "canary_success_ratio{service=\"live\"}"),
                            Instant.now())
                        .value()));
    live = "0.99";
    prometheus.await(
        "the exporter's 0.99 scraped",
        Duration.ofSeconds(30),
        () ->
            "[0.99]"
                .equals(
                    measure(
                            Map.of("query", "canary_success_ratio{service=\"live\"}"),
                            Instant.now())
                        .value()));
  }
}
