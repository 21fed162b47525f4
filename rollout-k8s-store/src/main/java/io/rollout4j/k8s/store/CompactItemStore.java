package io.rollout4j.k8s.store;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An informer's store that keeps each object as small as it can without changing what it says, so a
 * controller's caches grow slowly with the fleet. Objects are compacted in place as they arrive:
 *
 * <ul>
 *   <li>{@code metadata.managedFields} is dropped: nothing here reads it, and a PUT without it
 *       keeps the server's;
 *   <li>every small map becomes a {@link CompactMap} (two arrays instead of a hash table and an
 *       entry per key) and every list is cut to its size;
 *   <li>short strings are kept once for all objects: names, namespaces, labels, images, owner UIDs,
 *       condition types and reasons repeat across a rollout's objects and across rollouts.
 * </ul>
 *
 * <p>The objects stay mutable maps and lists of the same content in the same order: they serialize
 * to the same JSON and compare equal to what the informer decoded.
 */
public final class CompactItemStore extends BasicItemStore<GenericKubernetesResource> {
  /**
   * Weak, so a string no cached object uses any more can be collected. Longer strings (messages,
   * last-applied configurations) are rarely repeated, and hashing them costs more than it saves.
   */
  private static final Interner<String> STRINGS = Interners.newWeakInterner();

  private static final int LONGEST_SHARED_STRING = 128;

  /** Beyond this many keys a scan costs more than hashing: such maps stay hash maps. */
  private static final int LARGEST_COMPACT_MAP = 32;

  public CompactItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return super.put(key, compact(object));
  }

  /** Compacts {@code object} in place, as the store keeps it, and returns it. */
  public static GenericKubernetesResource compact(GenericKubernetesResource object) {
    object.setApiVersion(shared(object.getApiVersion()));
    object.setKind(shared(object.getKind()));
    ObjectMeta metadata = object.getMetadata();
    if (metadata != null) {
      compact(metadata);
    }
    object.setAdditionalProperties(map(object.getAdditionalProperties()));
    return object;
  }

  private static void compact(ObjectMeta metadata) {
    metadata.setManagedFields(null);
    metadata.setName(shared(metadata.getName()));
    metadata.setGenerateName(shared(metadata.getGenerateName()));
    metadata.setNamespace(shared(metadata.getNamespace()));
    metadata.setUid(shared(metadata.getUid()));
    if (metadata.getLabels() != null) {
      metadata.setLabels(map(metadata.getLabels()));
    }
    if (metadata.getAnnotations() != null) {
      metadata.setAnnotations(map(metadata.getAnnotations()));
    }
    if (metadata.getFinalizers() != null) {
      metadata.setFinalizers(list(metadata.getFinalizers()));
    }
    List<OwnerReference> owners = metadata.getOwnerReferences();
    if (owners != null) {
      for (OwnerReference owner : owners) {
        owner.setApiVersion(shared(owner.getApiVersion()));
        owner.setKind(shared(owner.getKind()));
        owner.setName(shared(owner.getName()));
        owner.setUid(shared(owner.getUid()));
        owner.setAdditionalProperties(map(owner.getAdditionalProperties()));
      }
      metadata.setOwnerReferences(new ArrayList<>(owners));
    }
    metadata.setAdditionalProperties(map(metadata.getAdditionalProperties()));
  }

  /** The same entries in the same order, each value compacted. */
  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> map(@Nullable Map<String, V> source) {
    if (source == null || source.isEmpty()) {
      return new CompactMap<>();
    }
    int size = source.size();
    if (size > LARGEST_COMPACT_MAP) {
      Map<String, V> large = new LinkedHashMap<>((int) (size / 0.75f) + 1);
      source.forEach((key, value) -> large.put(shared(key), (V) value(value)));
      return large;
    }
    String[] keys = new String[size];
    Object[] values = new Object[size];
    int i = 0;
    for (Map.Entry<String, V> entry : source.entrySet()) {
      keys[i] = shared(entry.getKey());
      values[i] = value(entry.getValue());
      i++;
    }
    return new CompactMap<>(keys, values);
  }

  @SuppressWarnings("unchecked")
  private static <E> List<E> list(List<E> source) {
    List<E> copy = new ArrayList<>(source.size());
    for (E element : source) {
      copy.add((E) value(element));
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object value(@Nullable Object value) {
    if (value instanceof String text) {
      return shared(text);
    }
    if (value instanceof Map<?, ?> map && keysAreStrings(map)) {
      return map((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      return list(list);
    }
    return value;
  }

  private static boolean keysAreStrings(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** The one instance of a short string that every cached object shares. */
  private static @Nullable String shared(@Nullable String text) {
    return text == null || text.length() > LONGEST_SHARED_STRING ? text : STRINGS.intern(text);
  }
}
