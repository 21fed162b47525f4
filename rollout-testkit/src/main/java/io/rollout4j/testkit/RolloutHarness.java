package io.rollout4j.testkit;

import io.rollout4j.action.RolloutActions;
import io.rollout4j.action.RolloutChange;
import io.rollout4j.engine.RolloutEngine;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.MetricsPort;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs the engine on fake ports in virtual time. {@link #apply} stores manifests as GitOps would;
 * {@link #reconcile} looks at every rollout (and every AnalysisRun no rollout owns, as Argo's
 * analysis controller runs them) once; {@link #advance} moves the clock, reconciling whenever a
 * rollout asked to be woken or a pod became ready, so a 30-minute canary runs in milliseconds. User
 * actions have {@code kubectl argo rollouts} semantics.
 */
public final class RolloutHarness {
  private static final int MAX_PASSES_PER_INSTANT = 100;
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

  private final ManualClock clock;
  private final FakeCluster cluster;
  private final FakeMesh mesh;
  private final MeshPort meshPort;
  private final FakeMetrics metrics;
  private final MetricsPort metricsPort;
  private RolloutEngine engine;
  private final Map<String, Instant> wakeUps = new HashMap<>();
  private final List<Consumer<RolloutHarness>> observers = new ArrayList<>();
  private int reconciles;

  private RolloutHarness(Builder builder) {
    this.clock = new ManualClock(builder.start);
    this.cluster = new FakeCluster(clock);
    this.mesh = new FakeMesh(clock);
    this.meshPort = builder.mesh == null ? mesh : builder.mesh;
    this.metrics = new FakeMetrics();
    this.metricsPort = builder.metrics == null ? metrics : builder.metrics;
    this.engine = new RolloutEngine(cluster, meshPort, metricsPort, clock);
  }

  /** A harness at 2026-01-01T00:00:00Z with an empty cluster, mesh and metrics. */
  public static RolloutHarness create() {
    return builder().build();
  }

  /**
   * A harness whose engine moves traffic through {@code mesh} (an adapter under test, such as the
   * Istio port on a mock API server) instead of the fake mesh; cluster, metrics and time are fake.
   */
  public static RolloutHarness withMesh(MeshPort mesh) {
    return builder().mesh(mesh).build();
  }

  /** A harness with some real ports or another start instant; everything not set is fake. */
  public static Builder builder() {
    return new Builder();
  }

  /** Which ports are real and when virtual time starts. */
  public static final class Builder {
    private Instant start = ManualClock.startingAtEpochOfTests().instant();
    private @Nullable MeshPort mesh;
    private @Nullable MetricsPort metrics;

    private Builder() {}

    /** The instant the virtual clock starts at (default 2026-01-01T00:00:00Z). */
    public Builder startingAt(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** Traffic goes through this adapter instead of {@link FakeMesh}. */
    public Builder mesh(MeshPort mesh) {
      this.mesh = Objects.requireNonNull(mesh, "mesh");
      return this;
    }

    /**
     * Measurements are taken by this port (a real provider, such as SkyWalking against a real OAP)
     * instead of {@link FakeMetrics}; each is taken at the virtual clock's instant.
     */
    public Builder metrics(MetricsPort metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public RolloutHarness build() {
      return new RolloutHarness(this);
    }
  }

  public ManualClock clock() {
    return clock;
  }

  public FakeCluster cluster() {
    return cluster;
  }

  /**
   * The fake mesh.
   *
   * @throws IllegalStateException when the harness was made {@link #withMesh} a real adapter
   */
  public FakeMesh mesh() {
    if (meshPort != mesh) {
      throw new IllegalStateException("this harness routes through " + meshPort + ", not FakeMesh");
    }
    return mesh;
  }

  /**
   * The fake metrics.
   *
   * @throws IllegalStateException when the harness was built with a real {@link MetricsPort}
   */
  public FakeMetrics metrics() {
    if (metricsPort != metrics) {
      throw new IllegalStateException(
          "this harness measures through " + metricsPort + ", not FakeMetrics");
    }
    return metrics;
  }

  /** How many reconciles the engine ran so far. */
  public int reconciles() {
    return reconciles;
  }

  /** Stores every object of a manifest (namespace "default" where none is given). */
  public RolloutHarness apply(String yaml) {
    return apply("default", yaml);
  }

  /** Stores every object of a manifest, in {@code namespace} where the object names none. */
  public RolloutHarness apply(String namespace, String yaml) {
    for (Resource resource : Manifests.parse(yaml)) {
      Resource placed =
          resource.namespace() == null && !(resource instanceof ClusterAnalysisTemplate)
              ? FakeCluster.withMetadata(resource, resource.metadata().withNamespace(namespace))
              : resource;
      withoutFaults(() -> cluster.apply(placed));
    }
    return this;
  }

  /** The rollout as stored, with its Argo-compatible status. */
  public Rollout rollout(String namespace, String name) {
    return (Rollout)
        cluster
            .get(Rollout.KIND, namespace, name)
            .orElseThrow(
                () -> new IllegalArgumentException("no rollout " + namespace + "/" + name));
  }

  /**
   * A handle on one rollout, for tests that act on and assert about it without repeating its
   * namespace and name ({@link RolloutAssert#assertThat(RolloutHandle)}).
   */
  public RolloutHandle handle(String namespace, String name) {
    return new RolloutHandle(this, namespace, name);
  }

  /** Every rollout reconciled once, in name order; no time passes. */
  public RolloutHarness reconcile() {
    pass();
    return this;
  }

  /**
   * Moves virtual time forward by {@code duration}, reconciling at every instant something is due
   * (a rollout's requested wake-up, a pod becoming ready) until nothing more changes.
   */
  public RolloutHarness advance(Duration duration) {
    Instant target = clock.instant().plus(duration);
    settle();
    while (true) {
      Instant next = nextEvent();
      if (next == null || next.isAfter(target)) {
        break;
      }
      clock.set(next);
      settle();
    }
    clock.set(target);
    settle();
    return this;
  }

  /**
   * Calls {@code check} after every reconcile pass, at every virtual instant: the place to assert
   * invariants that must hold at all times, not only at the end.
   */
  public RolloutHarness afterEveryPass(Consumer<RolloutHarness> check) {
    observers.add(check);
    return this;
  }

  /** A new engine with no memory, as after a process restart; the cluster is untouched. */
  public RolloutHarness restartEngine() {
    engine = new RolloutEngine(cluster, meshPort, metricsPort, clock);
    wakeUps.clear();
    return this;
  }

  // ---------------------------------------------------------------- user actions

  /**
   * {@code kubectl argo rollouts promote}: ends a pause, or skips the current step ({@link
   * RolloutActions#promote}).
   */
  public RolloutHarness promote(String namespace, String name) {
    return act(namespace, name, RolloutActions.promote(rollout(namespace, name)));
  }

  /** {@code kubectl argo rollouts promote --full}: skip every remaining step. */
  public RolloutHarness promoteFull(String namespace, String name) {
    return act(namespace, name, RolloutActions.promoteFull(rollout(namespace, name)));
  }

  /** {@code kubectl argo rollouts abort}. */
  public RolloutHarness abort(String namespace, String name) {
    return act(namespace, name, RolloutActions.abort(rollout(namespace, name)));
  }

  /** {@code kubectl argo rollouts retry rollout}. */
  public RolloutHarness retry(String namespace, String name) {
    return act(namespace, name, RolloutActions.retry(rollout(namespace, name)));
  }

  /** {@code kubectl argo rollouts pause}: {@code spec.paused: true}. */
  public RolloutHarness pause(String namespace, String name) {
    return act(namespace, name, RolloutActions.pause(rollout(namespace, name)));
  }

  /** Resumes a manually paused rollout ({@code spec.paused: false}), as Argo CD's action. */
  public RolloutHarness resume(String namespace, String name) {
    return act(namespace, name, RolloutActions.resume(rollout(namespace, name)));
  }

  /**
   * {@code kubectl argo rollouts undo [--to-revision N]}: puts the pod template of revision {@code
   * toRevision} (0 = the previous one) back, into the Rollout or, for {@code workloadRef}, into the
   * referenced Deployment, without the hash label and ephemeral metadata.
   */
  public RolloutHarness undo(String namespace, String name, int toRevision) {
    List<GenericResource> sets = new ArrayList<>();
    for (Resource r : cluster.list("ReplicaSet", namespace)) {
      if (r instanceof GenericResource rs) {
        sets.add(rs);
      }
    }
    return act(namespace, name, RolloutActions.undo(rollout(namespace, name), sets, toRevision));
  }

  /** {@code kubectl argo rollouts restart}: {@code spec.restartAt} = now. */
  public RolloutHarness restart(String namespace, String name) {
    return act(namespace, name, RolloutActions.restart(rollout(namespace, name), clock.instant()));
  }

  /**
   * Writes an action's change as the plugin does (the status patch through {@code /status}, then
   * the object's), each onto the rollout as stored, and lets the engine react.
   */
  private RolloutHarness act(String namespace, String name, RolloutChange change) {
    if (!change.statusPatch().isEmpty()) {
      Rollout current = rollout(namespace, name);
      withoutFaults(() -> cluster.updateStatus(change.withStatusPatch(current)));
    }
    if (!change.specPatch().isEmpty() || (change.template() != null && !change.intoWorkload())) {
      Rollout current = rollout(namespace, name);
      withoutFaults(() -> cluster.update(change.withSpecPatch(current)));
    }
    var ref = rollout(namespace, name).spec().workloadRef();
    if (change.intoWorkload() && ref != null && ref.kind() != null && ref.name() != null) {
      Resource workload =
          cluster
              .get(ref.kind(), namespace, ref.name())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no " + ref.kind() + " " + namespace + "/" + ref.name()));
      withoutFaults(() -> cluster.update(change.withTemplate((GenericResource) workload)));
    }
    return settleAfterAction();
  }

  private RolloutHarness settleAfterAction() {
    settle();
    return this;
  }

  // ---------------------------------------------------------------- loop

  private void settle() {
    for (int i = 0; i < MAX_PASSES_PER_INSTANT; i++) {
      if (!pass()) {
        return;
      }
    }
  }

  /** Keys of AnalysisRuns no Rollout owns, apart from rollout keys. */
  private static final String RUN_KEY = "AnalysisRun:";

  /** One reconcile of every rollout and every AnalysisRun no rollout owns; true on any write. */
  private boolean pass() {
    boolean wrote = false;
    List<String> keys = new ArrayList<>();
    for (String namespace : namespaces()) {
      for (Resource r : cluster.list(Rollout.KIND, namespace)) {
        keys.add(namespace + "/" + r.name());
      }
    }
    keys.sort(null);
    List<String> runKeys = new ArrayList<>();
    for (Resource r : cluster.allOfKind(AnalysisRun.KIND)) {
      if (r.metadata().ownerReferences().stream().noneMatch(o -> o.kind().equals(Rollout.KIND))) {
        runKeys.add(RUN_KEY + r.namespace() + "/" + r.name());
      }
    }
    runKeys.sort(null);
    keys.addAll(runKeys);
    for (String key : keys) {
      boolean run = key.startsWith(RUN_KEY);
      String path = run ? key.substring(RUN_KEY.length()) : key;
      int slash = path.indexOf('/');
      String namespace = path.substring(0, slash);
      String name = path.substring(slash + 1);
      RolloutEngine.Result result =
          cluster
              .faults()
              .duringEngine(
                  () ->
                      mesh.faults()
                          .duringEngine(
                              () ->
                                  run
                                      ? engine.reconcileAnalysisRun(namespace, name)
                                      : engine.reconcile(namespace, name)));
      reconciles++;
      wrote |= result.writes() > 0;
      Optional<Duration> requeue =
          result.failed() ? Optional.of(RETRY_AFTER_FAILURE) : result.requeue();
      if (requeue.isPresent()) {
        wakeUps.put(key, clock.instant().plus(requeue.get()));
      } else {
        wakeUps.remove(key);
      }
    }
    for (Consumer<RolloutHarness> observer : observers) {
      observer.accept(this);
    }
    return wrote;
  }

  private List<String> namespaces() {
    List<String> namespaces = new ArrayList<>();
    for (Resource r : allRollouts()) {
      String ns = String.valueOf(r.namespace());
      if (!namespaces.contains(ns)) {
        namespaces.add(ns);
      }
    }
    return namespaces;
  }

  private List<Resource> allRollouts() {
    return cluster.allOfKind(Rollout.KIND);
  }

  private @Nullable Instant nextEvent() {
    Instant now = clock.instant();
    Instant next = cluster.nextPodReady().orElse(null);
    for (Instant wake : wakeUps.values()) {
      Instant at = wake.isAfter(now) ? wake : now.plusMillis(1);
      if (next == null || at.isBefore(next)) {
        next = at;
      }
    }
    return next;
  }

  /** GitOps and user writes land without injected faults, as kubectl and Argo CD retry them. */
  private void withoutFaults(Runnable write) {
    cluster.faults().suspendDuring(() -> mesh.faults().suspendDuring(write));
  }
}
