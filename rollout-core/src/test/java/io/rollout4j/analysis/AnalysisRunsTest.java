package io.rollout4j.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunSpec;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.Argument;
import io.rollout4j.model.DryRun;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.RolloutAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Building runs from templates, scheduling measurements and recording them, in virtual time. */
class AnalysisRunsTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final AnalysisRuns.ArgumentSources SOURCES =
      new AnalysisRuns.ArgumentSources(
          "stable-hash",
          "canary-hash",
          path -> path.equals("metadata.name") ? "reviews-rollout" : null);

  static AnalysisTemplate seedTemplate() throws Exception {
    String root = System.getProperty("rollout4j.shared.dir", "../../shared");
    return Manifests.parseOne(
        Files.readString(Path.of(root, "conformance/tse-gitops-demo/argo/rollout/analysis.yaml")),
        AnalysisTemplate.class);
  }

  static RolloutAnalysis request(Argument... args) {
    return new RolloutAnalysis(List.of(), List.of(args), List.of(), List.of(), null);
  }

  @Test
  void argumentsAreSubstitutedIntoTheProviderQuery() throws Exception {
    AnalysisRunSpec spec =
        AnalysisRuns.spec(
            List.of(seedTemplate().spec()),
            request(Argument.of("service-name", "canary|reviews|bookinfo|cluster-1|-")),
            SOURCES);

    MetricProvider.SkyWalking provider =
        (MetricProvider.SkyWalking) spec.metrics().get(0).provider();
    assertThat(provider.query())
        .contains("serviceName: \"canary|reviews|bookinfo|cluster-1|-\"")
        .doesNotContain("{{");
    assertThat(spec.args())
        .containsExactly(Argument.of("service-name", "canary|reviews|bookinfo|cluster-1|-"));
  }

  @Test
  void missingAndUnknownArgumentsFailAsInArgo() throws Exception {
    assertThatThrownBy(() -> AnalysisRuns.spec(List.of(seedTemplate().spec()), request(), SOURCES))
        .hasMessage("args.service-name was not resolved");
    AnalysisTemplate typo =
        Manifests.parseOne(
            Manifests.toYaml(seedTemplate())
                .replace("{{ args.service-name }}", "{{ args.service }}"),
            AnalysisTemplate.class);
    assertThatThrownBy(
            () ->
                AnalysisRuns.spec(
                    List.of(typo.spec()), request(Argument.of("service-name", "x")), SOURCES))
        .hasMessageContaining(
            "Unable to resolve metric arguments: failed to resolve {{ args.service }}");
  }

  @Test
  void podTemplateHashAndFieldRefArguments() throws Exception {
    AnalysisTemplate template =
        Manifests.parseOne(
            Manifests.toYaml(seedTemplate())
                .replace("{{ args.service-name }}", "{{args.hash}}-{{args.name}}"),
            AnalysisTemplate.class);

    AnalysisRunSpec spec =
        AnalysisRuns.spec(
            List.of(template.spec()),
            request(
                Argument.of("service-name", "x"),
                new Argument("hash", null, new Argument.ValueFrom("Latest", null, null)),
                new Argument(
                    "name",
                    null,
                    new Argument.ValueFrom(null, null, new Argument.FieldRef("metadata.name")))),
            SOURCES);

    assertThat(((MetricProvider.SkyWalking) spec.metrics().get(0).provider()).query())
        .contains("canary-hash-reviews-rollout");
  }

  /** Runs the run in virtual time, asking {@code answer} for each measurement's phase. */
  static AnalysisRun simulate(
      AnalysisRun run,
      Function<Integer, AnalysisPhase> answer,
      Duration total,
      Duration terminateAfter) {
    Instant now = T;
    AnalysisRun current = AnalysisRuns.record(run, List.of(), now);
    int taken = 0;
    Instant end = T.plus(total);
    while (!now.isAfter(end)) {
      if (!now.isBefore(T.plus(terminateAfter))
          && !Boolean.TRUE.equals(current.spec().terminate())) {
        AnalysisRunSpec s = current.spec();
        current =
            new AnalysisRun(
                current.metadata(),
                new AnalysisRunSpec(
                    s.metrics(),
                    s.args(),
                    true,
                    s.dryRun(),
                    s.measurementRetention(),
                    s.ttlStrategy()),
                current.status());
      }
      AnalysisRuns.Plan plan = AnalysisRuns.plan(current, now);
      List<AnalysisRuns.Taken> measurements = new ArrayList<>();
      for (var metric : plan.due()) {
        measurements.add(
            new AnalysisRuns.Taken(metric.name(), answer.apply(++taken), null, "v" + taken));
      }
      current = AnalysisRuns.record(current, measurements, now);
      if (current.status().phase().isCompleted()) {
        break;
      }
      Instant next = AnalysisRuns.plan(current, now).next();
      now =
          next == null
              ? now.plus(Duration.ofSeconds(30))
              : next.isAfter(now) ? next : now.plusSeconds(1);
      if (!now.isBefore(T.plus(terminateAfter))
          && now.isAfter(T.plus(terminateAfter))
          && next != null
          && next.isAfter(T.plus(terminateAfter))) {
        now = T.plus(terminateAfter);
      }
    }
    return current;
  }

  private static AnalysisRun seedRun() throws Exception {
    AnalysisRunSpec spec =
        AnalysisRuns.spec(
            List.of(seedTemplate().spec()),
            request(Argument.of("service-name", "canary|reviews|bookinfo|cluster-1|-")),
            SOURCES);
    return AnalysisRuns.create(ObjectMeta.of("reviews-rollout-abc-2", "bookinfo"), spec);
  }

  @Test
  void theSeedsBackgroundAnalysisSucceedsWhenTerminatedAfterPromotion() throws Exception {
    AnalysisRun run =
        simulate(
            seedRun(),
            n -> AnalysisPhase.SUCCESSFUL,
            Duration.ofMinutes(40),
            Duration.ofMinutes(21));

    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
    assertThat(run.status().metricResults().get(0).measurements()).hasSize(5);
    assertThat(run.status().message()).isEqualTo("Run Terminated");
  }

  @Test
  void theFourthFailedMeasurementFailsTheRunAtFifteenMinutes() throws Exception {
    AnalysisRun run =
        simulate(seedRun(), n -> AnalysisPhase.FAILED, Duration.ofMinutes(40), Duration.ofHours(2));

    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.FAILED);
    assertThat(run.status().message())
        .startsWith("Metric \"apdex\" assessed Failed due to failed (4) > failureLimit (3)");
    assertThat(run.status().metricResults().get(0).measurements()).hasSize(4);
    assertThat(Instant.parse(run.status().completedAt())).isEqualTo(T.plus(Duration.ofMinutes(15)));
  }

  @Test
  void theFifthConsecutiveErrorErrorsTheRunTenSecondsApart() throws Exception {
    AnalysisRun run =
        simulate(seedRun(), n -> AnalysisPhase.ERROR, Duration.ofMinutes(40), Duration.ofHours(2));

    assertThat(run.status().phase()).isEqualTo(AnalysisPhase.ERROR);
    assertThat(run.status().message())
        .startsWith(
            "Metric \"apdex\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)");
    assertThat(Instant.parse(run.status().completedAt())).isEqualTo(T.plus(Duration.ofSeconds(40)));
  }

  @Test
  void retentionKeepsTheNewestTenWhileCountersKeepCounting() throws Exception {
    AnalysisRun run =
        simulate(
            seedRun(),
            n -> AnalysisPhase.SUCCESSFUL,
            Duration.ofMinutes(80),
            Duration.ofMinutes(72));

    var result = run.status().metricResults().get(0);
    assertThat(result.measurements()).hasSize(10);
    assertThat(result.count()).isEqualTo(15);
    assertThat(result.measurements().get(9).value()).isEqualTo("v15");
  }

  @Test
  void dryRunRulesAreUnanchoredRegexesAndALoneStarMeansAll() throws Exception {
    AnalysisRun run = seedRun();
    AnalysisRunSpec s = run.spec();
    AnalysisRun star =
        new AnalysisRun(
            run.metadata(),
            new AnalysisRunSpec(
                s.metrics(), s.args(), null, List.of(new DryRun("*")), List.of(), null),
            null);
    AnalysisRun partial =
        new AnalysisRun(
            run.metadata(),
            new AnalysisRunSpec(
                s.metrics(), s.args(), null, List.of(new DryRun("pde")), List.of(), null),
            null);
    AnalysisRun none =
        new AnalysisRun(
            run.metadata(),
            new AnalysisRunSpec(
                s.metrics(), s.args(), null, List.of(new DryRun("latency")), List.of(), null),
            null);

    assertThat(AnalysisRuns.dryRunMetrics(star)).containsExactly("apdex");
    assertThat(AnalysisRuns.dryRunMetrics(partial)).containsExactly("apdex");
    assertThatThrownBy(() -> AnalysisRuns.dryRunMetrics(none))
        .hasMessage("dryRun[0]: Rule didn't match any metric name(s)");
    AnalysisRun failingDryRun =
        simulate(star, n -> AnalysisPhase.FAILED, Duration.ofMinutes(40), Duration.ofHours(2));
    assertThat(failingDryRun.status().phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
  }
}
