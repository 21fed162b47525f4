package io.rollout4j.benchmarks;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.rollout4j.k8s.store.CompactItemStore;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Resource;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What an informer cache holds per object: every Kubernetes object of the conformance corpus
 * (Rollouts, Deployments, Services, VirtualServices, HTTPRoutes, AnalysisTemplates, ...) decoded
 * from JSON as the client does, once per namespace of a fleet, and kept as fabric8 decodes it
 * (without managedFields, as the caches did before) and as {@link CompactItemStore} keeps it.
 * Prints one line of key=value figures.
 *
 * <p>Usage: {@code CacheFootprint NAMESPACES}. Run it in a fresh JVM (the suite does) so heap
 * figures are the cache's own.
 */
public final class CacheFootprint {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private CacheFootprint() {}

  public static void main(String[] args) {
    int namespaces = Integer.parseInt(args.length > 0 ? args[0] : "20");
    List<String> corpus = corpus();
    double decoded = retainedPerObject(corpus, namespaces, CacheFootprint::withoutManagedFields);
    double compact = retainedPerObject(corpus, namespaces, CompactItemStore::compact);
    System.out.printf(
        Locale.ROOT,
        "cache objects=%d decoded_bytes_per_object=%.0f compact_bytes_per_object=%.0f ratio=%.2f%n",
        corpus.size() * namespaces,
        decoded,
        compact,
        compact / decoded);
  }

  /** Each corpus object as it arrives from the API server in {@code namespaces} namespaces. */
  private static double retainedPerObject(
      List<String> corpus, int namespaces, UnaryOperator<GenericKubernetesResource> keep) {
    long baseline = usedAfterGc();
    List<GenericKubernetesResource> cache = new ArrayList<>();
    for (int ns = 0; ns < namespaces; ns++) {
      for (String json : corpus) {
        GenericKubernetesResource object = JSON.unmarshal(json, GenericKubernetesResource.class);
        object.getMetadata().setNamespace("fleet-" + ns);
        object.getMetadata().setUid(java.util.UUID.randomUUID().toString());
        object.getMetadata().setResourceVersion(Integer.toString(cache.size() + 1000));
        cache.add(keep.apply(object));
      }
    }
    long retained = usedAfterGc() - baseline;
    double perObject = retained / (double) cache.size();
    cache.clear();
    return perObject;
  }

  private static GenericKubernetesResource withoutManagedFields(GenericKubernetesResource object) {
    object.getMetadata().setManagedFields(null);
    return object;
  }

  /** Every object of the corpus's manifests, as the API server would send it: JSON text. */
  private static List<String> corpus() {
    List<String> objects = new ArrayList<>();
    for (String manifest : CorpusParseBenchmark.parseable()) {
      for (Resource resource : Manifests.parse(manifest)) {
        if (resource.metadata().name() != null) {
          objects.add(Manifests.toJson(resource));
        }
      }
    }
    return objects;
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
