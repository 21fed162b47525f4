package io.rollout4j.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.rollout4j.k8s.store.CompactItemStore;
import io.rollout4j.k8s.store.KubernetesErrors;
import io.rollout4j.k8s.store.ResourceStore;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.PortException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Shared informers for the kinds read on every reconcile, with an index from owning Rollout to
 * objects, and a read-your-writes overlay: an object this process just wrote is served as written
 * until the informer has seen that version (or a newer one), and a deleted one stays deleted, so
 * the engine never acts on a cache that lags its own writes.
 */
final class InformerCache implements AutoCloseable {
  static final String REFERENCE_INDEX = "rollout4j/referencing-rollouts";
  static final String OWNER_INDEX = "rollout4j/owner-rollout";

  /** A written object (or a deletion) the informer may not have delivered yet. */
  private record Pending(long version, @Nullable GenericKubernetesResource object) {}

  private final KubernetesClient client;
  private final @Nullable Set<String> namespaces;
  private final long resyncMillis;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers =
      new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Consumer<String>> rolloutListeners = new CopyOnWriteArrayList<>();

  InformerCache(KubernetesClient client, @Nullable Set<String> namespaces, long resyncMillis) {
    this.client = client;
    this.namespaces = namespaces == null ? null : Set.copyOf(namespaces);
    this.resyncMillis = resyncMillis;
  }

  /** Called with {@code namespace/name} of every Rollout that an informer event concerns. */
  void onRolloutEvent(Consumer<String> listener) {
    rolloutListeners.add(listener);
  }

  /** Starts (and waits for the first list of) the informers of these kinds. */
  void start(Collection<String> kinds) {
    for (String kind : kinds) {
      Fabric8ClusterPort.Kind where = Fabric8ClusterPort.kind(kind);
      if (!where.namespaced() || namespaces == null) {
        informer(kind, "");
      } else {
        for (String namespace : namespaces) {
          informer(kind, namespace);
        }
      }
    }
  }

  @Nullable GenericKubernetesResource get(String kind, String namespace, String name) {
    String key = storeKey(kind, namespace, name);
    GenericKubernetesResource cached = informer(kind, namespace).getIndexer().getByKey(key);
    Pending written = pending.get(kind + "|" + key);
    if (written != null) {
      if (cached == null ? written.object() != null : versionOf(cached) < written.version()) {
        return written.object();
      }
      pending.remove(kind + "|" + key, written);
    }
    return cached;
  }

  List<GenericKubernetesResource> list(String kind, String namespace) {
    Fabric8ClusterPort.Kind where = Fabric8ClusterPort.kind(kind);
    SharedIndexInformer<GenericKubernetesResource> informer = informer(kind, namespace);
    List<GenericKubernetesResource> items =
        where.namespaced()
            ? informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)
            : informer.getIndexer().list();
    return overlay(kind, namespace, items, o -> true);
  }

  List<GenericKubernetesResource> listOwnedBy(String kind, String namespace, String rollout) {
    List<GenericKubernetesResource> items =
        informer(kind, namespace).getIndexer().byIndex(OWNER_INDEX, namespace + "/" + rollout);
    return overlay(kind, namespace, items, o -> ownerOf(o).contains(namespace + "/" + rollout));
  }

  /** Serves {@code written} for reads until the informer delivers its version. */
  void wrote(String kind, GenericKubernetesResource written) {
    String key =
        storeKey(kind, written.getMetadata().getNamespace(), written.getMetadata().getName());
    pending.put(kind + "|" + key, new Pending(versionOf(written), written));
  }

  /** Treats the object as gone until the informer delivers its deletion. */
  void deleted(String kind, String namespace, String name) {
    String key = storeKey(kind, namespace, name);
    GenericKubernetesResource cached = informer(kind, namespace).getIndexer().getByKey(key);
    Pending written = pending.get(kind + "|" + key);
    long seen =
        Math.max(cached == null ? -1 : versionOf(cached), written == null ? -1 : written.version());
    if (seen < 0) {
      pending.remove(kind + "|" + key);
      return;
    }
    // Hidden until the informer drops it, or shows a version newer than the one deleted.
    pending.put(kind + "|" + key, new Pending(seen + 1, null));
  }

  private List<GenericKubernetesResource> overlay(
      String kind,
      String namespace,
      List<GenericKubernetesResource> items,
      Predicate<GenericKubernetesResource> belongs) {
    String prefix =
        kind + "|" + (Fabric8ClusterPort.kind(kind).namespaced() ? namespace + "/" : "");
    boolean any = false;
    for (String key : pending.keySet()) {
      if (key.startsWith(prefix)) {
        any = true;
        break;
      }
    }
    if (!any) {
      return items;
    }
    Map<String, GenericKubernetesResource> byName = new LinkedHashMap<>();
    for (GenericKubernetesResource item : items) {
      byName.put(item.getMetadata().getName(), item);
    }
    for (Map.Entry<String, Pending> entry : pending.entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        continue;
      }
      String name = entry.getKey().substring(prefix.length());
      GenericKubernetesResource current = get(kind, namespace, name);
      if (current == null) {
        byName.remove(name);
      } else if (belongs.test(current)) {
        byName.put(name, current);
      } else {
        byName.remove(name);
      }
    }
    return new ArrayList<>(byName.values());
  }

  private SharedIndexInformer<GenericKubernetesResource> informer(String kind, String namespace) {
    Fabric8ClusterPort.Kind where = Fabric8ClusterPort.kind(kind);
    Set<String> scope = namespaces;
    boolean perNamespace = where.namespaced() && scope != null;
    if (scope != null && perNamespace && !scope.contains(namespace)) {
      throw new PortException(
          "namespace " + namespace + " is outside this controller's namespaces " + namespaces);
    }
    String id = kind + "|" + (perNamespace ? namespace : "*");
    return informers.computeIfAbsent(id, unused -> start(kind, where, perNamespace, namespace));
  }

  private SharedIndexInformer<GenericKubernetesResource> start(
      String kind, Fabric8ClusterPort.Kind where, boolean perNamespace, String namespace) {
    var all = client.genericKubernetesResources(where.context());
    SharedIndexInformer<GenericKubernetesResource> informer =
        !where.namespaced()
            ? all.runnableInformer(resyncMillis)
            : perNamespace
                ? all.inNamespace(namespace).runnableInformer(resyncMillis)
                : all.inAnyNamespace().runnableInformer(resyncMillis);
    informer.itemStore(new CompactItemStore());
    informer.addIndexers(
        kind.equals(Rollout.KIND)
            ? Map.of(
                OWNER_INDEX, InformerCache::ownerOf, REFERENCE_INDEX, InformerCache::referencesOf)
            : Map.of(OWNER_INDEX, InformerCache::ownerOf));
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource object) {
            announce(kind, object);
          }

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            announce(kind, after);
          }

          @Override
          public void onDelete(GenericKubernetesResource object, boolean unknownFinalState) {
            announce(kind, object);
          }
        });
    informer.run();
    return informer;
  }

  /** The work-queue key of an AnalysisRun no Rollout owns (namespaces cannot hold a colon). */
  static final String RUN_KEY = "AnalysisRun:";

  private void announce(String kind, GenericKubernetesResource object) {
    String path = object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    List<String> keys =
        kind.equals(Rollout.KIND)
            ? List.of(path)
            : kind.equals(AnalysisRun.KIND) && ownerOf(object).isEmpty()
                ? List.of(RUN_KEY + path)
                : concerned(kind, object);
    for (String key : keys) {
      for (Consumer<String> listener : rolloutListeners) {
        listener.accept(key);
      }
    }
  }

  /**
   * The rollouts an object's change concerns: those that own it (their ReplicaSets and runs) and
   * those that name it (a workloadRef Deployment, a Service, an AnalysisTemplate). Without the
   * latter a GitOps change of the Deployment a rollout borrows its template from would only be seen
   * at the next resync.
   */
  private List<String> concerned(String kind, GenericKubernetesResource object) {
    List<String> keys = ownerOf(object);
    String reference =
        referenceKey(kind, object.getMetadata().getNamespace(), object.getMetadata().getName());
    for (Map.Entry<String, SharedIndexInformer<GenericKubernetesResource>> e :
        informers.entrySet()) {
      if (!e.getKey().startsWith(Rollout.KIND + "|")) {
        continue;
      }
      for (GenericKubernetesResource rollout :
          e.getValue().getIndexer().byIndex(REFERENCE_INDEX, reference)) {
        String key = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
        if (!keys.contains(key)) {
          keys.add(key);
        }
      }
    }
    return keys;
  }

  private static String referenceKey(String kind, @Nullable String namespace, String name) {
    return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
  }

  /** The objects a rollout names, as {@link #referenceKey}s. */
  static List<String> referencesOf(GenericKubernetesResource rollout) {
    List<String> out = new ArrayList<>();
    String namespace = rollout.getMetadata().getNamespace();
    Object spec = rollout.getAdditionalProperties().get("spec");
    Object workload = at(spec, "workloadRef");
    if (at(workload, "kind") instanceof String kind
        && at(workload, "name") instanceof String name) {
      out.add(referenceKey(kind, namespace, name));
    }
    Object canary = at(spec, "strategy", "canary");
    Object blueGreen = at(spec, "strategy", "blueGreen");
    for (Object service :
        new Object[] {
          at(canary, "canaryService"),
          at(canary, "stableService"),
          at(canary, "pingPong", "pingService"),
          at(canary, "pingPong", "pongService"),
          at(blueGreen, "activeService"),
          at(blueGreen, "previewService")
        }) {
      if (service instanceof String name && !name.isEmpty()) {
        out.add(referenceKey("Service", namespace, name));
      }
    }
    List<Object> analyses = new ArrayList<>();
    analyses.add(at(canary, "analysis"));
    analyses.add(at(blueGreen, "prePromotionAnalysis"));
    analyses.add(at(blueGreen, "postPromotionAnalysis"));
    if (at(canary, "steps") instanceof List<?> steps) {
      for (Object step : steps) {
        analyses.add(at(step, "analysis"));
      }
    }
    for (Object analysis : analyses) {
      if (at(analysis, "templates") instanceof List<?> templates) {
        for (Object template : templates) {
          if (at(template, "templateName") instanceof String name) {
            boolean cluster = Boolean.TRUE.equals(at(template, "clusterScope"));
            out.add(
                cluster
                    ? referenceKey("ClusterAnalysisTemplate", "", name)
                    : referenceKey("AnalysisTemplate", namespace, name));
          }
        }
      }
    }
    return out;
  }

  private static @Nullable Object at(@Nullable Object tree, String... path) {
    Object value = tree;
    for (String key : path) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = map.get(key);
    }
    return value;
  }

  private static List<String> ownerOf(GenericKubernetesResource object) {
    List<String> owners = new ArrayList<>(1);
    List<OwnerReference> references = object.getMetadata().getOwnerReferences();
    if (references != null) {
      for (OwnerReference owner : references) {
        if (Rollout.KIND.equals(owner.getKind())) {
          owners.add(object.getMetadata().getNamespace() + "/" + owner.getName());
        }
      }
    }
    return owners;
  }

  private static String storeKey(String kind, @Nullable String namespace, String name) {
    return Fabric8ClusterPort.kind(kind).namespaced() ? namespace + "/" + name : name;
  }

  private static long versionOf(GenericKubernetesResource object) {
    return KubernetesErrors.resourceVersionOf(object);
  }

  @Override
  public void close() {
    ResourceStore.stopAll(informers.values());
    informers.clear();
  }
}
