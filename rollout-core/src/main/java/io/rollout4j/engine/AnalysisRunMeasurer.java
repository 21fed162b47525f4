package io.rollout4j.engine;

import io.rollout4j.analysis.AnalysisRuns;
import io.rollout4j.analysis.Assessments;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.Argument;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.MeasuredValue;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.MetricsPort;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Takes the measurements AnalysisRuns are due and records them: Argo's analysis controller, run by
 * the engine before it decides so the decision sees the latest phase. The arithmetic (what is due,
 * how a measurement is assessed and recorded) is the pure {@code analysis} package; this class adds
 * what needs the ports: the metric providers, Secrets read at measurement time and redacted from
 * messages, and Job measurements.
 */
final class AnalysisRunMeasurer {
  private final ClusterPort cluster;
  private final MetricsPort metrics;
  private final JobMeasurements jobs;
  private final Clock clock;

  AnalysisRunMeasurer(ClusterPort cluster, MetricsPort metrics, Clock clock) {
    this.cluster = cluster;
    this.metrics = metrics;
    this.jobs = new JobMeasurements(cluster);
    this.clock = clock;
  }

  /** What a pass over runs wrote and when a run next wants to be measured (null: never). */
  record RunProgress(int writes, @Nullable Instant next) {}

  /** How often a running Job measurement is looked at. */
  static final Duration JOB_POLL = Duration.ofSeconds(5);

  private static AnalysisRunStatus.@Nullable Measurement lastMeasurement(
      AnalysisRun run, String metric) {
    AnalysisRunStatus.MetricResult result = AnalysisRuns.result(run, metric);
    return result == null || result.measurements().isEmpty()
        ? null
        : result.measurements().get(result.measurements().size() - 1);
  }

  /**
   * Takes the measurements that are due for the rollout's unfinished AnalysisRuns and records them;
   * a run whose spec cannot be evaluated ends in Error with the reason.
   */
  RunProgress advanceRuns(Rollout rollout) {
    Instant next = null;
    int writes = 0;
    for (Resource r :
        cluster.listOwnedBy(
            AnalysisRun.KIND,
            String.valueOf(rollout.namespace()),
            String.valueOf(rollout.name()))) {
      if (!(r instanceof AnalysisRun run) || !RolloutEngine.ownedBy(run.metadata(), rollout)) {
        continue;
      }
      RunProgress progress = advanceRun(run);
      writes += progress.writes();
      if (progress.next() != null && (next == null || progress.next().isBefore(next))) {
        next = progress.next();
      }
    }
    return new RunProgress(writes, next);
  }

  /**
   * One AnalysisRun's pass: the measurements that are due taken and recorded, in-flight Job
   * measurements resumed or terminated, Jobs beyond retention deleted; a finished run with a {@code
   * ttlStrategy} deleted once its time to live is over. Returns when to look again.
   */
  RunProgress advanceRun(AnalysisRun run) {
    Instant now = clock.instant();
    if (run.status() != null
        && run.status().phase() != null
        && run.status().phase().isCompleted()) {
      Instant expiry = AnalysisRuns.expiry(run);
      if (expiry == null) {
        return new RunProgress(0, null);
      }
      if (!now.isBefore(expiry)) {
        cluster.delete(
            AnalysisRun.KIND, String.valueOf(run.namespace()), String.valueOf(run.name()));
        return new RunProgress(1, null);
      }
      return new RunProgress(0, expiry);
    }
    Instant next = null;
    AnalysisRun updated;
    try {
      AnalysisRuns.Plan plan = AnalysisRuns.plan(run, now);
      List<AnalysisRuns.Taken> taken = new ArrayList<>();
      boolean terminating = AnalysisRuns.terminating(run);
      for (Metric metric : plan.inFlight()) {
        AnalysisRunStatus.Measurement last = lastMeasurement(run, metric.name());
        taken.add(terminating ? jobs.terminate(run, metric, last) : jobs.resume(run, metric, last));
      }
      Map<String, String> secrets = plan.due().isEmpty() ? Map.of() : secretArgs(run);
      // A run made from a Rollout has its plain values in place already; one a user created
      // still has {{args.x}} for them, resolved here as Argo resolves every run's arguments.
      Map<String, String> args = new LinkedHashMap<>();
      for (Argument arg : run.spec().args()) {
        if (arg.value() != null) {
          args.put(arg.name(), arg.value());
        }
      }
      args.putAll(secrets);
      boolean jobStarted = false;
      for (Metric metric : plan.due()) {
        Metric resolved = args.isEmpty() ? metric : AnalysisRuns.substitute(metric, args);
        if (JobMeasurements.isJob(resolved)) {
          taken.add(jobs.start(run, resolved));
          jobStarted = true;
        } else {
          taken.add(measure(resolved, now, secrets));
        }
      }
      updated = AnalysisRuns.record(run, taken, now);
      AnalysisRuns.Plan after = AnalysisRuns.plan(updated, now);
      next = after.next();
      if (!after.inFlight().isEmpty()) {
        // No informer tells the engine that a Job finished: look again soon.
        Instant poll = now.plus(JOB_POLL);
        next = next == null || poll.isBefore(next) ? poll : next;
      }
      Instant expiry = AnalysisRuns.expiry(updated);
      if (expiry != null && (next == null || expiry.isBefore(next))) {
        next = expiry;
      }
      if (jobStarted) {
        // Only a new Job can take a metric past its retention: no LIST on the other passes.
        AnalysisRun current = updated;
        jobs.collectGarbage(current, metric -> AnalysisRuns.retention(current, metric));
      }
    } catch (IllegalArgumentException e) {
      updated =
          new AnalysisRun(
              run.metadata(),
              run.spec(),
              new AnalysisRunStatus(
                  AnalysisPhase.ERROR,
                  "Analysis spec invalid: " + e.getMessage(),
                  List.of(),
                  now.toString(),
                  now.toString(),
                  null,
                  null));
    }
    if (updated.equals(run)) {
      return new RunProgress(0, next);
    }
    cluster.update(updated);
    return new RunProgress(1, next);
  }

  /** Arguments read from Secrets, only at measurement time and never written to the run. */
  private Map<String, String> secretArgs(AnalysisRun run) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Argument arg : run.spec().args()) {
      var from = arg.valueFrom();
      if (arg.value() != null || from == null || from.secretKeyRef() == null) {
        continue;
      }
      var ref = from.secretKeyRef();
      Optional<Resource> secret =
          cluster.get("Secret", String.valueOf(run.namespace()), ref.name());
      Object data =
          secret.isPresent() && secret.get() instanceof GenericResource g
              ? g.path("data", ref.key())
              : null;
      Object plain =
          secret.isPresent() && secret.get() instanceof GenericResource g
              ? g.path("stringData", ref.key())
              : null;
      if (data instanceof String encoded) {
        try {
          values.put(
              arg.name(),
              new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "secret " + ref.name() + " key " + ref.key() + " is not base64");
        }
      } else if (plain instanceof String text) {
        values.put(arg.name(), text);
      } else {
        throw new IllegalArgumentException(
            "secret " + ref.name() + " has no key " + ref.key() + " for args." + arg.name());
      }
    }
    return values;
  }

  private static String redact(String message, Map<String, String> secrets) {
    String out = message;
    for (String secret : secrets.values()) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "*****");
      }
    }
    return out;
  }

  private AnalysisRuns.Taken measure(Metric metric, Instant now, Map<String, String> secrets) {
    MetricProvider provider = metric.provider();
    Map<String, Object> config = new LinkedHashMap<>();
    Object tree = Manifests.toTree(provider);
    if (tree instanceof Map<?, ?> outer && outer.get(provider.type()) instanceof Map<?, ?> inner) {
      inner.forEach((k, v) -> config.put(String.valueOf(k), v));
    }
    try {
      Object answer =
          metrics.measure(new MetricRequest(metric.name(), provider.type(), config, now));
      MeasuredValue measured =
          answer instanceof MeasuredValue m
              ? m
              : new MeasuredValue(answer, AnalysisRuns.valueOf(answer), Map.of());
      Assessments.Outcome outcome =
          Assessments.measurement(
              metric.successCondition(), metric.failureCondition(), measured.result());
      String message = outcome.message() == null ? null : redact(outcome.message(), secrets);
      return new AnalysisRuns.Taken(
          metric.name(), outcome.phase(), message, measured.value(), measured.metadata());
    } catch (RuntimeException e) {
      // A provider that throws makes an Error measurement, never a failed reconcile; a secret
      // the provider echoed back never reaches the run's status.
      return new AnalysisRuns.Taken(
          metric.name(),
          AnalysisPhase.ERROR,
          redact(String.valueOf(e.getMessage()), secrets),
          null);
    }
  }
}
