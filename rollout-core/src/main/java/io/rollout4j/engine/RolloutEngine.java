package io.rollout4j.engine;

import io.rollout4j.manifest.Problem;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.model.TrafficRouting;
import io.rollout4j.model.WorkloadRef;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.MetricsPort;
import io.rollout4j.port.PortException;
import io.rollout4j.port.TrafficSplit;
import io.rollout4j.port.UnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
  private final AnalysisRunMeasurer measurer;
  private final Applier applier;
  private final Clock clock;

  public RolloutEngine(ClusterPort cluster, MeshPort mesh, MetricsPort metrics, Clock clock) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.mesh = Objects.requireNonNull(mesh, "mesh");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.applier = new Applier(this.cluster, this.mesh);
    this.measurer =
        new AnalysisRunMeasurer(this.cluster, Objects.requireNonNull(metrics, "metrics"), clock);
  }

  /** An engine without metric providers: every measurement is an Error saying so. */
  public RolloutEngine(ClusterPort cluster, MeshPort mesh, Clock clock) {
    this(
        cluster,
        mesh,
        request -> {
          throw new UnavailableException(
              "no metric provider configured for '" + request.providerType() + "'");
        },
        clock);
  }

  /**
   * The outcome of one reconcile: whether the rollout exists, how many writes it made, when it
   * wants to be looked at again, what failed, and the rollout's status afterwards (what was
   * written, or what it had when the reconcile stopped; null when there is no rollout).
   */
  public record Result(
      boolean found,
      int writes,
      @Nullable Duration requeueAfter,
      @Nullable PortException error,
      @Nullable RolloutStatus status) {

    public Result(
        boolean found, int writes, @Nullable Duration requeueAfter, @Nullable PortException error) {
      this(found, writes, requeueAfter, error, null);
    }

    public Optional<Duration> requeue() {
      return Optional.ofNullable(requeueAfter);
    }

    public boolean failed() {
      return error != null;
    }

    /** The rollout's phase after the reconcile, or null when unknown. */
    public @Nullable RolloutPhase phase() {
      return status == null ? null : status.phase();
    }

    Result withWrites(int more) {
      return new Result(found, writes + more, requeueAfter, error, status);
    }
  }

  /** Reads the rollout and reconciles it; a rollout that does not exist is not found. */
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
    return reconcile(rollout);
  }

  /**
   * Reconciles a rollout the caller has just read (from an informer, say), so it is not read again:
   * its AnalysisRuns are measured, its objects observed, the decision applied.
   */
  public Result reconcile(Rollout rollout) {
    Decision decision;
    Instant nextMeasurement;
    int runWrites;
    try {
      AnalysisRunMeasurer.RunProgress progress = measurer.advanceRuns(rollout);
      nextMeasurement = progress.next();
      runWrites = progress.writes();
      decision = Reconciler.decide(rollout, observe(rollout), clock.instant());
    } catch (RuntimeException e) {
      LOG.warn(
          "rollout {}/{}: cannot observe: {}", rollout.namespace(), rollout.name(), e.getMessage());
      return report(rollout, new Result(true, 0, null, asPortException(e), rollout.status()));
    }
    Result result = applier.apply(rollout, decision).withWrites(runWrites);
    if (result.failed()) {
      return report(rollout, result);
    }
    Duration requeue = result.requeueAfter();
    if (nextMeasurement != null) {
      Duration untilMeasurement = until(nextMeasurement);
      requeue =
          requeue == null || untilMeasurement.compareTo(requeue) < 0 ? untilMeasurement : requeue;
    }
    return new Result(true, result.writes(), requeue, null, result.status());
  }

  /** A port exception as is; anything else (a bug, a client library's own error) wrapped. */
  static PortException asPortException(RuntimeException e) {
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
    PortException error = Objects.requireNonNull(failed.error());
    String reason = StatusRules.reconcileErrorReason(error);
    String message = String.valueOf(error.getMessage());
    RolloutStatus stored = Reconciler.statusOf(rollout);
    RolloutStatus.Condition current = StatusRules.find(stored.conditions(), RECONCILE_ERROR);
    if (current != null && message.equals(current.message()) && reason.equals(current.reason())) {
      return failed;
    }
    int writes = failed.writes();
    RolloutStatus after = stored;
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
      after = reported;
    } catch (RuntimeException e) {
      LOG.debug("rollout {}: error status not written: {}", rollout.name(), e.getMessage());
    }
    return new Result(true, writes, null, error, after);
  }

  /** The condition type a failed reconcile leaves on the rollout (not one of Argo's). */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /** The time from now until {@code at}, zero when it has passed. */
  private Duration until(Instant at) {
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
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
      AnalysisRunMeasurer.RunProgress progress = measurer.advanceRun(run);
      Duration requeue = progress.next() == null ? null : until(progress.next());
      return new Result(true, progress.writes(), requeue, null);
    } catch (RuntimeException e) {
      LOG.warn("analysis run {}/{}: {}", namespace, name, e.getMessage());
      return new Result(true, 0, null, asPortException(e));
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
      Set<String> owners = new HashSet<>();
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
  private @Nullable String unsupportedRouter(TrafficRouting routing) {
    Set<String> served = mesh.routers();
    for (String router : routing.routerIds()) {
      if (!served.contains(router)) {
        boolean plugin = routing.plugins() != null && routing.plugins().containsKey(router);
        return "spec.strategy.canary.trafficRouting."
            + (plugin ? "plugins[" + router + "]" : router)
            + ": traffic router '"
            + router
            + "' is not served by this controller (it serves: "
            + String.join(", ", new TreeSet<>(served))
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
                      s instanceof Step.Analysis
                          || (s instanceof Step.Combined c
                              && c.action(Step.Analysis.class).isPresent()));
    }
    var blueGreen = rollout.spec().blueGreen();
    return blueGreen != null
        && (blueGreen.prePromotionAnalysis() != null || blueGreen.postPromotionAnalysis() != null);
  }

  static boolean ownedBy(ObjectMeta metadata, Rollout rollout) {
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
}
