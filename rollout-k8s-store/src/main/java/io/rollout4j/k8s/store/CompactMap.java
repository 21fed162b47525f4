package io.rollout4j.k8s.store;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A map in insertion order kept in two arrays, for the small maps a Kubernetes object is made of
 * (two or three entries on average): a {@link java.util.LinkedHashMap} of two entries takes about
 * 250 bytes (the map, a 16-slot table, an entry of 40 bytes each), this one about 70. Lookups scan
 * the keys, which are short and usually the same String instances (Jackson canonicalizes field
 * names), so they cost no more than hashing for maps this small.
 *
 * <p>Fully mutable like the map it replaces, so code that edits a cached object in place keeps
 * working; a put of a new key grows the arrays by one (cached objects are rarely edited).
 */
final class CompactMap<V> extends AbstractMap<String, V> {
  private static final String[] NO_KEYS = {};
  private static final Object[] NO_VALUES = {};

  private String[] keys;
  private @Nullable Object[] values;
  private int modifications;

  CompactMap() {
    this.keys = NO_KEYS;
    this.values = NO_VALUES;
  }

  /** The map of {@code keys[i]} to {@code values[i]}; it owns both arrays from now on. */
  CompactMap(String[] keys, @Nullable Object[] values) {
    if (keys.length != values.length) {
      throw new IllegalArgumentException(
          "keys and values: expected the same length but were "
              + keys.length
              + " and "
              + values.length);
    }
    this.keys = keys;
    this.values = values;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public @Nullable V get(@Nullable Object key) {
    int at = indexOf(key);
    return at < 0 ? null : (V) values[at];
  }

  @Override
  @SuppressWarnings("unchecked")
  public @Nullable V put(String key, V value) {
    int at = indexOf(key);
    if (at >= 0) {
      V before = (V) values[at];
      values[at] = value;
      return before;
    }
    int size = keys.length;
    keys = Arrays.copyOf(keys, size + 1);
    values = Arrays.copyOf(values, size + 1);
    keys[size] = key;
    values[size] = value;
    modifications++;
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public @Nullable V remove(@Nullable Object key) {
    int at = indexOf(key);
    if (at < 0) {
      return null;
    }
    V before = (V) values[at];
    removeAt(at);
    return before;
  }

  @Override
  public void clear() {
    if (keys.length > 0) {
      keys = NO_KEYS;
      values = NO_VALUES;
      modifications++;
    }
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new Entries();
  }

  private int indexOf(@Nullable Object key) {
    String[] at = keys;
    for (int i = 0; i < at.length; i++) {
      if (at[i] == key) {
        return i;
      }
    }
    for (int i = 0; i < at.length; i++) {
      if (Objects.equals(at[i], key)) {
        return i;
      }
    }
    return -1;
  }

  private void removeAt(int at) {
    int size = keys.length;
    String[] fewerKeys = new String[size - 1];
    Object[] fewerValues = new Object[size - 1];
    System.arraycopy(keys, 0, fewerKeys, 0, at);
    System.arraycopy(values, 0, fewerValues, 0, at);
    System.arraycopy(keys, at + 1, fewerKeys, at, size - at - 1);
    System.arraycopy(values, at + 1, fewerValues, at, size - at - 1);
    keys = fewerKeys;
    values = fewerValues;
    modifications++;
  }

  private final class Entries extends AbstractSet<Entry<String, V>> {
    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public Iterator<Entry<String, V>> iterator() {
      return new Iterator<>() {
        private int next;
        private int last = -1;
        private int expected = modifications;

        @Override
        public boolean hasNext() {
          return next < keys.length;
        }

        @Override
        public Entry<String, V> next() {
          if (expected != modifications) {
            throw new ConcurrentModificationException();
          }
          if (next >= keys.length) {
            throw new NoSuchElementException();
          }
          last = next++;
          return new Slot(last);
        }

        @Override
        public void remove() {
          if (last < 0) {
            throw new IllegalStateException("next() first");
          }
          if (expected != modifications) {
            throw new ConcurrentModificationException();
          }
          removeAt(last);
          next = last;
          last = -1;
          expected = modifications;
        }
      };
    }
  }

  /** An entry that reads and writes its slot of the map, as a LinkedHashMap's entries do. */
  private final class Slot implements Entry<String, V> {
    private final int at;
    private final String key;

    Slot(int at) {
      this.at = at;
      this.key = keys[at];
    }

    @Override
    public String getKey() {
      return key;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getValue() {
      return (V) values[current()];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V setValue(V value) {
      int slot = current();
      V before = (V) values[slot];
      values[slot] = value;
      return before;
    }

    /** The entry's index now: the key may have moved since (a removal before it). */
    private int current() {
      if (at < keys.length && keys[at] == key) {
        return at;
      }
      int now = indexOf(key);
      if (now < 0) {
        throw new IllegalStateException("the entry " + key + " was removed from the map");
      }
      return now;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Map.Entry<?, ?> entry
          && Objects.equals(key, entry.getKey())
          && Objects.equals(getValue(), entry.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(key) ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return key + "=" + getValue();
    }
  }
}
