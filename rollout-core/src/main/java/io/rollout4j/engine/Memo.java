package io.rollout4j.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded, thread-safe memo of a pure function of an immutable model value (a pod template, a
 * rollout spec): decide runs on every reconcile, but what it derives from the spec (validation,
 * template hash, steps hash) only changes when the spec does. Least recently used entries go first;
 * a value is found by equality, so a fresh copy of the same spec read from the API server hits too.
 */
final class Memo<K, V> {
  private final Function<K, V> function;
  private final Map<K, V> entries;

  Memo(int capacity, Function<K, V> function) {
    this.function = function;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > capacity;
          }
        };
  }

  V get(K key) {
    synchronized (entries) {
      V known = entries.get(key);
      if (known != null) {
        return known;
      }
    }
    V computed = function.apply(key);
    synchronized (entries) {
      entries.put(key, computed);
    }
    return computed;
  }
}
