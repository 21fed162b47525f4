package io.rollout4j.skywalking;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.analysis.AnalysisRuns;
import io.rollout4j.analysis.Assessments;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.Resource;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import io.rollout4j.testkit.RolloutHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider against a real SkyWalking OAP 10.1.0 (Maven Central jars, embedded H2, loopback),
 * started once for the class and stopped after it, even when a test fails. Trace segments are
 * back-filled for the 50 minutes before the test started: a fast canary (every call 20–60 ms, Apdex
 * 1.00) and a slow one (half its calls take 3 s, Apdex 0.50). The seed's Rollout and
 * AnalysisTemplate, unchanged but for the OAP address, run through the engine in virtual time set
 * inside that window, so every measurement reads minutes OAP has data for.
 */
class RealOapTest {
  static final String FAST = "canary|reviews|bookinfo|cluster-1|-";
  static final String SLOW = "canary|reviews-slow|bookinfo|cluster-1|-";
  private static final int MINUTES = 50;
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HHmm").withZone(ZoneOffset.UTC);

  static RealOap oap;
  private static final SkyWalkingMetricProvider PROVIDER =
      SkyWalkingMetricProvider.builder().build();

  /**
   * The first minute without back-filled data: the current minute, except in the first {@link
   * #MINUTES} minutes of a UTC day. OAP's H2 storage keeps one table per day and makes them from
   * the day it starts on, so minutes of the day before cannot be stored; the window then starts at
   * midnight and reaches a little into the future, stamped ahead, which OAP accepts.
   */
  static Instant thisMinute;

  @BeforeAll
  static void startOapAndFeedIt() throws IOException {
    oap = RealOap.start();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant earliest = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofMinutes(MINUTES));
    thisMinute = now.isBefore(earliest) ? earliest : now;
    List<Map<String, Object>> segments = new ArrayList<>();
    for (int m = MINUTES; m >= 1; m--) {
      Instant minute = thisMinute.minus(Duration.ofMinutes(m));
      for (int call = 0; call < 4; call++) {
        Instant at = minute.plusSeconds(5 + 12L * call);
        segments.add(RealOap.call(FAST, at, 20 + 10L * call, false));
        segments.add(RealOap.call(SLOW, at, call % 2 == 0 ? 30 : 3000, false));
      }
    }
    oap.segments(segments);
    oap.await("all back-filled minutes persisted", Duration.ofMinutes(2), RealOapTest::persisted);
  }

  @AfterAll
  static void stopOap() {
    if (oap != null) {
      oap.close();
      assertThat(oap.alive()).as("OAP process after close").isFalse();
    }
  }

  private static boolean persisted() {
    for (String service : List.of(FAST, SLOW)) {
      Map<String, Object> body =
          oap.graphql(
              "query q($duration: Duration!) { m: readMetricsValues(condition: {name:"
                  + " \"service_apdex\", entity: {serviceName: \""
                  + service.replace("\"", "\\\"")
                  + "\", normal: true}}, duration: $duration) { values { values { isEmptyValue"
                  + " } } } }",
              Map.of(
                  "duration",
                  Map.of(
                      "start", MINUTE.format(thisMinute.minus(Duration.ofMinutes(MINUTES))),
                      "end", MINUTE.format(thisMinute.minus(Duration.ofMinutes(1))),
                      "step", "MINUTE")));
      if (!body.toString().contains("isEmptyValue=false")
          || body.toString().contains("isEmptyValue=true")) {
        return false;
      }
    }
    return true;
  }

  /** The seed deployed on fake cluster and mesh, measuring through the real OAP. */
  static RolloutHarness seed(String serviceName) {
    RolloutHarness harness =
        RolloutHarness.builder()
            .startingAt(thisMinute.minus(Duration.ofMinutes(MINUTES - 2)))
            .metrics(
                MetricProviders.builder()
                    .register(SkyWalkingMetricProvider.builder().build())
                    .build())
            .build();
    String namespace = "bookinfo";
    harness.apply(
        namespace,
        Shared.read(
            "tse-gitops-demo/variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml"));
    harness.apply(namespace, Shared.read("tse-gitops-demo/argo/tse/conf.yaml"));
    String template = Shared.read("tse-gitops-demo/argo/rollout/analysis.yaml");
    assertThat(template).contains("address: http://oap.istio-system:12800");
    harness.apply(
        namespace, template.replace("http://oap.istio-system:12800", oap.address().toString()));
    harness.apply(
        namespace,
        Shared.read("tse-gitops-demo/argo/rollout/rollout.yaml").replace(FAST, serviceName));
    harness.advance(Duration.ofMinutes(1));
    harness.apply(
        namespace,
        Shared.read(
                "tse-gitops-demo/variants/88fa1a0-reviews-scaled-to-0/application/bookinfo.yaml")
            .replace(
                "docker.io/istio/examples-bookinfo-reviews-v1:1.16.4",
                "docker.io/istio/examples-bookinfo-reviews-v2:1.16.4"));
    return harness;
  }

  private static AnalysisRun onlyRun(RolloutHarness harness) {
    List<Resource> runs = harness.cluster().list("AnalysisRun", "bookinfo");
    assertThat(runs).hasSize(1);
    return (AnalysisRun) runs.get(0);
  }

  /** One measurement of a template's first metric, as the engine takes it. */
  static Assessments.Outcome measure(String templateYaml, String serviceName, Instant now) {
    Metric metric =
        AnalysisRuns.substitute(
            Manifests.parseOne(
                    templateYaml.replace("http://oap.istio-system:12800", oap.address().toString()),
                    AnalysisTemplate.class)
                .spec()
                .metrics()
                .get(0),
            Map.of("service-name", serviceName));
    return measure(metric, now);
  }

  static Assessments.Outcome measure(Metric metric, Instant now) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (Manifests.toTree(metric.provider()) instanceof Map<?, ?> outer
        && outer.get("skywalking") instanceof Map<?, ?> inner) {
      inner.forEach((k, v) -> spec.put(String.valueOf(k), v));
    }
    try {
      Object result = PROVIDER.measure(new MetricRequest(metric.name(), "skywalking", spec, now));
      return Assessments.measurement(metric.successCondition(), metric.failureCondition(), result);
    } catch (UnavailableException e) {
      return new Assessments.Outcome(AnalysisPhase.ERROR, e.getMessage());
    }
  }

  private static Metric metric(SkyWalkingCheck check) {
    return new Metric(
        "check",
        null,
        null,
        null,
        check.successCondition(),
        null,
        null,
        null,
        null,
        null,
        check.provider());
  }

  private static SkyWalkingCheck.Builder typed(String service) {
    return SkyWalkingCheck.service(service).address(oap.address().toString());
  }

  /** 20 s into the first minute OAP has no data for: its point is empty. */
  private static Instant inTheEmptyCurrentMinute() {
    return thisMinute.plusSeconds(20);
  }

  @Test
  void theEmptyCurrentMinuteFailsTheSeedConditionButNotTheOptInTemplate() throws IOException {
    String seed = Shared.read("tse-gitops-demo/argo/rollout/analysis.yaml");
    String optIn =
        Files.readString(Path.of("..", "examples", "skywalking", "apdex-skip-empty-minutes.yaml"));
    Instant now = inTheEmptyCurrentMinute();

    // The pitfall: OAP persists a minute only after its first calls, so for a healthy canary the
    // newest point (the current minute) reads 0.
    assertThat(measure(seed, FAST, now).phase()).isEqualTo(AnalysisPhase.FAILED);
    assertThat(measure(optIn, FAST, now).phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(measure(optIn, SLOW, now).phase()).isEqualTo(AnalysisPhase.FAILED);
    // A canary with no traffic at all still fails with the opt-in template.
    assertThat(measure(optIn, "canary|no-traffic|bookinfo|cluster-1|-", now).phase())
        .isEqualTo(AnalysisPhase.FAILED);
    // Away from the current minute both templates agree.
    Instant past = thisMinute.minus(Duration.ofMinutes(10));
    assertThat(measure(seed, FAST, past).phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(measure(optIn, FAST, past).phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
  }

  @Test
  void typedChecksReadApdexSuccessRateAndResponseTimesThroughMqe() {
    Instant now = inTheEmptyCurrentMinute();

    assertThat(measure(metric(typed(FAST).apdexAtLeast(0.99)), now).phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(measure(metric(typed(SLOW).apdexAtLeast(0.99)), now).phase())
        .isEqualTo(AnalysisPhase.FAILED);
    assertThat(measure(metric(typed(SLOW).apdexAtLeast(0.5)), now).phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(measure(metric(typed(SLOW).successRateAtLeast(99.5)), now).phase())
        .as("slow calls still succeed")
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(
            measure(
                    metric(typed(FAST).responseTimePercentileAtMost(99, Duration.ofMillis(100))),
                    now)
                .phase())
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(
            measure(
                    metric(typed(SLOW).responseTimePercentileAtMost(99, Duration.ofSeconds(1))),
                    now)
                .phase())
        .isEqualTo(AnalysisPhase.FAILED);
    assertThat(
            measure(metric(typed(SLOW).averageResponseTimeAtMost(Duration.ofSeconds(2))), now)
                .phase())
        .as("(30 + 3000 + 30 + 3000) / 4 = 1515 ms")
        .isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(measure(metric(typed("canary|no-traffic|x|y|-").apdexAtLeast(0.5)), now).phase())
        .isEqualTo(AnalysisPhase.FAILED);
  }

  @Test
  void oapsOwnErrorsBecomeErrorMeasurementsWithItsMessages() {
    Instant now = thisMinute.minus(Duration.ofMinutes(10));

    assertThat(measure(metric(typed(FAST).expression("no_such_metric", ">=", 1)), now).message())
        .isEqualTo("mqe: value: Metric: [no_such_metric] does not exist.");
    Metric unknownField =
        new Metric(
            "check",
            null,
            null,
            null,
            "true",
            null,
            null,
            null,
            null,
            null,
            new MetricProvider.SkyWalking(
                oap.address().toString(), "query q($duration: Duration!) { noSuchField }", "3m"));
    assertThat(measure(unknownField, now))
        .satisfies(
            o -> {
              assertThat(o.phase()).isEqualTo(AnalysisPhase.ERROR);
              assertThat(o.message())
                  .startsWith("graphql: Validation error (FieldUndefined@[noSuchField])");
            });
  }

  @Test
  void anArgumentCannotInjectQueryTextIntoTheRealServersQuery() {
    String seed = Shared.read("tse-gitops-demo/argo/rollout/analysis.yaml");
    String attack =
        FAST
            + "\", normal: true } }, duration: $duration) { label values { values { value } } }"
            + " leak: readMetricsValues(condition: { name: \"service_apdex\", entity: {"
            + " serviceName: \""
            + FAST;

    Assessments.Outcome outcome = measure(seed, attack, thisMinute.minus(Duration.ofMinutes(10)));

    // The whole value is one (unknown) service name: zeros, so Failed; no second field.
    assertThat(outcome.phase()).isEqualTo(AnalysisPhase.FAILED);
  }

  @Test
  void theSeedPromotesAFastCanaryMeasuredByTheRealOap() {
    RolloutHarness harness = seed(FAST);

    harness.advance(Duration.ofMinutes(40));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(run.status().metricResults().get(0).measurements())
        .hasSizeBetween(5, 6)
        .allSatisfy(
            m -> {
              assertThat(m.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
              assertThat(m.value()).contains("\"value\":10000");
            });
    RolloutStatus status = harness.rollout("bookinfo", "reviews-rollout").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.HEALTHY);
    assertThat(status.stableRS()).isEqualTo(status.currentPodHash());
  }

  @Test
  void theSeedAbortsASlowCanaryAtTheFourthFailedMeasurement() {
    RolloutHarness harness = seed(SLOW);

    harness.advance(Duration.ofMinutes(40));

    AnalysisRun run = onlyRun(harness);
    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.FAILED);
    assertThat(run.status().metricResults().get(0).measurements())
        .hasSize(4)
        .allSatisfy(
            m -> {
              assertThat(m.phase()).isEqualTo(AnalysisPhase.FAILED);
              assertThat(m.value()).contains("\"value\":5000");
            });
    RolloutStatus status = harness.rollout("bookinfo", "reviews-rollout").status();
    assertThat(status.phase()).isEqualTo(RolloutPhase.DEGRADED);
    assertThat(status.message())
        .endsWith(
            "Background analysis phase error/failed: Metric \"apdex\" assessed Failed due to failed (4)"
                + " > failureLimit (3)");
  }
}
