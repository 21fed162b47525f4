package io.rollout4j.engine;

import io.rollout4j.analysis.AnalysisRuns;
import io.rollout4j.analysis.Assessments;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.manifest.Problem;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.WorkloadRef;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.MeasuredValue;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.MetricsPort;
import io.rollout4j.port.PortException;
import io.rollout4j.port.TrafficSplit;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one reconcile of one rollout: reads the ports, asks {@link Reconciler#decide}, and applies
 * the actions in a safe order. New and growing ReplicaSets first, then traffic (which the
 * reconciler only points at ReplicaSets with available pods), then shrinking ReplicaSets (so
 * traffic has left them), then the workload, and the status last. The first port failure stops the
 * reconcile: nothing after it is written, and because every piece of state lives in the cluster the
 * next reconcile, in this process or another, picks up from what was written.
 */
public final class RolloutEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

  private final ClusterPort cluster;
  private final MeshPort mesh;
  private final MetricsPort metrics;
  private final JobMeasurements jobs;
  private final Clock clock;

  public RolloutEngine(ClusterPort cluster, MeshPort mesh, MetricsPort metrics, Clock clock) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.mesh = Objects.requireNonNull(mesh, "mesh");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.jobs = new JobMeasurements(this.cluster);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** An engine without metric providers: every measurement is an Error saying so. */
  public RolloutEngine(ClusterPort cluster, MeshPort mesh, Clock clock) {
    this(
        cluster,
        mesh,
        request -> {
          throw new io.rollout4j.port.UnavailableException(
              "no metric provider configured for '" + request.providerType() + "'");
        },
        clock);
  }

  /** The outcome of one reconcile. */
  public record Result(
      boolean found, int writes, @Nullable Duration requeueAfter, @Nullable PortException error) {
    public Optional<Duration> requeue() {
      return Optional.ofNullable(requeueAfter);
    }

    public boolean failed() {
      return error != null;
    }
  }

  public Result reconcile(String namespace, String name) {
    Optional<Resource> found;
    try {
      found = cluster.get(Rollout.KIND, namespace, name);
    } catch (RuntimeException e) {
      LOG.warn("rollout {}/{}: cannot read it: {}", namespace, name, e.getMessage());
      return new Result(true, 0, null, asPortException(e));
    }
    if (found.isEmpty() || !(found.get() instanceof Rollout rollout)) {
      return new Result(false, 0, null, null);
    }
    Decision decision;
    java.time.Instant nextMeasurement;
    int runWrites;
    try {
      RunProgress progress = advanceRuns(rollout);
      nextMeasurement = progress.next();
      runWrites = progress.writes();
      decision = Reconciler.decide(rollout, observe(rollout), clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("rollout {}/{}: cannot observe: {}", namespace, name, e.getMessage());
      return report(rollout, new Result(true, 0, null, asPortException(e)));
    }
    Result result = apply(rollout, decision);
    if (result.failed()) {
      return report(rollout, new Result(true, result.writes() + runWrites, null, result.error()));
    }
    Duration requeue = result.requeueAfter();
    if (nextMeasurement != null) {
      Duration untilMeasurement = until(nextMeasurement);
      requeue =
          requeue == null || untilMeasurement.compareTo(requeue) < 0 ? untilMeasurement : requeue;
    }
    return new Result(true, result.writes() + runWrites, requeue, result.error());
  }

  /** A port exception as is; anything else (a bug, a client library's own error) wrapped. */
  private static PortException asPortException(RuntimeException e) {
    if (e instanceof PortException port) {
      return port;
    }
    return new PortException(
        "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
  }

  /**
   * A reconcile that failed leaves the rollout with a {@code ReconcileError} condition and a
   * Warning Event saying why, so a user (and Argo CD) sees why it does not move; both are written
   * once per distinct reason, and the condition goes with the next reconcile that succeeds. The
   * caller retries with backoff. When the status itself cannot be written the next attempt tries
   * again: nothing the reconcile learnt is lost, since all of it is still in the cluster.
   */
  private Result report(Rollout rollout, Result failed) {
    PortException error = java.util.Objects.requireNonNull(failed.error());
    String reason = StatusRules.reconcileErrorReason(error);
    String message = String.valueOf(error.getMessage());
    RolloutStatus stored = Reconciler.statusOf(rollout);
    RolloutStatus.Condition current = StatusRules.find(stored.conditions(), RECONCILE_ERROR);
    if (current != null && message.equals(current.message()) && reason.equals(current.reason())) {
      return failed;
    }
    int writes = failed.writes();
    try {
      cluster.recordEvent(rollout, "Warning", RECONCILE_ERROR, reason + ": " + message);
    } catch (RuntimeException e) {
      LOG.debug("rollout {}: event not recorded: {}", rollout.name(), e.getMessage());
    }
    try {
      RolloutStatus reported =
          stored.toBuilder()
              .conditions(
                  StatusRules.set(
                      stored.conditions(),
                      RECONCILE_ERROR,
                      "True",
                      reason,
                      message,
                      clock.instant()))
              .build();
      cluster.updateStatus(rollout.withStatus(reported));
      writes++;
    } catch (RuntimeException e) {
      LOG.debug("rollout {}: error status not written: {}", rollout.name(), e.getMessage());
    }
    return new Result(true, writes, null, error);
  }

  /** The condition type a failed reconcile leaves on the rollout (not one of Argo's). */
  public static final String RECONCILE_ERROR = "ReconcileError";

  private record RunProgress(int writes, java.time.@Nullable Instant next) {}

  /** How often a running Job measurement is looked at. */
  static final java.time.Duration JOB_POLL = java.time.Duration.ofSeconds(5);

  private static AnalysisRunStatus.@Nullable Measurement lastMeasurement(
      AnalysisRun run, String metric) {
    AnalysisRunStatus.MetricResult result = AnalysisRuns.result(run, metric);
    return result == null || result.measurements().isEmpty()
        ? null
        : result.measurements().get(result.measurements().size() - 1);
  }

  /** The time from now until {@code at}, zero when it has passed. */
  private Duration until(java.time.Instant at) {
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Takes the measurements that are due for the rollout's unfinished AnalysisRuns and records them;
   * a run whose spec cannot be evaluated ends in Error with the reason.
   */
  private RunProgress advanceRuns(Rollout rollout) {
    java.time.Instant next = null;
    int writes = 0;
    for (Resource r :
        cluster.listOwnedBy(
            AnalysisRun.KIND,
            String.valueOf(rollout.namespace()),
            String.valueOf(rollout.name()))) {
      if (!(r instanceof AnalysisRun run) || !ownedBy(run.metadata(), rollout)) {
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
  private RunProgress advanceRun(AnalysisRun run) {
    java.time.Instant now = clock.instant();
    if (run.status() != null
        && run.status().phase() != null
        && run.status().phase().isCompleted()) {
      java.time.Instant expiry = AnalysisRuns.expiry(run);
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
    java.time.Instant next = null;
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
      for (io.rollout4j.model.Argument arg : run.spec().args()) {
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
        java.time.Instant poll = now.plus(JOB_POLL);
        next = next == null || poll.isBefore(next) ? poll : next;
      }
      java.time.Instant expiry = AnalysisRuns.expiry(updated);
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
              new io.rollout4j.model.AnalysisRunStatus(
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

  /**
   * Reconciles an AnalysisRun that no Rollout owns (one a user or a pipeline created, as Argo's
   * analysis controller runs them): measures it until it finishes, then deletes it when its {@code
   * ttlStrategy} says. A run a Rollout owns is left to that Rollout's reconcile.
   */
  public Result reconcileAnalysisRun(String namespace, String name) {
    Optional<Resource> found;
    try {
      found = cluster.get(AnalysisRun.KIND, namespace, name);
    } catch (RuntimeException e) {
      return new Result(true, 0, null, asPortException(e));
    }
    if (found.isEmpty() || !(found.get() instanceof AnalysisRun run)) {
      return new Result(false, 0, null, null);
    }
    if (run.metadata().ownerReferences().stream().anyMatch(o -> o.kind().equals(Rollout.KIND))) {
      return new Result(true, 0, null, null);
    }
    try {
      RunProgress progress = advanceRun(run);
      Duration requeue = progress.next() == null ? null : until(progress.next());
      return new Result(true, progress.writes(), requeue, null);
    } catch (RuntimeException e) {
      LOG.warn("analysis run {}/{}: {}", namespace, name, e.getMessage());
      return new Result(true, 0, null, asPortException(e));
    }
  }

  /** Arguments read from Secrets, only at measurement time and never written to the run. */
  private Map<String, String> secretArgs(AnalysisRun run) {
    Map<String, String> values = new LinkedHashMap<>();
    for (io.rollout4j.model.Argument arg : run.spec().args()) {
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
              new String(
                  java.util.Base64.getDecoder().decode(encoded.strip()),
                  java.nio.charset.StandardCharsets.UTF_8));
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

  private AnalysisRuns.Taken measure(
      Metric metric, java.time.Instant now, Map<String, String> secrets) {
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

  /**
   * Every reference the rollout makes that does not hold now (its workloadRef target, Services,
   * AnalysisTemplates and their arguments, the mesh objects of its router), each as a problem with
   * the rollout's field and Argo's wording. While the list is not empty the controller sets
   * InvalidSpec with the first one and moves nothing; a linter or an admission check shows them
   * all. Reads through the ports like a reconcile, writes nothing.
   */
  public List<Problem> referenceProblems(Rollout rollout) {
    List<Problem> problems = new ArrayList<>();
    for (String text : References.all(rollout, observe(rollout))) {
      int colon = text.indexOf(": ");
      problems.add(
          colon < 0
              ? Problem.error("", text)
              : Problem.error(text.substring(0, colon), text.substring(colon + 2)));
    }
    return problems;
  }

  /** Everything the reconciler needs, read through the ports. */
  public Observation observe(Rollout rollout) {
    String namespace = String.valueOf(rollout.namespace());
    List<GenericResource> replicaSets = new ArrayList<>();
    for (Resource r :
        cluster.listOwnedBy("ReplicaSet", namespace, String.valueOf(rollout.name()))) {
      if (r instanceof GenericResource rs && ownedBy(rs.metadata(), rollout)) {
        replicaSets.add(rs);
      }
    }
    GenericResource workload = null;
    PodTemplateSpec workloadTemplate = null;
    WorkloadRef ref = rollout.spec().workloadRef();
    if (ref != null && ref.kind() != null && ref.name() != null) {
      Optional<Resource> target = cluster.get(ref.kind(), namespace, ref.name());
      if (target.isPresent() && target.get() instanceof GenericResource g) {
        workload = g;
        workloadTemplate = templateOf(g);
      }
    }
    TrafficSplit traffic = null;
    String trafficProblem = null;
    String unsupportedRouter = null;
    if (rollout.spec().canary() != null && rollout.spec().canary().trafficRouting() != null) {
      unsupportedRouter = unsupportedRouter(rollout.spec().canary().trafficRouting());
      if (unsupportedRouter == null) {
        try {
          traffic = mesh.current(rollout).orElse(null);
        } catch (InvalidReferenceException e) {
          trafficProblem = e.getMessage();
        }
      }
    }
    List<AnalysisRun> runs = new ArrayList<>();
    for (Resource r :
        cluster.listOwnedBy(AnalysisRun.KIND, namespace, String.valueOf(rollout.name()))) {
      if (r instanceof AnalysisRun run && ownedBy(run.metadata(), rollout)) {
        runs.add(run);
      }
    }
    List<GenericResource> pods = new ArrayList<>();
    String restartAt = rollout.spec().restartAt();
    if (restartAt != null
        && (rollout.status() == null || !restartAt.equals(rollout.status().restartedAt()))) {
      java.util.Set<String> owners = new java.util.HashSet<>();
      replicaSets.forEach(rs -> owners.add(String.valueOf(rs.metadata().name())));
      for (Resource r : cluster.list("Pod", namespace)) {
        if (r instanceof GenericResource pod
            && pod.metadata().ownerReferences().stream().anyMatch(o -> owners.contains(o.name()))) {
          pods.add(pod);
        }
      }
    }
    Map<String, AnalysisTemplateSpec> templates = new LinkedHashMap<>();
    Map<String, AnalysisTemplateSpec> clusterTemplates = new LinkedHashMap<>();
    if (usesAnalysis(rollout)) {
      for (Resource r : cluster.list(AnalysisTemplate.KIND, namespace)) {
        if (r instanceof AnalysisTemplate t) {
          templates.put(String.valueOf(t.name()), t.spec());
        }
      }
      for (Resource r : cluster.list(ClusterAnalysisTemplate.KIND, "")) {
        if (r instanceof ClusterAnalysisTemplate t) {
          clusterTemplates.put(String.valueOf(t.name()), t.spec());
        }
      }
    }
    Map<String, GenericResource> services = new LinkedHashMap<>();
    List<@Nullable String> serviceNames = new ArrayList<>();
    var blueGreen = rollout.spec().blueGreen();
    if (blueGreen != null) {
      serviceNames.add(blueGreen.activeService());
      serviceNames.add(blueGreen.previewService());
    }
    var canaryStrategy = rollout.spec().canary();
    if (canaryStrategy != null) {
      serviceNames.add(canaryStrategy.canaryService());
      serviceNames.add(canaryStrategy.stableService());
      if (canaryStrategy.pingPong() != null) {
        serviceNames.add(canaryStrategy.pingPong().pingService());
        serviceNames.add(canaryStrategy.pingPong().pongService());
      }
    }
    for (String name : serviceNames) {
      if (name != null && !name.isEmpty()) {
        cluster
            .get("Service", namespace, name)
            .filter(GenericResource.class::isInstance)
            .map(GenericResource.class::cast)
            .ifPresent(service -> services.put(name, service));
      }
    }
    return new Observation(
        replicaSets,
        workloadTemplate,
        workload,
        traffic,
        runs,
        pods,
        templates,
        clusterTemplates,
        services,
        trafficProblem,
        unsupportedRouter);
  }

  /** Why no configured MeshPort can route this rollout, or null when one serves its routers. */
  private @Nullable String unsupportedRouter(io.rollout4j.model.TrafficRouting routing) {
    java.util.Set<String> served = mesh.routers();
    for (String router : routing.routerIds()) {
      if (!served.contains(router)) {
        boolean plugin = routing.plugins() != null && routing.plugins().containsKey(router);
        return "spec.strategy.canary.trafficRouting."
            + (plugin ? "plugins[" + router + "]" : router)
            + ": traffic router '"
            + router
            + "' is not served by this controller (it serves: "
            + String.join(", ", new java.util.TreeSet<>(served))
            + "); nothing is changed until the rollout uses one of those or a MeshPort for '"
            + router
            + "' is configured";
      }
    }
    return null;
  }

  private static boolean usesAnalysis(Rollout rollout) {
    var canary = rollout.spec().canary();
    if (canary != null) {
      return canary.analysis() != null
          || canary.steps().stream()
              .anyMatch(
                  s ->
                      s instanceof io.rollout4j.model.Step.Analysis
                          || (s instanceof io.rollout4j.model.Step.Combined c
                              && c.action(io.rollout4j.model.Step.Analysis.class).isPresent()));
    }
    var blueGreen = rollout.spec().blueGreen();
    return blueGreen != null
        && (blueGreen.prePromotionAnalysis() != null || blueGreen.postPromotionAnalysis() != null);
  }

  private static boolean ownedBy(ObjectMeta metadata, Rollout rollout) {
    for (OwnerReference owner : metadata.ownerReferences()) {
      if (owner.kind().equals(Rollout.KIND) && owner.name().equals(rollout.name())) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable PodTemplateSpec templateOf(GenericResource workload) {
    Object template =
        workload.kind().equals("PodTemplate")
            ? workload.get("template")
            : workload.path("spec", "template");
    if (!(template instanceof Map<?, ?> map)) {
      return null;
    }
    Map<String, String> labels = strings(map.get("metadata"), "labels");
    Map<String, String> annotations = strings(map.get("metadata"), "annotations");
    Object spec = map.get("spec");
    Map<String, Object> podSpec = new LinkedHashMap<>();
    if (spec instanceof Map<?, ?> s) {
      s.forEach((k, v) -> podSpec.put(String.valueOf(k), v));
    }
    return new PodTemplateSpec(ObjectMeta.ofLabels(labels, annotations), podSpec);
  }

  private static Map<String, String> strings(@Nullable Object metadata, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    if (metadata instanceof Map<?, ?> m && m.get(field) instanceof Map<?, ?> values) {
      values.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private Result apply(Rollout rollout, Decision decision) {
    int writes = 0;
    String who = rollout.namespace() + "/" + rollout.name();
    try {
      for (Action action : decision.actions()) {
        if (action instanceof Action.CreateReplicaSet create) {
          cluster.create(create.replicaSet());
          writes++;
        } else if (action instanceof Action.UpdateReplicaSet update
            && update.toReplicas() >= update.fromReplicas()) {
          cluster.update(update.replicaSet());
          writes++;
        }
      }
      for (Action action : decision.actions()) {
        if (action instanceof Action.SetTraffic traffic) {
          mesh.apply(rollout, traffic.split());
          writes++;
        } else if (action instanceof Action.UpdateService service) {
          cluster.update(service.service());
          writes++;
        }
      }
      for (Action action : decision.actions()) {
        if (action instanceof Action.UpdateReplicaSet update
            && update.toReplicas() < update.fromReplicas()) {
          cluster.update(update.replicaSet());
          writes++;
        } else if (action instanceof Action.DeleteReplicaSet delete) {
          cluster.delete("ReplicaSet", delete.namespace(), delete.name());
          writes++;
        } else if (action instanceof Action.UpdateWorkload workload) {
          cluster.update(workload.workload());
          writes++;
        } else if (action instanceof Action.CreateAnalysisRun create) {
          cluster.create(create.run());
          writes++;
        } else if (action instanceof Action.TerminateAnalysisRun terminate) {
          cluster.update(terminate.run());
          writes++;
        } else if (action instanceof Action.DeleteAnalysisRun delete) {
          cluster.delete(AnalysisRun.KIND, delete.namespace(), delete.name());
          writes++;
        } else if (action instanceof Action.EvictPod evict) {
          cluster.evict(evict.namespace(), evict.name());
          writes++;
        }
      }
      for (Action action : decision.actions()) {
        if (action instanceof Action.Event event) {
          try {
            cluster.recordEvent(rollout, event.type(), event.reason(), event.message());
          } catch (PortException e) {
            LOG.debug("rollout {}: event not recorded: {}", who, e.getMessage());
          }
        }
      }
      RolloutStatus next = StatusRules.without(decision.status(), RECONCILE_ERROR);
      if (!next.equals(rollout.status())) {
        cluster.updateStatus(rollout.withStatus(next));
        writes++;
      }
    } catch (RuntimeException e) {
      LOG.warn("rollout {}: reconcile stopped after {} writes: {}", who, writes, e.getMessage());
      return new Result(true, writes, null, asPortException(e));
    }
    return new Result(true, writes, decision.requeueAfter(), null);
  }
}
