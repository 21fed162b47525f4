package io.rollout4j.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Defensive copies for record components; JSON-like values may legitimately hold nulls. */
final class Immutables {
  private Immutables() {}

  static <T> List<T> list(@Nullable List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  static <V> Map<String, V> map(@Nullable Map<String, V> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, V> copy = new LinkedHashMap<>(map.size() * 2);
    map.forEach((k, v) -> copy.put(k.intern(), v instanceof String text ? shared(text, v) : v));
    return Collections.unmodifiableMap(copy);
  }

  /** Labels and annotations repeat across a fleet: the same short string is kept once. */
  @SuppressWarnings("unchecked")
  private static <V> V shared(String text, V original) {
    return text.length() <= SHARED_STRING_LENGTH ? (V) text.intern() : original;
  }

  /** Deep, order-preserving, null-tolerant copy of a JSON-like tree (Map, List, scalars). */
  static Map<String, Object> jsonMap(@Nullable Map<String, ?> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    Object frozen = json(map);
    @SuppressWarnings({"unchecked", "nullness"}) // JSON nulls; Map<String, Object> is our shape
    Map<String, Object> result =
        frozen instanceof Map<?, ?> ? (Map<String, Object>) frozen : Map.of();
    return result;
  }

  /**
   * A deep-frozen copy; a subtree frozen before (by this class) is shared rather than copied again,
   * so rebuilding a resource with one changed field costs that field, not the whole tree.
   */
  static @Nullable Object json(@Nullable Object value) {
    if (value instanceof FrozenMap || value instanceof FrozenList) {
      return value;
    }
    if (value instanceof Map<?, ?> m) {
      String[] keys = new String[m.size()];
      @Nullable Object[] values = new Object[m.size()];
      int i = 0;
      for (Map.Entry<?, ?> entry : m.entrySet()) {
        keys[i] = String.valueOf(entry.getKey()).intern();
        values[i] = json(entry.getValue());
        i++;
      }
      return new FrozenMap(keys, values);
    }
    if (value instanceof List<?> l) {
      @Nullable Object[] items = new Object[l.size()];
      int i = 0;
      for (Object item : l) {
        items[i++] = json(item);
      }
      return new FrozenList(items);
    }
    if (value instanceof String text && text.length() <= SHARED_STRING_LENGTH) {
      // Names, labels, images and API versions repeat across a fleet's objects: one copy each.
      return text.intern();
    }
    return value;
  }

  private static final int SHARED_STRING_LENGTH = 128;

  /**
   * An unmodifiable, insertion-ordered map whose values are frozen too; only this class makes them.
   * Keys and values sit in two arrays (a JSON object has few fields), looked up linearly up to 12
   * keys and through a hash index above that: a fleet keeps thousands of these in memory.
   */
  private static final class FrozenMap extends java.util.AbstractMap<String, @Nullable Object> {
    private static final int LINEAR = 12;
    private final String[] keys;
    private final @Nullable Object[] values;
    private final @Nullable Map<String, Integer> index;

    FrozenMap(String[] keys, @Nullable Object[] values) {
      this.keys = keys;
      this.values = values;
      if (keys.length > LINEAR) {
        Map<String, Integer> positions = new java.util.HashMap<>(keys.length * 2);
        for (int i = 0; i < keys.length; i++) {
          positions.put(keys[i], i);
        }
        this.index = positions;
      } else {
        this.index = null;
      }
    }

    private int indexOf(@Nullable Object key) {
      Map<String, Integer> positions = index;
      if (positions != null) {
        Integer at = positions.get(key);
        return at == null ? -1 : at;
      }
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
      int at = indexOf(key);
      return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public int size() {
      return keys.length;
    }

    // equals, hashCode and forEach without an entry object per field: models hash these trees.
    @Override
    public int hashCode() {
      int hash = 0;
      for (int i = 0; i < keys.length; i++) {
        hash += keys[i].hashCode() ^ java.util.Objects.hashCode(values[i]);
      }
      return hash;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      if (other == this) {
        return true;
      }
      if (!(other instanceof FrozenMap that)) {
        return super.equals(other);
      }
      if (that.keys.length != keys.length) {
        return false;
      }
      for (int i = 0; i < keys.length; i++) {
        int at = that.indexOf(keys[i]);
        if (at < 0 || !java.util.Objects.equals(values[i], that.values[at])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void forEach(
        java.util.function.BiConsumer<? super String, ? super @Nullable Object> action) {
      for (int i = 0; i < keys.length; i++) {
        action.accept(keys[i], values[i]);
      }
    }

    @Override
    public java.util.Set<Map.Entry<String, @Nullable Object>> entrySet() {
      return new java.util.AbstractSet<>() {
        @Override
        public java.util.Iterator<Map.Entry<String, @Nullable Object>> iterator() {
          return new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < keys.length;
            }

            @Override
            public Map.Entry<String, @Nullable Object> next() {
              if (next >= keys.length) {
                throw new java.util.NoSuchElementException();
              }
              int at = next++;
              return new java.util.AbstractMap.SimpleImmutableEntry<>(keys[at], values[at]);
            }
          };
        }

        @Override
        public int size() {
          return keys.length;
        }
      };
    }
  }

  /**
   * An unmodifiable list whose items are frozen too; only this class makes them. The items sit in
   * one array, and equals and hashCode walk it by index (models hash these trees).
   */
  private static final class FrozenList extends java.util.AbstractList<@Nullable Object>
      implements java.util.RandomAccess {
    private final @Nullable Object[] items;

    FrozenList(@Nullable Object[] items) {
      this.items = items;
    }

    @Override
    public @Nullable Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }

    @Override
    public int hashCode() {
      int hash = 1;
      for (Object item : items) {
        hash = 31 * hash + java.util.Objects.hashCode(item);
      }
      return hash;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      if (other == this) {
        return true;
      }
      if (other instanceof FrozenList that) {
        return java.util.Arrays.equals(items, that.items);
      }
      return super.equals(other);
    }
  }
}
