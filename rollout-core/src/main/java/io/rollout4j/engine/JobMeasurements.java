package io.rollout4j.engine;

import io.rollout4j.analysis.AnalysisRuns;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.Resource;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.ConflictException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Argo's {@code job} provider: a measurement is a Kubernetes Job made from the metric's {@code
 * provider.job} (its metadata and spec, arguments already substituted), owned by the AnalysisRun
 * and labelled with its UID, named {@code <run uid>.<metric>.<n>} within 63 characters. The
 * measurement stays Running (with {@code job-name} and {@code job-namespace} metadata) until the
 * Job's {@code Complete} condition makes it Successful or {@code Failed} makes it Failed. A
 * terminating run deletes a running Job and records the measurement Successful with {@code Metric
 * Terminated}, as Argo does; Jobs beyond a metric's measurement retention are deleted, oldest
 * first. Every cluster failure is an Error measurement, never a failed reconcile.
 */
final class JobMeasurements {
  static final String KIND = "Job";
  static final String RUN_UID_LABEL = "analysisrun.argoproj.io/uid";
  static final String RUN_NAME_ANNOTATION = "analysisrun.argoproj.io/name";
  static final String RUN_NAMESPACE_ANNOTATION = "analysisrun.argoproj.io/namespace";
  static final String METRIC_ANNOTATION = "analysisrun.argoproj.io/metric-name";
  static final String JOB_NAME = "job-name";
  static final String JOB_NAMESPACE = "job-namespace";
  private static final int NAME_LIMIT = 63;

  private final ClusterPort cluster;

  JobMeasurements(ClusterPort cluster) {
    this.cluster = cluster;
  }

  static boolean isJob(Metric metric) {
    return metric.provider() instanceof MetricProvider.Job;
  }

  /** Creates the Job of a new measurement; Running with the Job's name, or an Error. */
  AnalysisRuns.Taken start(AnalysisRun run, Metric metric) {
    MetricProvider.Job job = (MetricProvider.Job) metric.provider();
    String namespace = String.valueOf(run.namespace());
    String uid = run.metadata().uid() == null ? String.valueOf(run.name()) : run.metadata().uid();
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (job.metadata() != null) {
      labels.putAll(job.metadata().labels());
      annotations.putAll(job.metadata().annotations());
    }
    labels.put(RUN_UID_LABEL, uid);
    annotations.put(RUN_NAME_ANNOTATION, String.valueOf(run.name()));
    annotations.put(RUN_NAMESPACE_ANNOTATION, namespace);
    annotations.put(METRIC_ANNOTATION, metric.name());
    String name = name(uid, metric.name(), sequence(run, metric.name()));
    ObjectMeta metadata =
        ObjectMeta.owned(
            name,
            namespace,
            labels,
            annotations,
            List.of(
                new OwnerReference(
                    Resource.ARGO_API_VERSION,
                    AnalysisRun.KIND,
                    String.valueOf(run.name()),
                    uid,
                    true,
                    true)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("spec", job.spec());
    Resource created;
    try {
      created = cluster.create(new GenericResource("batch/v1", KIND, metadata, body));
    } catch (ConflictException e) {
      // Created by an earlier pass whose status write was lost: adopt it if it is this run's.
      Optional<Resource> existing = read(namespace, name);
      if (existing.isEmpty()
          || !uid.equals(existing.get().metadata().labels().get(RUN_UID_LABEL))) {
        return error(
            metric,
            false,
            Map.of(),
            "job create " + namespace + "/" + name + ": " + e.getMessage());
      }
      created = existing.get();
    } catch (RuntimeException e) {
      return error(
          metric, false, Map.of(), "job create " + namespace + "/" + name + ": " + e.getMessage());
    }
    return new AnalysisRuns.Taken(
        metric.name(),
        AnalysisPhase.RUNNING,
        null,
        null,
        Map.of(
            JOB_NAME,
            String.valueOf(created.metadata().name()),
            JOB_NAMESPACE,
            String.valueOf(created.metadata().namespace())),
        false);
  }

  /** The in-flight measurement after reading its Job: still Running, or finished. */
  AnalysisRuns.Taken resume(
      AnalysisRun run, Metric metric, AnalysisRunStatus.@Nullable Measurement last) {
    Map<String, String> metadata = last == null ? Map.of() : last.metadata();
    String name = metadata.get(JOB_NAME);
    if (name == null || name.isEmpty()) {
      return error(metric, true, metadata, "job metadata reference missing");
    }
    String namespace = metadata.getOrDefault(JOB_NAMESPACE, String.valueOf(run.namespace()));
    Optional<Resource> job;
    try {
      job = read(namespace, name);
    } catch (RuntimeException e) {
      return error(metric, true, metadata, "job " + namespace + "/" + name + ": " + e.getMessage());
    }
    if (job.isEmpty()) {
      return error(metric, true, metadata, "job.batch \"" + name + "\" not found");
    }
    AnalysisPhase phase = AnalysisPhase.RUNNING;
    if (job.get() instanceof GenericResource g
        && g.path("status", "conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> condition && "True".equals(condition.get("status"))) {
          if ("Complete".equals(condition.get("type"))) {
            phase = AnalysisPhase.SUCCESSFUL;
          } else if ("Failed".equals(condition.get("type"))) {
            phase = AnalysisPhase.FAILED;
          }
        }
      }
    }
    return new AnalysisRuns.Taken(metric.name(), phase, null, null, metadata, true);
  }

  /** Deletes the in-flight measurement's Job; the measurement ends Successful, as in Argo. */
  AnalysisRuns.Taken terminate(
      AnalysisRun run, Metric metric, AnalysisRunStatus.@Nullable Measurement last) {
    Map<String, String> metadata = last == null ? Map.of() : last.metadata();
    String name = metadata.get(JOB_NAME);
    if (name == null || name.isEmpty()) {
      return error(metric, true, metadata, "job metadata reference missing");
    }
    String namespace = metadata.getOrDefault(JOB_NAMESPACE, String.valueOf(run.namespace()));
    try {
      cluster.delete(KIND, namespace, name);
    } catch (RuntimeException e) {
      return error(
          metric, true, metadata, "job delete " + namespace + "/" + name + ": " + e.getMessage());
    }
    return new AnalysisRuns.Taken(
        metric.name(), AnalysisPhase.SUCCESSFUL, "Metric Terminated", null, metadata, true);
  }

  /**
   * Deletes the run's Jobs of each Job metric beyond {@code keep(metric)}, oldest first; a failure
   * is left for the next time a Job is started.
   */
  void collectGarbage(AnalysisRun run, java.util.function.ToIntFunction<String> keep) {
    String uid = run.metadata().uid() == null ? String.valueOf(run.name()) : run.metadata().uid();
    Map<String, List<Resource>> byMetric = new LinkedHashMap<>();
    List<Resource> jobs;
    try {
      jobs = cluster.list(KIND, String.valueOf(run.namespace()));
    } catch (RuntimeException e) {
      return;
    }
    for (Resource job : jobs) {
      if (uid.equals(job.metadata().labels().get(RUN_UID_LABEL))) {
        byMetric
            .computeIfAbsent(
                String.valueOf(job.metadata().annotations().get(METRIC_ANNOTATION)),
                m -> new ArrayList<>())
            .add(job);
      }
    }
    byMetric.forEach(
        (metric, list) -> {
          int limit = keep.applyAsInt(metric);
          if (list.size() <= limit) {
            return;
          }
          list.sort(
              Comparator.comparing((Resource r) -> String.valueOf(r.metadata().creationTimestamp()))
                  .thenComparing(r -> sequenceOf(String.valueOf(r.metadata().name()))));
          for (Resource old : list.subList(0, list.size() - limit)) {
            try {
              cluster.delete(
                  KIND,
                  String.valueOf(old.metadata().namespace()),
                  String.valueOf(old.metadata().name()));
            } catch (RuntimeException e) {
              return;
            }
          }
        });
  }

  private Optional<Resource> read(String namespace, String name) {
    return cluster.get(KIND, namespace, name);
  }

  private static AnalysisRuns.Taken error(
      Metric metric, boolean resumed, Map<String, String> metadata, String message) {
    return new AnalysisRuns.Taken(
        metric.name(), AnalysisPhase.ERROR, message, null, metadata, resumed);
  }

  /** Argo's job id: every measurement the metric ever took, plus one. */
  private static int sequence(AnalysisRun run, String metric) {
    AnalysisRunStatus.MetricResult r = AnalysisRuns.result(run, metric);
    return r == null
        ? 1
        : (r.count() == null ? 0 : r.count()) + (r.error() == null ? 0 : r.error()) + 1;
  }

  private static long sequenceOf(String jobName) {
    int dot = jobName.lastIndexOf('.');
    try {
      return Long.parseLong(jobName.substring(dot + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** {@code uid.metric.n}, the metric's name cut so that the whole fits a 63-character label. */
  static String name(String uid, String metric, int sequence) {
    String name = uid + "." + metric + "." + sequence;
    if (name.length() <= NAME_LIMIT) {
      return name;
    }
    int over = name.length() - NAME_LIMIT;
    return uid + "." + metric.substring(0, Math.max(0, metric.length() - over)) + "." + sequence;
  }
}
