package io.rollout4j.testkit;

import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.PortException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory cluster: an object store that behaves like the API server where Rollout4j meets it
 * (uids, resource versions, generations, 409 on a stale write, a status subresource), and a pod
 * model that plays the ReplicaSet controller: a ReplicaSet's pods start when it is scaled up and
 * become available after {@link #podReadyAfter(Duration)}; pods of ReplicaSets matched by {@link
 * #podsNeverReady(Predicate)} never do; {@link #capacity(int)} caps the pods that can run.
 * ReplicaSets are returned with their {@code status} filled in from the pods, as {@code kubectl get
 * -o yaml} would show them. Jobs play the Job controller: each runs for {@link #jobs(Duration,
 * java.util.function.Function)}'s time (30 s by default) and then succeeds, fails or never
 * finishes, with the {@code Complete} or {@code Failed} condition Kubernetes sets.
 */
public final class FakeCluster implements ClusterPort {

  /** A Kubernetes Event recorded by the engine. */
  public record Event(
      Instant at, String kind, String name, String type, String reason, String message) {}

  private record Key(String kind, String namespace, String name) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int byKind = kind.compareTo(o.kind);
      if (byKind != 0) {
        return byKind;
      }
      int byNamespace = namespace.compareTo(o.namespace);
      return byNamespace != 0 ? byNamespace : name.compareTo(o.name);
    }
  }

  private record Pod(String name, Instant started, boolean neverReady) {}

  private final Clock clock;
  private final TreeMap<Key, Resource> objects = new TreeMap<>();
  private final Map<Key, GenericResource> lastApplied = new LinkedHashMap<>();
  private final Map<Key, List<Pod>> pods = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final Faults faults = new Faults();
  private long resourceVersion;
  private long podCounter;
  private Duration readyAfter = Duration.ofSeconds(10);
  private Predicate<GenericResource> neverReady = rs -> false;
  private int capacity = Integer.MAX_VALUE;
  private Duration jobRunTime = Duration.ofSeconds(30);
  private Function<GenericResource, JobOutcome> jobOutcome = job -> JobOutcome.SUCCEED;

  /** How a Job the fake cluster runs ends. */
  public enum JobOutcome {
    SUCCEED,
    FAIL,
    NEVER_FINISH
  }

  public FakeCluster(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- pod model

  /** New pods become available this long after they start (10 s by default). */
  public FakeCluster podReadyAfter(Duration duration) {
    this.readyAfter = duration;
    return this;
  }

  /** Pods of ReplicaSets matching the predicate never become ready (a crash-looping image). */
  public FakeCluster podsNeverReady(Predicate<GenericResource> replicaSets) {
    this.neverReady = replicaSets;
    return this;
  }

  /** At most this many pods run in the whole cluster; the rest stay pending. */
  public FakeCluster capacity(int maxPods) {
    this.capacity = maxPods;
    return this;
  }

  /**
   * Jobs run for {@code runTime} after they are created and then end as {@code outcome} says for
   * the Job (its labels, annotations and spec are there to tell them apart).
   */
  public FakeCluster jobs(Duration runTime, Function<GenericResource, JobOutcome> outcome) {
    this.jobRunTime = Objects.requireNonNull(runTime, "runTime");
    this.jobOutcome = Objects.requireNonNull(outcome, "outcome");
    return this;
  }

  /** Fault injection for writes through this port. */
  public Faults faults() {
    return faults;
  }

  /** The next instant at which a pod becomes available, if any pod is still starting. */
  public Optional<Instant> nextPodReady() {
    Instant now = clock.instant();
    Instant next = null;
    for (List<Pod> list : pods.values()) {
      for (Pod pod : list) {
        Instant ready = pod.started().plus(readyAfter);
        if (!pod.neverReady() && ready.isAfter(now) && (next == null || ready.isBefore(next))) {
          next = ready;
        }
      }
    }
    // Keys sort by kind first: the Jobs are one contiguous range, not a walk over every object.
    for (Map.Entry<Key, Resource> e :
        objects.subMap(new Key("Job", "", ""), true, new Key("Job\0", "", ""), false).entrySet()) {
      if (e.getValue() instanceof GenericResource job) {
        Instant done = jobDone(job);
        if (done != null
            && done.isAfter(now)
            && jobOutcome.apply(job) != JobOutcome.NEVER_FINISH
            && (next == null || done.isBefore(next))) {
          next = done;
        }
      }
    }
    return Optional.ofNullable(next);
  }

  private @Nullable Instant jobDone(GenericResource job) {
    String created = job.metadata().creationTimestamp();
    return created == null ? null : Instant.parse(created).plus(jobRunTime);
  }

  /** A Job with the status the Job controller would have written by now. */
  private GenericResource withJobStatus(GenericResource job) {
    Instant done = jobDone(job);
    JobOutcome outcome = jobOutcome.apply(job);
    Map<String, Object> status = new LinkedHashMap<>();
    if (job.metadata().creationTimestamp() != null) {
      status.put("startTime", job.metadata().creationTimestamp());
    }
    if (done == null || done.isAfter(clock.instant()) || outcome == JobOutcome.NEVER_FINISH) {
      status.put("active", 1);
    } else {
      boolean succeeded = outcome == JobOutcome.SUCCEED;
      status.put(succeeded ? "succeeded" : "failed", 1);
      if (succeeded) {
        status.put("completionTime", done.toString());
      }
      Map<String, Object> condition = new LinkedHashMap<>();
      condition.put("type", succeeded ? "Complete" : "Failed");
      condition.put("status", "True");
      condition.put("lastTransitionTime", done.toString());
      if (!succeeded) {
        condition.put("reason", "BackoffLimitExceeded");
        condition.put("message", "Job has reached the specified backoff limit");
      }
      status.put("conditions", List.of(condition));
    }
    return job.withBodyField("status", status);
  }

  private void scalePods(Key key, GenericResource rs, int replicas) {
    List<Pod> list = pods.computeIfAbsent(key, k -> new ArrayList<>());
    Instant now = clock.instant();
    while (list.size() < replicas) {
      String podName = key.name() + "-" + Long.toString(36 * 36 * 36 + podCounter++, 36);
      list.add(new Pod(podName, now, neverReady.test(rs) || runningPods() >= capacity));
    }
    while (list.size() > replicas) {
      // Kubernetes removes pods that are not ready before ready ones, newest first.
      int victim = list.size() - 1;
      for (int i = list.size() - 1; i >= 0; i--) {
        if (!isAvailable(list.get(i), now)) {
          victim = i;
          break;
        }
      }
      list.remove(victim);
    }
  }

  private int runningPods() {
    return pods.values().stream().mapToInt(List::size).sum();
  }

  private boolean isAvailable(Pod pod, Instant now) {
    return !pod.neverReady() && !pod.started().plus(readyAfter).isAfter(now);
  }

  /** A ReplicaSet or Job with the status its controller (played here) would have written. */
  private Resource withStatusPlayed(Key key, Resource resource) {
    if (resource instanceof GenericResource job && key.kind().equals("Job")) {
      return withJobStatus(job);
    }
    if (!(resource instanceof GenericResource rs) || !key.kind().equals("ReplicaSet")) {
      return resource;
    }
    List<Pod> list = pods.getOrDefault(key, List.of());
    Instant now = clock.instant();
    long available = list.stream().filter(p -> isAvailable(p, now)).count();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("replicas", list.size());
    status.put("fullyLabeledReplicas", list.size());
    status.put("readyReplicas", (int) available);
    status.put("availableReplicas", (int) available);
    Long generation = rs.metadata().generation();
    status.put("observedGeneration", generation == null ? 1L : generation);
    return rs.withBodyField("status", status);
  }

  // ---------------------------------------------------------------- ClusterPort

  @Override
  public Optional<Resource> get(String kind, String namespace, String name) {
    faults.beforeRead("get " + kind + " " + namespace + "/" + name);
    Key key = new Key(kind, namespace, name);
    Resource resource = objects.get(key);
    return resource == null ? Optional.empty() : Optional.of(withStatusPlayed(key, resource));
  }

  @Override
  public List<Resource> list(String kind, String namespace) {
    faults.beforeRead("list " + kind + " in " + namespace);
    if (kind.equals("Pod")) {
      return pods(namespace);
    }
    List<Resource> out = new ArrayList<>();
    // Keys sort by kind, namespace, name: one namespace of one kind is a contiguous range.
    objects
        .subMap(new Key(kind, namespace, ""), true, new Key(kind, namespace + "\0", ""), false)
        .forEach((key, resource) -> out.add(withStatusPlayed(key, resource)));
    return out;
  }

  @Override
  public Resource create(Resource resource) {
    faults.beforeWrite("create " + describe(resource));
    Key key = keyOf(resource);
    if (objects.containsKey(key)) {
      throw new ConflictException(resource.kind() + " \"" + key.name() + "\" already exists");
    }
    ObjectMeta m = resource.metadata();
    ObjectMeta stored =
        new ObjectMeta(
            m.name(),
            m.generateName(),
            key.namespace(),
            UUID.nameUUIDFromBytes((key + "/" + resourceVersion).getBytes(StandardCharsets.UTF_8))
                .toString(),
            Long.toString(++resourceVersion),
            1L,
            clock.instant().toString(),
            null,
            m.labels(),
            m.annotations(),
            m.ownerReferences(),
            m.finalizers());
    Resource created = withMetadata(withoutStatus(resource), stored);
    objects.put(key, created);
    if (created instanceof GenericResource rs && key.kind().equals("ReplicaSet")) {
      scalePods(key, rs, replicasOf(rs));
    }
    return withStatusPlayed(key, created);
  }

  @Override
  public Resource update(Resource resource) {
    faults.beforeWrite("update " + describe(resource));
    Key key = keyOf(resource);
    Resource current = objects.get(key);
    if (current == null) {
      throw new PortException(resource.kind() + " \"" + key.name() + "\" not found");
    }
    checkVersion(resource, current);
    boolean specChanged = !specOf(resource).equals(specOf(current));
    Long generation = current.metadata().generation();
    long nextGeneration = (generation == null ? 1 : generation) + (specChanged ? 1 : 0);
    ObjectMeta m = resource.metadata();
    ObjectMeta stored =
        current
            .metadata()
            .withUserFields(m.labels(), m.annotations(), m.ownerReferences(), m.finalizers())
            .withVersion(Long.toString(++resourceVersion), nextGeneration);
    // The main resource never changes status (status subresource semantics).
    Resource updated = withMetadata(withStatusOf(resource, current), stored);
    objects.put(key, updated);
    if (updated instanceof GenericResource rs && key.kind().equals("ReplicaSet")) {
      scalePods(key, rs, replicasOf(rs));
    }
    return withStatusPlayed(key, updated);
  }

  @Override
  public Rollout updateStatus(Rollout rollout) {
    faults.beforeWrite("update status of " + describe(rollout));
    Key key = keyOf(rollout);
    Resource current = objects.get(key);
    if (!(current instanceof Rollout stored)) {
      throw new PortException("Rollout \"" + key.name() + "\" not found");
    }
    checkVersion(rollout, current);
    ObjectMeta meta =
        stored
            .metadata()
            .withVersion(Long.toString(++resourceVersion), stored.metadata().generation());
    Rollout updated = new Rollout(meta, stored.spec(), rollout.status());
    objects.put(key, updated);
    return updated;
  }

  @Override
  public void delete(String kind, String namespace, String name) {
    faults.beforeWrite("delete " + kind + " " + namespace + "/" + name);
    Key key = new Key(kind, namespace, name);
    objects.remove(key);
    pods.remove(key);
  }

  @Override
  public void evict(String namespace, String podName) {
    faults.beforeWrite("evict pod " + namespace + "/" + podName);
    for (Map.Entry<Key, List<Pod>> entry : pods.entrySet()) {
      Key key = entry.getKey();
      if (!key.namespace().equals(namespace)) {
        continue;
      }
      if (entry.getValue().removeIf(p -> p.name().equals(podName))) {
        // The ReplicaSet controller starts a replacement at once.
        if (objects.get(key) instanceof GenericResource rs) {
          scalePods(key, rs, replicasOf(rs));
        }
        return;
      }
    }
    throw new PortException("pod " + namespace + "/" + podName + " not found");
  }

  /** The pods of every ReplicaSet in a namespace, as the API server would list them. */
  private List<Resource> pods(String namespace) {
    List<Resource> out = new ArrayList<>();
    Instant now = clock.instant();
    pods.forEach(
        (key, list) -> {
          if (!key.namespace().equals(namespace)
              || !(objects.get(key) instanceof GenericResource rs)) {
            return;
          }
          Map<String, String> labels = new LinkedHashMap<>();
          if (rs.path("spec", "template", "metadata", "labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
          }
          for (Pod pod : list) {
            ObjectMeta meta =
                new ObjectMeta(
                    pod.name(),
                    null,
                    namespace,
                    null,
                    null,
                    null,
                    pod.started().toString(),
                    null,
                    labels,
                    Map.of(),
                    List.of(
                        new OwnerReference(
                            "apps/v1",
                            "ReplicaSet",
                            key.name(),
                            String.valueOf(rs.metadata().uid()),
                            true,
                            true)),
                    List.of());
            boolean ready = isAvailable(pod, now);
            out.add(
                new GenericResource(
                    "v1",
                    "Pod",
                    meta,
                    Map.of(
                        "status",
                        Map.of(
                            "phase",
                            "Running",
                            "conditions",
                            List.of(
                                Map.of("type", "Ready", "status", ready ? "True" : "False"))))));
          }
        });
    return out;
  }

  @Override
  public void recordEvent(Resource about, String type, String reason, String message) {
    events.add(
        new Event(
            clock.instant(), about.kind(), String.valueOf(about.name()), type, reason, message));
  }

  /** Every object of a kind in every namespace. */
  public List<Resource> allOfKind(String kind) {
    List<Resource> out = new ArrayList<>();
    objects
        .subMap(new Key(kind, "", ""), true, new Key(kind + "\0", "", ""), false)
        .forEach((key, resource) -> out.add(withStatusPlayed(key, resource)));
    return out;
  }

  /** Every Event recorded, oldest first. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /**
   * Stores an object as {@code kubectl apply} would: created when absent; otherwise its spec and
   * metadata replace the stored ones while the status stays (GitOps never writes status). For plain
   * objects (Services, Deployments) it is kubectl's three-way merge: a field the previous apply did
   * not set, such as the pod-template-hash a controller put into a Service's selector, survives a
   * re-apply of the same manifest; a field the previous apply set and this one drops is removed.
   */
  public Resource apply(Resource resource) {
    Key key = keyOf(resource);
    Resource current = objects.get(key);
    GenericResource previous = lastApplied.get(key);
    if (resource instanceof GenericResource applied) {
      lastApplied.put(key, applied);
    }
    if (current == null) {
      return create(resource);
    }
    if (resource instanceof GenericResource applied && current instanceof GenericResource live) {
      resource = threeWayMerge(previous, applied, live);
    }
    return update(
        withMetadata(
            resource,
            resource
                .metadata()
                .withVersion(
                    current.metadata().resourceVersion(), resource.metadata().generation())));
  }

  // ---------------------------------------------------------------- helpers

  private static GenericResource threeWayMerge(
      @Nullable GenericResource previous, GenericResource applied, GenericResource live) {
    Map<String, Object> body =
        mergeMaps(previous == null ? Map.of() : previous.body(), applied.body(), live.body());
    ObjectMeta meta = applied.metadata();
    ObjectMeta last = previous == null ? null : previous.metadata();
    Map<String, String> labels =
        mergeStrings(
            last == null ? Map.of() : last.labels(), meta.labels(), live.metadata().labels());
    Map<String, String> annotations =
        mergeStrings(
            last == null ? Map.of() : last.annotations(),
            meta.annotations(),
            live.metadata().annotations());
    GenericResource merged = new GenericResource(applied.apiVersion(), applied.kind(), meta, body);
    return merged.withMetadata(
        meta.withUserFields(labels, annotations, meta.ownerReferences(), meta.finalizers()));
  }

  private static Map<String, Object> mergeMaps(
      Map<?, ?> previous, Map<?, ?> applied, Map<?, ?> live) {
    Map<String, Object> out = new LinkedHashMap<>();
    live.forEach((k, v) -> out.put(String.valueOf(k), v));
    previous.keySet().stream().filter(k -> !applied.containsKey(k)).forEach(out::remove);
    applied.forEach(
        (k, v) -> {
          Object current = live.get(k);
          if (v instanceof Map<?, ?> appliedMap && current instanceof Map<?, ?> liveMap) {
            Object before = previous.get(k);
            out.put(
                String.valueOf(k),
                mergeMaps(before instanceof Map<?, ?> m ? m : Map.of(), appliedMap, liveMap));
          } else {
            out.put(String.valueOf(k), v);
          }
        });
    return out;
  }

  private static Map<String, String> mergeStrings(
      Map<String, String> previous, Map<String, String> applied, Map<String, String> live) {
    Map<String, String> out = new LinkedHashMap<>(live);
    previous.keySet().stream().filter(k -> !applied.containsKey(k)).forEach(out::remove);
    out.putAll(applied);
    return out;
  }

  private static String describe(Resource resource) {
    return resource.kind() + " " + resource.namespace() + "/" + resource.name();
  }

  private static Key keyOf(Resource resource) {
    String name = resource.name();
    if (name == null || name.isEmpty()) {
      throw new PortException(resource.kind() + " without metadata.name");
    }
    boolean clusterScoped =
        resource instanceof ClusterAnalysisTemplate || resource.kind().equals("Namespace");
    String namespace =
        clusterScoped ? "" : resource.namespace() == null ? "default" : resource.namespace();
    return new Key(resource.kind(), namespace, name);
  }

  private static void checkVersion(Resource incoming, Resource current) {
    String expected = incoming.metadata().resourceVersion();
    if (expected != null && !expected.equals(current.metadata().resourceVersion())) {
      throw new ConflictException(
          "Operation cannot be fulfilled on "
              + current.kind()
              + " \""
              + current.name()
              + "\": the object has been modified; please apply your changes to the latest version and try again");
    }
  }

  private static int replicasOf(GenericResource rs) {
    return rs.path("spec", "replicas") instanceof Number n ? n.intValue() : 1;
  }

  private static Object specOf(Resource resource) {
    if (resource instanceof GenericResource g) {
      Object spec = g.get("spec");
      return spec == null ? Map.of() : spec;
    }
    if (resource instanceof Rollout r) {
      return r.spec();
    }
    if (resource instanceof AnalysisTemplate t) {
      return t.spec();
    }
    if (resource instanceof ClusterAnalysisTemplate t) {
      return t.spec();
    }
    if (resource instanceof AnalysisRun r) {
      return r.spec();
    }
    return Map.of();
  }

  private static Resource withoutStatus(Resource resource) {
    if (resource instanceof Rollout r) {
      return r.withStatus(null);
    }
    if (resource instanceof GenericResource g && g.body().containsKey("status")) {
      Map<String, Object> body = new LinkedHashMap<>(g.body());
      body.remove("status");
      return new GenericResource(g.apiVersion(), g.kind(), g.metadata(), body);
    }
    return resource;
  }

  private static Resource withStatusOf(Resource resource, Resource current) {
    if (resource instanceof Rollout r && current instanceof Rollout c) {
      return r.withStatus(c.status());
    }
    if (resource instanceof GenericResource g && current instanceof GenericResource c) {
      Map<String, Object> body = new LinkedHashMap<>(g.body());
      body.remove("status");
      Object status = c.get("status");
      if (status != null) {
        body.put("status", status);
      }
      return new GenericResource(g.apiVersion(), g.kind(), g.metadata(), body);
    }
    return resource;
  }

  static Resource withMetadata(Resource resource, ObjectMeta metadata) {
    if (resource instanceof Rollout r) {
      return r.withMetadata(metadata);
    }
    if (resource instanceof GenericResource g) {
      return g.withMetadata(metadata);
    }
    if (resource instanceof AnalysisTemplate t) {
      return new AnalysisTemplate(metadata, t.spec());
    }
    if (resource instanceof ClusterAnalysisTemplate t) {
      return new ClusterAnalysisTemplate(metadata, t.spec());
    }
    AnalysisRun run = (AnalysisRun) resource;
    return new AnalysisRun(metadata, run.spec(), run.status());
  }
}
