package io.rollout4j.port;

import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.util.List;
import java.util.Optional;

/**
 * The cluster as an object store of Kubernetes-shaped resources, addressed by kind ({@code
 * Rollout}, {@code ReplicaSet}, {@code Deployment}, {@code Service}, {@code AnalysisRun}, ...),
 * namespace and name. Reads may come from a cache; writes are optimistic: an update carries the
 * {@code metadata.resourceVersion} it was read at and fails with {@link ConflictException} if the
 * object changed since.
 */
public interface ClusterPort {

  Optional<Resource> get(String kind, String namespace, String name);

  /** Every object of a kind in a namespace, in no particular order. */
  List<Resource> list(String kind, String namespace);

  /**
   * The objects of a kind in a namespace that the named Rollout owns (an owner reference of kind
   * Rollout with that name). An adapter with a cache answers from an owner index, so a reconcile
   * costs the same however many rollouts share the namespace.
   */
  default List<Resource> listOwnedBy(String kind, String namespace, String rolloutName) {
    List<Resource> owned = new java.util.ArrayList<>();
    for (Resource r : list(kind, namespace)) {
      for (io.rollout4j.model.OwnerReference owner : r.metadata().ownerReferences()) {
        if (owner.kind().equals(Rollout.KIND) && owner.name().equals(rolloutName)) {
          owned.add(r);
          break;
        }
      }
    }
    return owned;
  }

  /** Creates an object; returns it as stored (uid, resourceVersion, generation set). */
  Resource create(Resource resource);

  /** Replaces an object's spec and metadata; {@link ConflictException} on a stale version. */
  Resource update(Resource resource);

  /** Writes a rollout's status through the status subresource, optimistically. */
  Rollout updateStatus(Rollout rollout);

  void delete(String kind, String namespace, String name);

  /**
   * Evicts a pod through the Eviction API, so PodDisruptionBudgets apply; its ReplicaSet starts a
   * replacement. Used by {@code spec.restartAt}.
   */
  void evict(String namespace, String podName);

  /** Records a Kubernetes Event about an object; failures here are never fatal. */
  void recordEvent(Resource about, String type, String reason, String message);
}
