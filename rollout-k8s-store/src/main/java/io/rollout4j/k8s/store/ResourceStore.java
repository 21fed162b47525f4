package io.rollout4j.k8s.store;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.rollout4j.port.ConflictException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaced objects of one API group (Istio's {@code networking.istio.io}, Gateway API's
 * {@code gateway.networking.k8s.io}, ...) read and written as generic resources in whichever of the
 * group's versions the cluster serves. A write goes back in the version the object was read in: a
 * real API server converts between served versions, fabric8's mock server and some aggregated
 * setups do not, so an object is looked up in the version it was last seen in first, then in the
 * preferred one, then in every other.
 *
 * <p>With informers (one per kind, version and namespace, started when an object is first found
 * there) reads come from the cache, and what this store last wrote is served until the cache has
 * caught up with it (read-your-writes). Every write is a PUT carrying the resourceVersion that was
 * read; after a conflict (409) the object is read fresh and the caller's edit redone, a bounded
 * number of times.
 *
 * <p>Thread-safe; one instance serves every rollout of a client.
 */
public final class ResourceStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceStore.class);

  private final KubernetesClient client;
  private final String group;
  private final List<String> versions;
  private final String fallbackVersion;
  private final @Nullable String configuredVersion;
  private final int conflictRetries;
  private final boolean informers;
  private volatile @Nullable String discoveredVersion;

  /** The version each object was last found in, by "kind namespace/name". */
  private final Map<String, String> versionByObject = new ConcurrentHashMap<>();

  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informersByScope =
      new ConcurrentHashMap<>();

  /** What this store last wrote, served until the informer has that version. */
  private final Map<String, GenericKubernetesResource> written = new ConcurrentHashMap<>();

  /**
   * The resourceVersions of this store's last few writes of each object it wrote (guarded by {@link
   * #writeLock}): two writes in quick succession can both have their watch events still in flight,
   * and neither is someone else's change.
   */
  private final Map<String, Deque<Long>> writtenVersions = new HashMap<>();

  private static final int OWN_VERSIONS_KEPT = 8;

  /** The rollouts ("namespace/name") that read each object, by "kind namespace/name". */
  private final Map<String, Set<String>> readers = new ConcurrentHashMap<>();

  private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();

  /**
   * The resourceVersions the informers saw of each object while this store was writing it (-1: a
   * delete). The watch event of a write can arrive before the write's response tells its version,
   * so events during a write are held here and judged when the write is done.
   */
  private final Map<String, List<Long>> seenDuringWrite = new HashMap<>();

  private final Object writeLock = new Object();

  private ResourceStore(Builder builder) {
    this.client = builder.client;
    this.group = builder.group;
    this.versions = builder.versions;
    this.fallbackVersion = builder.fallbackVersion;
    this.configuredVersion = builder.apiVersion;
    this.conflictRetries = builder.conflictRetries;
    this.informers = builder.informers;
  }

  /**
   * A store for {@code group}, whose {@code versions} are listed newest first; {@code
   * fallbackVersion} is tried first when API discovery names none of them.
   */
  public static Builder builder(
      KubernetesClient client, String group, List<String> versions, String fallbackVersion) {
    return new Builder(client, group, versions, fallbackVersion);
  }

  /** Options of a {@link ResourceStore}; every setter checks its argument. */
  public static final class Builder {
    private final KubernetesClient client;
    private final String group;
    private final List<String> versions;
    private final String fallbackVersion;
    private @Nullable String apiVersion;
    private int conflictRetries = 5;
    private boolean informers;

    private Builder(
        KubernetesClient client, String group, List<String> versions, String fallbackVersion) {
      this.client = Objects.requireNonNull(client, "client");
      this.group = Objects.requireNonNull(group, "group");
      this.versions = List.copyOf(versions);
      if (this.versions.isEmpty() || !this.versions.contains(fallbackVersion)) {
        throw new IllegalArgumentException(
            "fallbackVersion: expected one of " + versions + " but was '" + fallbackVersion + "'");
      }
      this.fallbackVersion = fallbackVersion;
    }

    /** The version reads try first; default: the group's preferred version from discovery. */
    public Builder apiVersion(@Nullable String apiVersion) {
      if (apiVersion != null && !versions.contains(apiVersion)) {
        throw new IllegalArgumentException(
            "apiVersion: expected one of "
                + String.join(", ", versions)
                + " but was '"
                + apiVersion
                + "'");
      }
      this.apiVersion = apiVersion;
      return this;
    }

    /** How many times a write that lost a conflict (409) is redone on a fresh read; 0..100. */
    public Builder conflictRetries(int conflictRetries) {
      if (conflictRetries < 0 || conflictRetries > 100) {
        throw new IllegalArgumentException(
            "conflictRetries: expected 0..100 but was " + conflictRetries);
      }
      this.conflictRetries = conflictRetries;
      return this;
    }

    /** Whether reads come from informers instead of a GET each; off by default. */
    public Builder informers(boolean informers) {
      this.informers = informers;
      return this;
    }

    public ResourceStore build() {
      return new ResourceStore(this);
    }
  }

  public String group() {
    return group;
  }

  /** The object, from the informer when there is one and it has the object, else read fresh. */
  public Optional<GenericKubernetesResource> get(String kind, String namespace, String name) {
    String known = versionByObject.get(key(kind, namespace, name));
    if (informers && known != null) {
      GenericKubernetesResource hit = cached(kind, known, namespace, name);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    return fetch(kind, namespace, name);
  }

  /**
   * As {@link #get}, for a rollout ({@code namespace/name}): when an informer later sees someone
   * else change or delete the object, {@link #onChange} listeners are told that rollout.
   */
  public Optional<GenericKubernetesResource> getFor(
      String rollout, String kind, String namespace, String name) {
    readers
        .computeIfAbsent(key(kind, namespace, name), k -> ConcurrentHashMap.newKeySet())
        .add(rollout);
    return get(kind, namespace, name);
  }

  /**
   * Calls {@code listener} with the key ({@code namespace/name}) of each rollout that read an
   * object through {@link #getFor} which an informer then saw changed or deleted by someone else (a
   * GitOps sync, a hand edit), so the rollout can be reconciled at once rather than at its next
   * resync. This store's own writes are not reported. Without informers it is never called.
   */
  public void onChange(Consumer<String> listener) {
    changeListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** The object read fresh from the API server, in the version it was last seen in first. */
  public Optional<GenericKubernetesResource> fetch(String kind, String namespace, String name) {
    String key = key(kind, namespace, name);
    for (String version : versionsToTry(versionByObject.get(key))) {
      GenericKubernetesResource found;
      try {
        found =
            client
                .genericKubernetesResources(context(kind, version))
                .inNamespace(namespace)
                .withName(name)
                .get();
      } catch (KubernetesClientException e) {
        throw KubernetesErrors.translate(kind + " " + namespace + "/" + name, e);
      }
      if (found != null) {
        versionByObject.put(key, versionOf(found));
        return Optional.of(found);
      }
    }
    return Optional.empty();
  }

  /**
   * Writes {@code desired} (an edit of an object this store read, with its resourceVersion); after
   * a conflict the object is read fresh and {@code redo} edits it again (null: nothing left to
   * change). Returns false when the object no longer exists.
   *
   * @throws ConflictException when it lost {@code conflictRetries + 1} conflicts in a row
   */
  public boolean update(
      GenericKubernetesResource desired,
      Function<GenericKubernetesResource, @Nullable GenericKubernetesResource> redo) {
    if (!informers) {
      return write(desired, redo);
    }
    String key =
        key(
            String.valueOf(desired.getKind()),
            desired.getMetadata().getNamespace(),
            desired.getMetadata().getName());
    synchronized (writeLock) {
      seenDuringWrite.putIfAbsent(key, new ArrayList<>());
    }
    try {
      return write(desired, redo);
    } finally {
      boolean someoneElse = false;
      synchronized (writeLock) {
        List<Long> seen = seenDuringWrite.remove(key);
        if (seen != null) {
          for (Long version : seen) {
            someoneElse |= !isOwnWrite(key, version);
          }
        }
      }
      if (someoneElse) {
        notifyReaders(key);
      }
    }
  }

  private boolean write(
      GenericKubernetesResource desired,
      Function<GenericKubernetesResource, @Nullable GenericKubernetesResource> redo) {
    String kind = String.valueOf(desired.getKind());
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    String key = key(kind, namespace, name);
    GenericKubernetesResource attempt = desired;
    for (int conflicts = 0; attempt != null; conflicts++) {
      try {
        GenericKubernetesResource updated =
            client
                .genericKubernetesResources(context(kind, versionOf(attempt)))
                .inNamespace(namespace)
                .resource(attempt)
                .update();
        if (informers) {
          written.put(key, updated);
          rememberOwnWrite(key, KubernetesErrors.resourceVersionOf(updated));
        }
        LOG.debug("{} {}/{} updated", kind, namespace, name);
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        if (e.getCode() != 409) {
          throw KubernetesErrors.translate(kind + " " + namespace + "/" + name, e);
        }
        if (conflicts >= conflictRetries) {
          throw new ConflictException(
              kind
                  + " "
                  + namespace
                  + "/"
                  + name
                  + " was changed by someone else "
                  + (conflicts + 1)
                  + " times in a row while the rollout wrote it");
        }
        LOG.debug("{} {}/{} changed since it was read; re-reading", kind, namespace, name);
        Optional<GenericKubernetesResource> fresh = fetch(kind, namespace, name);
        if (fresh.isEmpty()) {
          return false;
        }
        attempt = redo.apply(fresh.get());
      }
    }
    return true;
  }

  private @Nullable GenericKubernetesResource cached(
      String kind, String version, String namespace, String name) {
    SharedIndexInformer<GenericKubernetesResource> informer =
        informersByScope.computeIfAbsent(
            kind + "|" + version + "|" + namespace,
            scope -> {
              SharedIndexInformer<GenericKubernetesResource> started =
                  client
                      .genericKubernetesResources(context(kind, version))
                      .inNamespace(namespace)
                      .runnableInformer(0);
              started.itemStore(new CompactItemStore());
              started.addEventHandler(changeHandler(kind));
              started.run();
              return started;
            });
    GenericKubernetesResource seen = informer.getIndexer().getByKey(namespace + "/" + name);
    String key = key(kind, namespace, name);
    GenericKubernetesResource mine = written.get(key);
    if (mine != null) {
      if (seen == null
          || KubernetesErrors.resourceVersionOf(seen) < KubernetesErrors.resourceVersionOf(mine)) {
        return mine;
      }
      written.remove(key, mine);
    }
    return seen;
  }

  private ResourceEventHandler<GenericKubernetesResource> changeHandler(String kind) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource object) {
        // The informer's first list, or an object created after a rollout found it missing (that
        // rollout is retried with a backoff already).
      }

      @Override
      public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
        if (!Objects.equals(
            before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
          changed(kind, after, false);
        }
      }

      @Override
      public void onDelete(GenericKubernetesResource object, boolean unknownFinalState) {
        changed(kind, object, true);
      }
    };
  }

  private void changed(String kind, GenericKubernetesResource object, boolean deleted) {
    String key = key(kind, object.getMetadata().getNamespace(), object.getMetadata().getName());
    Set<String> rollouts = readers.get(key);
    if (rollouts == null || rollouts.isEmpty()) {
      return;
    }
    long version = deleted ? -1 : KubernetesErrors.resourceVersionOf(object);
    synchronized (writeLock) {
      List<Long> seen = seenDuringWrite.get(key);
      if (seen != null) {
        seen.add(version);
        return;
      }
      if (isOwnWrite(key, version)) {
        return;
      }
    }
    notifyReaders(key);
  }

  private void rememberOwnWrite(String key, long version) {
    synchronized (writeLock) {
      Deque<Long> mine =
          writtenVersions.computeIfAbsent(key, k -> new ArrayDeque<>(OWN_VERSIONS_KEPT));
      if (mine.size() == OWN_VERSIONS_KEPT) {
        mine.removeFirst();
      }
      mine.addLast(version);
    }
  }

  /** Called with {@link #writeLock} held. */
  private boolean isOwnWrite(String key, long version) {
    Deque<Long> mine = writtenVersions.get(key);
    return mine != null && mine.contains(version);
  }

  private void notifyReaders(String key) {
    Set<String> rollouts = readers.get(key);
    if (rollouts == null) {
      return;
    }
    for (String rollout : rollouts) {
      for (Consumer<String> listener : changeListeners) {
        listener.accept(rollout);
      }
    }
  }

  /** Stops the informers, if any, waiting briefly until each watch is really gone. */
  @Override
  public void close() {
    stopAll(informersByScope.values());
    informersByScope.clear();
  }

  /**
   * Stops informers and waits (up to 5 s each) until their watches are closed, so an API server
   * shutting down right after sees no request from them.
   */
  public static void stopAll(Iterable<? extends SharedIndexInformer<?>> informers) {
    informers.forEach(SharedIndexInformer::stop);
    for (SharedIndexInformer<?> informer : informers) {
      try {
        informer.stopped().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("an informer did not stop in time: {}", e.toString());
      }
    }
  }

  private String preferredVersion() {
    String configured = configuredVersion;
    if (configured != null) {
      return configured;
    }
    String version = discoveredVersion;
    if (version == null) {
      version = fallbackVersion;
      try {
        APIGroup found = client.getApiGroup(group);
        if (found != null
            && found.getPreferredVersion() != null
            && versions.contains(found.getPreferredVersion().getVersion())) {
          version = found.getPreferredVersion().getVersion();
        }
      } catch (KubernetesClientException e) {
        LOG.debug("API discovery of {} failed, using {}: {}", group, version, e.getMessage());
      }
      discoveredVersion = version;
    }
    return version;
  }

  private List<String> versionsToTry(@Nullable String lastSeen) {
    Set<String> order = new LinkedHashSet<>();
    if (lastSeen != null) {
      order.add(lastSeen);
    }
    order.add(preferredVersion());
    order.addAll(versions);
    return List.copyOf(order);
  }

  private static String key(String kind, String namespace, String name) {
    return kind + " " + namespace + "/" + name;
  }

  private static String versionOf(GenericKubernetesResource resource) {
    return versionOf(String.valueOf(resource.getApiVersion()));
  }

  /** {@code v1} of {@code networking.istio.io/v1}. */
  public static String versionOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  /** How the client addresses a namespaced kind of this group in a version. */
  public ResourceDefinitionContext context(String kind, String version) {
    return context(group, kind, version);
  }

  /** How the client addresses a namespaced kind of a group in a version (plural: kind + "s"). */
  public static ResourceDefinitionContext context(String group, String kind, String version) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(kind.toLowerCase(Locale.ROOT) + "s")
        .withNamespaced(true)
        .build();
  }
}
