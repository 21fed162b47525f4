package io.rollout4j.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.rollout4j.k8s.store.KubernetesErrors;
import io.rollout4j.manifest.ManifestException;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.PortException;
import io.rollout4j.port.UnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClusterPort} over a fabric8 {@link KubernetesClient}: Argo's kinds ({@code
 * argoproj.io/v1alpha1} Rollout, AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate) and the
 * built-in kinds the engine touches (ReplicaSet, Deployment, Service, Pod, Secret), all through the
 * generic client so that no generated model classes are needed. Writes are optimistic: an update
 * carries the resourceVersion it was read at and a 409 becomes {@link ConflictException}; a
 * Rollout's status goes through the status subresource. Events are recorded as {@code
 * events.k8s.io/v1} Events, and a failure to record one is logged, never thrown.
 */
public final class Fabric8ClusterPort implements ClusterPort, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8ClusterPort.class);
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Where a kind lives in the API. */
  record Kind(String group, String version, String plural, boolean namespaced) {
    ResourceDefinitionContext context() {
      return new ResourceDefinitionContext.Builder()
          .withGroup(group)
          .withVersion(version)
          .withPlural(plural)
          .withNamespaced(namespaced)
          .build();
    }
  }

  static final Map<String, Kind> KINDS =
      Map.of(
          Rollout.KIND,
          new Kind("argoproj.io", "v1alpha1", "rollouts", true),
          AnalysisRun.KIND,
          new Kind("argoproj.io", "v1alpha1", "analysisruns", true),
          "AnalysisTemplate",
          new Kind("argoproj.io", "v1alpha1", "analysistemplates", true),
          "ClusterAnalysisTemplate",
          new Kind("argoproj.io", "v1alpha1", "clusteranalysistemplates", false),
          "ReplicaSet",
          new Kind("apps", "v1", "replicasets", true),
          "Deployment",
          new Kind("apps", "v1", "deployments", true),
          "Service",
          new Kind("", "v1", "services", true),
          "Pod",
          new Kind("", "v1", "pods", true),
          "Secret",
          new Kind("", "v1", "secrets", true),
          "Job",
          new Kind("batch", "v1", "jobs", true));

  /** Read on every reconcile, so served from informers; Pods and Secrets are read rarely. */
  static final Set<String> CACHED_KINDS =
      Set.of(
          Rollout.KIND,
          AnalysisRun.KIND,
          "AnalysisTemplate",
          "ClusterAnalysisTemplate",
          "ReplicaSet",
          "Deployment",
          "Service");

  private final KubernetesClient client;
  private final Clock clock;
  private final String controllerName;
  private final @Nullable InformerCache cache;

  private Fabric8ClusterPort(Builder builder) {
    this.client = builder.client;
    this.clock = builder.clock;
    this.controllerName = builder.controllerName;
    this.cache =
        builder.informers
            ? new InformerCache(builder.client, builder.namespaces, builder.resync.toMillis())
            : null;
  }

  static Kind kind(String kind) {
    Kind where = KINDS.get(kind);
    if (where == null) {
      throw new PortException(
          "kind "
              + kind
              + " is not handled by Fabric8ClusterPort (handled: "
              + KINDS.keySet()
              + ")");
    }
    return where;
  }

  private @Nullable InformerCache cacheFor(String kind) {
    return CACHED_KINDS.contains(kind) ? cache : null;
  }

  /**
   * Starts the informers and waits for their first lists; otherwise each starts on its first read.
   */
  public Fabric8ClusterPort start() {
    if (cache != null) {
      cache.start(CACHED_KINDS);
    }
    return this;
  }

  /**
   * Calls {@code listener} with {@code namespace/name} of the Rollout that each change seen by the
   * informers concerns: the Rollout itself, or the owner of a ReplicaSet or AnalysisRun. The
   * controller's work queue listens here.
   */
  public void onRolloutEvent(Consumer<String> listener) {
    if (cache == null) {
      throw new IllegalStateException("built without informers: no events to listen to");
    }
    cache.onRolloutEvent(listener);
  }

  /** Stops the informers. */
  @Override
  public void close() {
    if (cache != null) {
      cache.close();
    }
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /** Options of a {@link Fabric8ClusterPort}. */
  public static final class Builder {
    private final KubernetesClient client;
    private Clock clock = Clock.systemUTC();
    private String controllerName = "rollout4j";
    private boolean informers = true;
    private Duration resync = Duration.ofMinutes(10);
    private @Nullable Set<String> namespaces;

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The clock Events are stamped with; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The reporting controller of recorded Events; {@code rollout4j} by default. */
    public Builder controllerName(String controllerName) {
      if (Objects.requireNonNull(controllerName, "controllerName").isBlank()) {
        throw new IllegalArgumentException("controllerName: expected a non-blank name");
      }
      this.controllerName = controllerName;
      return this;
    }

    /**
     * Whether reads of Rollouts, ReplicaSets, AnalysisRuns, templates, Deployments and Services
     * come from shared informers (the default; no GET or LIST per reconcile) or straight from the
     * API server.
     */
    public Builder informers(boolean informers) {
      this.informers = informers;
      return this;
    }

    /** How often informers re-deliver every cached object (the controller's safety resync). */
    public Builder resync(Duration resync) {
      this.resync = checkedResync(resync);
      return this;
    }

    static Duration checkedResync(Duration resync) {
      if (resync.isNegative()) {
        throw new IllegalArgumentException("resync: expected zero (off) or positive");
      }
      return resync;
    }

    /** Only these namespaces are watched (one informer each); all namespaces by default. */
    public Builder namespaces(Set<String> namespaces) {
      this.namespaces = checkedNamespaces(namespaces);
      return this;
    }

    static Set<String> checkedNamespaces(Set<String> namespaces) {
      if (namespaces.isEmpty()) {
        throw new IllegalArgumentException("namespaces: expected at least one namespace");
      }
      return Set.copyOf(namespaces);
    }

    public Fabric8ClusterPort build() {
      return new Fabric8ClusterPort(this);
    }
  }

  @Override
  public Optional<io.rollout4j.model.Resource> get(String kind, String namespace, String name) {
    InformerCache cached = cacheFor(kind);
    if (cached != null) {
      GenericKubernetesResource hit = cached.get(kind, namespace, name);
      return hit == null ? Optional.empty() : Optional.of(toModel(kind, hit));
    }
    GenericKubernetesResource found =
        call(
            "get " + kind + " " + namespace + "/" + name,
            () -> scoped(kind, namespace).withName(name).get());
    return found == null ? Optional.empty() : Optional.of(toModel(kind, found));
  }

  /**
   * The object as the API server has it now, not as the informer last heard: after a write
   * conflict, the version that won. The cache serves it until the informer catches up.
   */
  Optional<io.rollout4j.model.Resource> getFresh(String kind, String namespace, String name) {
    GenericKubernetesResource found =
        call(
            "get " + kind + " " + namespace + "/" + name,
            () -> scoped(kind, namespace).withName(name).get());
    if (found == null) {
      return Optional.empty();
    }
    return Optional.of(toModel(kind, remember(kind, found)));
  }

  @Override
  public List<io.rollout4j.model.Resource> list(String kind, String namespace) {
    InformerCache cached = cacheFor(kind);
    List<GenericKubernetesResource> items =
        cached != null
            ? cached.list(kind, namespace)
            : call(
                "list " + kind + " in " + namespace,
                () -> scoped(kind, namespace).list().getItems());
    return toModels(kind, items);
  }

  @Override
  public List<io.rollout4j.model.Resource> listOwnedBy(
      String kind, String namespace, String rolloutName) {
    InformerCache cached = cacheFor(kind);
    if (cached == null) {
      return ClusterPort.super.listOwnedBy(kind, namespace, rolloutName);
    }
    return toModels(kind, cached.listOwnedBy(kind, namespace, rolloutName));
  }

  private List<io.rollout4j.model.Resource> toModels(
      String kind, List<GenericKubernetesResource> items) {
    List<io.rollout4j.model.Resource> out = new ArrayList<>(items.size());
    for (GenericKubernetesResource item : items) {
      out.add(toModel(kind, item));
    }
    return out;
  }

  private GenericKubernetesResource remember(String kind, GenericKubernetesResource written) {
    InformerCache cached = cacheFor(kind);
    if (cached != null) {
      cached.wrote(kind, written);
    }
    return written;
  }

  @Override
  public io.rollout4j.model.Resource create(io.rollout4j.model.Resource resource) {
    GenericKubernetesResource object = toFabric8(resource);
    return toModel(
        resource.kind(),
        remember(
            resource.kind(),
            call(
                "create " + describe(resource),
                () -> scoped(resource.kind(), namespaceOf(resource)).resource(object).create())));
  }

  @Override
  public io.rollout4j.model.Resource update(io.rollout4j.model.Resource resource) {
    requireVersion(resource);
    GenericKubernetesResource object = toFabric8(resource);
    GenericKubernetesResource updated =
        call(
            "update " + describe(resource),
            () -> scoped(resource.kind(), namespaceOf(resource)).resource(object).update());
    if (resource instanceof AnalysisRun
        && !Objects.equals(
            object.getAdditionalProperties().get("status"),
            updated.getAdditionalProperties().get("status"))) {
      // Argo's AnalysisRun CRD has no status subresource, so the PUT above wrote the status; a
      // cluster whose CRD declares one dropped it, and it goes through /status instead.
      object.getMetadata().setResourceVersion(updated.getMetadata().getResourceVersion());
      updated =
          call(
              "update status of " + describe(resource),
              () -> scoped(resource.kind(), namespaceOf(resource)).resource(object).updateStatus());
    }
    return toModel(resource.kind(), remember(resource.kind(), updated));
  }

  @Override
  public Rollout updateStatus(Rollout rollout) {
    requireVersion(rollout);
    GenericKubernetesResource object = toFabric8(rollout);
    return (Rollout)
        toModel(
            Rollout.KIND,
            remember(
                Rollout.KIND,
                call(
                    "update status of " + describe(rollout),
                    () ->
                        scoped(Rollout.KIND, namespaceOf(rollout))
                            .resource(object)
                            .updateStatus())));
  }

  @Override
  public void delete(String kind, String namespace, String name) {
    call(
        "delete " + kind + " " + namespace + "/" + name,
        () -> scoped(kind, namespace).withName(name).delete());
    InformerCache cached = cacheFor(kind);
    if (cached != null) {
      cached.deleted(kind, namespace, name);
    }
  }

  @Override
  public void evict(String namespace, String podName) {
    // A missing pod is reported as such rather than as whatever the eviction endpoint answers.
    if (get("Pod", namespace, podName).isEmpty()) {
      throw new PortException("evict pod " + namespace + "/" + podName + ": pod not found");
    }
    boolean evicted =
        call(
            "evict pod " + namespace + "/" + podName,
            () -> client.pods().inNamespace(namespace).withName(podName).evict());
    if (!evicted) {
      throw new UnavailableException(
          "evict pod "
              + namespace
              + "/"
              + podName
              + ": refused (a PodDisruptionBudget allows no"
              + " disruption now)");
    }
  }

  @Override
  public void recordEvent(
      io.rollout4j.model.Resource about, String type, String reason, String message) {
    Kind kind = KINDS.get(about.kind());
    Instant now = clock.instant();
    try {
      client
          .events()
          .v1()
          .events()
          .inNamespace(namespaceOf(about))
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(about.name() + "." + Long.toHexString(now.toEpochMilli()) + suffix())
                  .withNamespace(namespaceOf(about))
                  .endMetadata()
                  .withEventTime(new MicroTime(RFC3339.format(now)))
                  .withType(type)
                  .withReason(reason)
                  .withNote(message.length() > 1024 ? message.substring(0, 1024) : message)
                  .withAction(reason)
                  .withReportingController(controllerName)
                  .withReportingInstance(controllerName)
                  .withNewRegarding()
                  .withApiVersion(about.apiVersion())
                  .withKind(about.kind())
                  .withName(about.name())
                  .withNamespace(kind != null && !kind.namespaced() ? null : namespaceOf(about))
                  .withUid(about.metadata().uid())
                  .withResourceVersion(about.metadata().resourceVersion())
                  .endRegarding()
                  .build())
          .create();
    } catch (RuntimeException e) {
      LOG.debug("could not record event {} on {}: {}", reason, describe(about), e.toString());
    }
  }

  private static String suffix() {
    return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      scoped(String kind, String namespace) {
    Kind where = KINDS.get(kind);
    if (where == null) {
      throw new PortException(
          "kind "
              + kind
              + " is not handled by Fabric8ClusterPort (handled: "
              + KINDS.keySet()
              + ")");
    }
    MixedOperation<
            GenericKubernetesResource,
            GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>>
        all = client.genericKubernetesResources(where.context());
    return where.namespaced() ? all.inNamespace(namespace) : all;
  }

  private GenericKubernetesResource toFabric8(io.rollout4j.model.Resource resource) {
    return client
        .getKubernetesSerialization()
        .convertValue(Manifests.toMap(resource), GenericKubernetesResource.class);
  }

  /**
   * The model of an object read as {@code kind}. A real API server leaves {@code kind} and {@code
   * apiVersion} out of the items of a list (an informer's first list included); they are the ones
   * asked for.
   */
  @SuppressWarnings("unchecked")
  private io.rollout4j.model.Resource toModel(String kind, GenericKubernetesResource object) {
    Map<String, Object> tree = client.getKubernetesSerialization().convertValue(object, Map.class);
    Kind where = KINDS.get(kind);
    if (where != null && (tree.get("kind") == null || tree.get("apiVersion") == null)) {
      tree = new LinkedHashMap<>(tree);
      tree.put("kind", kind);
      tree.put(
          "apiVersion",
          where.group().isEmpty() ? where.version() : where.group() + "/" + where.version());
    }
    try {
      return Manifests.fromMap(tree);
    } catch (ManifestException e) {
      throw new PortException(
          kind
              + " "
              + object.getMetadata().getNamespace()
              + "/"
              + object.getMetadata().getName()
              + " cannot be read: "
              + e.getMessage(),
          e);
    }
  }

  private static String namespaceOf(io.rollout4j.model.Resource resource) {
    String namespace = resource.namespace();
    return namespace == null ? "" : namespace;
  }

  private static void requireVersion(io.rollout4j.model.Resource resource) {
    String version = resource.metadata().resourceVersion();
    if (version == null || version.isBlank()) {
      // Without one, fabric8 would fetch the latest and overwrite it: last writer wins.
      throw new PortException(
          "update " + describe(resource) + ": metadata.resourceVersion is required");
    }
  }

  private static String describe(io.rollout4j.model.Resource resource) {
    return resource.kind() + " " + namespaceOf(resource) + "/" + resource.name();
  }

  /** Runs one API call, turning the client's exceptions into the port's. */
  private static <T> T call(String what, Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw KubernetesErrors.translate(what, e);
    }
  }
}
