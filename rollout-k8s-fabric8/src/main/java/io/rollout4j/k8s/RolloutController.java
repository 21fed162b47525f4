package io.rollout4j.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.rollout4j.action.RolloutActions;
import io.rollout4j.action.RolloutChange;
import io.rollout4j.analysis.providers.MetricProviders;
import io.rollout4j.engine.RolloutEngine;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.WorkloadRef;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.MetricsPort;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the engine against a cluster: informers feed a work queue of rollout keys; workers reconcile
 * one key at a time (never the same rollout twice at once), requeue when the engine asks to be
 * woken, back off exponentially after errors, and the informers' resync looks at every rollout
 * again periodically. Optional leader election on a Lease, namespace scoping and Argo's instance-id
 * sharding let several controllers share a fleet.
 *
 * <pre>{@code
 * RolloutController controller = RolloutController.builder(client)
 *     .mesh(IstioMeshPort::create)
 *     .build()
 *     .start();
 * }</pre>
 */
public final class RolloutController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

  /** Argo's label assigning a rollout to the controller started with that instance id. */
  public static final String INSTANCE_ID_LABEL = "argo-rollouts.argoproj.io/controller-instance-id";

  /** Counts since start. */
  public record Stats(long reconciles, long errors, int queued) {}

  private final Fabric8ClusterPort cluster;
  private final RolloutEngine engine;
  private final WorkQueue queue;
  private final Builder settings;
  private final AtomicBoolean leading = new AtomicBoolean();

  /** Signalled when leadership or stopping changes, so idle workers wait instead of polling. */
  private final Object leadership = new Object();

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final List<Thread> workers = new ArrayList<>();
  private @Nullable CompletableFuture<?> election;

  private final KubernetesClient client;
  private final MeshPort mesh;

  private RolloutController(Builder builder) {
    this.settings = builder;
    this.client = budgeted(builder);
    Fabric8ClusterPort.Builder port =
        Fabric8ClusterPort.builder(client).clock(builder.clock).resync(builder.resync);
    if (builder.namespaces != null) {
      port.namespaces(builder.namespaces);
    }
    this.cluster = port.build();
    this.mesh = builder.mesh().apply(client);
    this.engine = new RolloutEngine(cluster, mesh, builder.metrics, builder.clock);
    this.queue = new WorkQueue(builder.clock, builder.baseBackoff, builder.maxBackoff);
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /**
   * A client on the same configuration whose every request (watches aside) is counted for the
   * observer and waits for the request budget.
   */
  private static KubernetesClient budgeted(Builder builder) {
    RequestBudget.PerClient budget = new RequestBudget.PerClient(builder.qps, builder.burst);
    ControllerObserver observer = builder.observer;
    return new KubernetesClientBuilder()
        .withConfig(builder.client.getConfiguration())
        .withHttpClientBuilderConsumer(
            http ->
                http.addOrReplaceInterceptor(
                    "rollout4j-budget",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder request, HttpRequest http, Interceptor.RequestTags tags) {
                        if (String.valueOf(http.uri().getQuery()).contains("watch=true")) {
                          return;
                        }
                        String path = String.valueOf(http.uri().getPath());
                        budget.forPath(path).acquire();
                        observer.request(http.method(), path);
                      }
                    }))
        .build();
  }

  /** The controller's settings; every setter checks its argument. */
  public static final class Builder {
    private final KubernetesClient client;
    private java.util.function.@Nullable Function<KubernetesClient, MeshPort> mesh;
    private ControllerObserver observer = ControllerObserver.NONE;
    private double qps = 40;
    private int burst = 80;
    private MetricsPort metrics = MetricProviders.builder().discover().build();
    private Clock clock = Clock.systemUTC();
    private @Nullable Set<String> namespaces;
    private @Nullable String instanceId;
    private int workers = 4;
    private Duration resync = Duration.ofMinutes(10);
    private Duration baseBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private @Nullable String leaseNamespace;
    private String leaseName = "rollout4j-controller";
    private String identity = defaultIdentity();
    private Duration leaseDuration = Duration.ofSeconds(15);
    private Duration renewDeadline = Duration.ofSeconds(10);
    private Duration retryPeriod = Duration.ofSeconds(2);

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * How traffic is shifted, built on the controller's client so that its requests share the
     * request budget and are counted, e.g. {@code .mesh(IstioMeshPort::create)}. This or {@link
     * #mesh(MeshPort)} is required.
     */
    public Builder mesh(Function<KubernetesClient, MeshPort> mesh) {
      this.mesh = Objects.requireNonNull(mesh, "mesh");
      return this;
    }

    /** A mesh port built elsewhere (its requests are outside the controller's budget). */
    public Builder mesh(MeshPort mesh) {
      Objects.requireNonNull(mesh, "mesh");
      this.mesh = client -> mesh;
      return this;
    }

    /** Where reconciles, API requests and phases are reported; nothing by default. */
    public Builder observer(ControllerObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * The API request budget: {@code qps} requests a second on average, bursts of {@code burst}
     * (defaults 40 and 80, Argo's), for each of the three clients Argo's controller has:
     * Kubernetes' own API groups, argoproj.io, and other custom resources (Istio's). Watches are
     * not counted.
     */
    public Builder requestBudget(double qps, int burst) {
      if (!(qps > 0) || burst < 1) {
        throw new IllegalArgumentException(
            "requestBudget: expected qps > 0 and burst >= 1 but was " + qps + ", " + burst);
      }
      this.qps = qps;
      this.burst = burst;
      return this;
    }

    /** Metric providers; by default every provider on the class path (ServiceLoader). */
    public Builder metrics(MetricsPort metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Only rollouts in these namespaces; all namespaces by default. */
    public Builder namespaces(Set<String> namespaces) {
      this.namespaces = Fabric8ClusterPort.Builder.checkedNamespaces(namespaces);
      return this;
    }

    /**
     * Only rollouts labelled {@value #INSTANCE_ID_LABEL} with this id (Argo's {@code
     * --instance-id}); without it, only rollouts without the label.
     */
    public Builder instanceId(String instanceId) {
      if (instanceId.isBlank()) {
        throw new IllegalArgumentException("instanceId: expected a non-blank id");
      }
      this.instanceId = instanceId;
      return this;
    }

    /** Rollouts reconciled in parallel (each rollout by one worker at a time); default 4. */
    public Builder workers(int workers) {
      if (workers < 1 || workers > 256) {
        throw new IllegalArgumentException("workers: expected 1..256 but was " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** How often every rollout is looked at again even without a change; default 10 min. */
    public Builder resync(Duration resync) {
      this.resync = Fabric8ClusterPort.Builder.checkedResync(resync);
      return this;
    }

    /** Backoff after a failed reconcile: doubles from {@code base} up to {@code max}. */
    public Builder backoff(Duration base, Duration max) {
      if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
        throw new IllegalArgumentException(
            "backoff: expected 0 < base <= max but was " + base + ", " + max);
      }
      this.baseBackoff = base;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Reconciles only while holding the Lease {@code namespace/name}, as this process: the Pod's
     * name in a cluster ({@code POD_NAME}), else host name and process id.
     */
    public Builder leaderElection(String namespace, String name) {
      return leaderElection(namespace, name, defaultIdentity());
    }

    /**
     * Reconciles only while holding the Lease {@code namespace/name}; several controllers with the
     * same lease give one active and hot standbys.
     */
    public Builder leaderElection(String namespace, String name, String identity) {
      if (namespace.isBlank() || name.isBlank() || identity.isBlank()) {
        throw new IllegalArgumentException(
            "leaderElection: expected a namespace, a lease name and an identity");
      }
      this.leaseNamespace = namespace;
      this.leaseName = name;
      this.identity = identity;
      return this;
    }

    /** Lease timings (defaults 15 s, 10 s, 2 s, as Kubernetes' own controllers). */
    public Builder leaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retry) {
      if (!(retry.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)
          || retry.isNegative()
          || retry.isZero()) {
        throw new IllegalArgumentException(
            "leaseTimings: expected 0 < retry < renewDeadline < leaseDuration");
      }
      this.leaseDuration = leaseDuration;
      this.renewDeadline = renewDeadline;
      this.retryPeriod = retry;
      return this;
    }

    private Function<KubernetesClient, MeshPort> mesh() {
      Function<KubernetesClient, MeshPort> configured = mesh;
      if (configured == null) {
        throw new IllegalStateException("mesh: required, e.g. .mesh(IstioMeshPort::create)");
      }
      return configured;
    }

    public RolloutController build() {
      mesh();
      return new RolloutController(this);
    }

    private static String defaultIdentity() {
      String pod = System.getenv("POD_NAME");
      if (pod != null && !pod.isBlank()) {
        return pod;
      }
      String host = System.getenv("HOSTNAME");
      return (host == null || host.isBlank() ? "rollout4j" : host)
          + "-"
          + ProcessHandle.current().pid();
    }
  }

  /**
   * fabric8 reports a server it cannot reach as "An error has occurred": say which server, from
   * which kubeconfig, why, and how to point the controller elsewhere.
   */
  static IllegalStateException unreachable(KubernetesClient client, RuntimeException e) {
    Config config = client.getConfiguration();
    // The most telling cause: a network or TLS failure where there is one (refused, unknown host,
    // certificate), else the innermost.
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      root = t;
      String type = t.getClass().getName();
      if (type.startsWith("java.net.") || type.startsWith("javax.net.ssl.")) {
        break;
      }
    }
    File file = config.getFile();
    String source =
        file != null
            ? "kubeconfig " + file.getAbsolutePath()
            : System.getenv("KUBERNETES_SERVICE_HOST") != null
                ? "the in-cluster service account"
                : "no kubeconfig (none at $KUBECONFIG or ~/.kube/config)";
    String context =
        config.getCurrentContext() == null
            ? ""
            : ", context " + config.getCurrentContext().getName();
    return new IllegalStateException(
        "cannot reach the Kubernetes API server at "
            + config.getMasterUrl()
            + " ("
            + source
            + context
            + "): "
            + root.getClass().getSimpleName()
            + (root.getMessage() == null ? "" : ": " + root.getMessage())
            + ". Point the controller at another cluster with a kubeconfig file (the KUBECONFIG"
            + " environment variable, --kubeconfig FILE in the examples) or a KubernetesClient"
            + " built for it.",
        e);
  }

  /**
   * Starts informers, leader election (if configured) and the worker threads; returns once the
   * informers have their first lists.
   */
  public RolloutController start() {
    startWithoutWorkers();
    for (int i = 0; i < settings.workers; i++) {
      Thread worker = new Thread(this::work, "rollout4j-worker-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    return this;
  }

  /**
   * Starts informers and leader election but no threads: the caller drives reconciles with {@link
   * #runDue}, as tests with a manual clock do.
   */
  public RolloutController startWithoutWorkers() {
    cluster.onRolloutEvent(queue::add);
    // A route put back by a GitOps sync mid-canary is repaired now, not at the next resync.
    mesh.onChange(queue::add);
    try {
      cluster.start();
    } catch (RuntimeException e) {
      throw unreachable(settings.client, e);
    }
    String leaseNamespace = settings.leaseNamespace;
    if (leaseNamespace == null) {
      setLeading(true);
    } else {
      election =
          settings
              .client
              .leaderElector()
              .withConfig(
                  new LeaderElectionConfigBuilder()
                      .withName(settings.leaseName)
                      .withLock(
                          new LeaseLock(leaseNamespace, settings.leaseName, settings.identity))
                      .withLeaseDuration(settings.leaseDuration)
                      .withRenewDeadline(settings.renewDeadline)
                      .withRetryPeriod(settings.retryPeriod)
                      .withReleaseOnCancel(true)
                      .withLeaderCallbacks(
                          new LeaderCallbacks(
                              () -> {
                                LOG.info("{} leads; reconciling", settings.identity);
                                setLeading(true);
                              },
                              () -> {
                                LOG.info("{} lost the lease; reconciles stop", settings.identity);
                                setLeading(false);
                              },
                              leader -> LOG.debug("leader is {}", leader)))
                      .build())
              .build()
              .start();
    }
    return this;
  }

  /** Whether this controller may reconcile now (it holds the lease, or runs without election). */
  public boolean isLeading() {
    return leading.get();
  }

  /** Reconciles every rollout that is due at the clock's instant; returns how many. */
  public int runDue() {
    return runDue(Integer.MAX_VALUE);
  }

  /** As {@link #runDue()}, at most {@code limit} reconciles. */
  public int runDue(int limit) {
    int done = 0;
    while (done < limit && leading.get() && !stopping.get()) {
      String key = queue.poll();
      if (key == null) {
        break;
      }
      process(key);
      done++;
    }
    return done;
  }

  /** When the next queued rollout is due, if any. */
  public Optional<Instant> nextDue() {
    return Optional.ofNullable(queue.nextDue());
  }

  /** Queues a rollout ({@code namespace/name}) for a reconcile now. */
  public void enqueue(String key) {
    queue.add(key);
  }

  public Stats stats() {
    return new Stats(reconciles.get(), errors.get(), queue.size());
  }

  private void work() {
    while (!stopping.get()) {
      try {
        synchronized (leadership) {
          while (!leading.get() && !stopping.get()) {
            leadership.wait();
          }
        }
        if (stopping.get()) {
          return;
        }
        String key = queue.take(Duration.ofSeconds(1));
        if (key != null) {
          process(key);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void setLeading(boolean leads) {
    synchronized (leadership) {
      leading.set(leads);
      leadership.notifyAll();
    }
  }

  private void process(String key) {
    boolean run = key.startsWith(InformerCache.RUN_KEY);
    String path = run ? key.substring(InformerCache.RUN_KEY.length()) : key;
    int slash = path.indexOf('/');
    String namespace = path.substring(0, slash);
    String name = path.substring(slash + 1);
    MDC.put("rollout", key);
    try {
      Optional<Resource> object =
          cluster.get(run ? AnalysisRun.KIND : Rollout.KIND, namespace, name);
      if (!inShard(object)) {
        queue.forget(key);
        return;
      }
      long started = System.nanoTime();
      RolloutEngine.Result result;
      if (run) {
        result = engine.reconcileAnalysisRun(namespace, name);
      } else if (object.isPresent() && object.get() instanceof Rollout rollout) {
        result = engine.reconcile(rollout); // the rollout just read: the engine need not read it
      } else {
        result = engine.reconcile(namespace, name);
      }
      reconciles.incrementAndGet();
      settings.observer.reconciled(
          key, Duration.ofNanos(System.nanoTime() - started), result.failed());
      if (!run) {
        settings.observer.phase(key, result.phase());
      }
      if (result.failed()) {
        errors.incrementAndGet();
        Duration delay = queue.addRateLimited(key);
        LOG.warn("reconcile failed, retrying in {}: {}", delay, String.valueOf(result.error()));
      } else {
        queue.forget(key);
        if (result.writes() > 0) {
          // The engine moves one safe step per reconcile; look again at once rather than wait
          // for the watch to report our own write.
          queue.add(key);
        }
        result.requeue().ifPresent(after -> queue.addAfter(key, after));
      }
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      Duration delay = queue.addRateLimited(key);
      LOG.warn("reconcile threw, retrying in {}", delay, e);
    } finally {
      queue.done(key);
      MDC.remove("rollout");
    }
  }

  private boolean inShard(Optional<Resource> object) {
    if (object.isEmpty()) {
      return true; // the engine handles a deleted rollout
    }
    String label = object.get().metadata().labels().get(INSTANCE_ID_LABEL);
    return Objects.equals(label, settings.instanceId);
  }

  /**
   * Stops taking work, lets an in-flight reconcile finish (up to 30 s), releases the lease and
   * stops the informers.
   */
  @Override
  public void close() {
    synchronized (leadership) {
      stopping.set(true);
      leadership.notifyAll();
    }
    queue.shutDown();
    for (Thread worker : workers) {
      try {
        worker.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    CompletableFuture<?> running = election;
    if (running != null) {
      running.cancel(true);
    }
    setLeading(false);
    cluster.close();
    if (mesh instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing the mesh port failed", e);
      }
    }
    client.close();
  }

  // ---------------------------------------------------------------- user actions

  /**
   * {@code kubectl argo rollouts promote}: ends a pause, or moves a canary to its next step ({@link
   * RolloutActions#promote}). Like every action here: the change is computed once from the rollout
   * as read, written as the plugin writes it (status through {@code /status}, then the object),
   * each write re-applied to a fresh read after a conflict, and the rollout is queued for a
   * reconcile. Any instance may act, leader or not, as kubectl may.
   *
   * @return the change made, with the line the plugin prints
   * @throws IllegalArgumentException when there is no such rollout
   * @throws io.rollout4j.port.PortException when the API server refuses or cannot be reached
   */
  public RolloutChange promote(String namespace, String name) {
    return act(namespace, name, RolloutActions::promote);
  }

  /** {@code kubectl argo rollouts promote --full} ({@link RolloutActions#promoteFull}). */
  public RolloutChange promoteFull(String namespace, String name) {
    return act(namespace, name, RolloutActions::promoteFull);
  }

  /** {@code kubectl argo rollouts abort} ({@link RolloutActions#abort}). */
  public RolloutChange abort(String namespace, String name) {
    return act(namespace, name, RolloutActions::abort);
  }

  /** {@code kubectl argo rollouts retry rollout} ({@link RolloutActions#retry}). */
  public RolloutChange retry(String namespace, String name) {
    return act(namespace, name, RolloutActions::retry);
  }

  /** {@code kubectl argo rollouts pause} ({@link RolloutActions#pause}). */
  public RolloutChange pause(String namespace, String name) {
    return act(namespace, name, RolloutActions::pause);
  }

  /** Argo CD's resume action ({@link RolloutActions#resume}). */
  public RolloutChange resume(String namespace, String name) {
    return act(namespace, name, RolloutActions::resume);
  }

  /** {@code kubectl argo rollouts restart}: restartAt = this controller's clock, now. */
  public RolloutChange restart(String namespace, String name) {
    return act(namespace, name, r -> RolloutActions.restart(r, settings.clock.instant()));
  }

  /**
   * {@code kubectl argo rollouts undo [--to-revision N]} ({@link RolloutActions#undo}): revision 0
   * is the one before the newest.
   */
  public RolloutChange undo(String namespace, String name, int toRevision) {
    return act(
        namespace,
        name,
        r -> {
          List<GenericResource> sets = new ArrayList<>();
          for (Resource rs : cluster.listOwnedBy("ReplicaSet", namespace, name)) {
            if (rs instanceof GenericResource g) {
              sets.add(g);
            }
          }
          return RolloutActions.undo(r, sets, toRevision);
        });
  }

  private static final int ACTION_ATTEMPTS = 5;

  private RolloutChange act(
      String namespace, String name, Function<Rollout, RolloutChange> action) {
    RolloutChange change = action.apply(rollout(namespace, name, false));
    if (!change.statusPatch().isEmpty()) {
      retryingConflicts(
          () -> Rollout.KIND + " " + namespace + "/" + name,
          fresh -> cluster.updateStatus(change.withStatusPatch(rollout(namespace, name, fresh))));
    }
    if (!change.specPatch().isEmpty() || (change.template() != null && !change.intoWorkload())) {
      retryingConflicts(
          () -> Rollout.KIND + " " + namespace + "/" + name,
          fresh -> cluster.update(change.withSpecPatch(rollout(namespace, name, fresh))));
    }
    WorkloadRef ref = rollout(namespace, name, false).spec().workloadRef();
    String kind = ref == null ? null : ref.kind();
    String target = ref == null ? null : ref.name();
    if (change.intoWorkload() && kind != null && target != null) {
      retryingConflicts(
          () -> kind + " " + namespace + "/" + target,
          fresh -> {
            Resource workload =
                (fresh
                        ? cluster.getFresh(kind, namespace, target)
                        : cluster.get(kind, namespace, target))
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "no " + kind + " " + namespace + "/" + target));
            cluster.update(change.withTemplate((GenericResource) workload));
          });
    }
    enqueue(namespace + "/" + name);
    LOG.info("{}/{}: {}", namespace, name, change.summary());
    return change;
  }

  private Rollout rollout(String namespace, String name, boolean fresh) {
    Optional<Resource> found =
        fresh
            ? cluster.getFresh(Rollout.KIND, namespace, name)
            : cluster.get(Rollout.KIND, namespace, name);
    return (Rollout)
        found.orElseThrow(
            () -> new IllegalArgumentException("no rollout " + namespace + "/" + name));
  }

  /** A write retried on a fresh read while someone else's write wins the race. */
  private static void retryingConflicts(Supplier<String> what, Consumer<Boolean> write) {
    ConflictException last = null;
    for (int attempt = 0; attempt < ACTION_ATTEMPTS; attempt++) {
      try {
        write.accept(attempt > 0);
        return;
      } catch (ConflictException e) {
        last = e;
        LOG.debug("{} changed since it was read; reading it again", what.get());
      }
    }
    throw Objects.requireNonNull(last);
  }

  /**
   * The port this controller reads and writes through (its informer cache): what a ReplicaSet
   * simulator or a tool in the same process should use, so that it sees the controller's writes at
   * once and the controller sees its writes at once.
   */
  public Fabric8ClusterPort cluster() {
    return cluster;
  }
}
