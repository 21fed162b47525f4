package io.rollout4j.model;

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
    if (map instanceof FrozenMap) {
      return map;
    }
    // Labels and annotations of every object a controller caches: two arrays rather than a hash
    // table with an entry object per label (a fleet's objects carry hundreds of thousands).
    String[] keys = new String[map.size()];
    @Nullable Object[] values = new Object[map.size()];
    int i = 0;
    for (Map.Entry<String, V> entry : map.entrySet()) {
      keys[i] = entry.getKey().intern();
      V value = entry.getValue();
      @SuppressWarnings("unchecked") // a String V stays a String
      V kept = value instanceof String text ? (V) shared(text) : value;
      values[i] = kept;
      i++;
    }
    @SuppressWarnings({"unchecked", "nullness"}) // values are the caller's Vs, unchanged
    Map<String, V> frozen = (Map<String, V>) (Map<String, ?>) FrozenMap.of(keys, values);
    return frozen;
  }

  /** Frozen copies of a list of JSON objects (status fields such as {@code albs}). */
  static List<Map<String, Object>> jsonMaps(@Nullable List<Map<String, Object>> maps) {
    return maps == null || maps.isEmpty()
        ? List.of()
        : maps.stream().map(Immutables::jsonMap).toList();
  }

  /**
   * The one shared copy of a short string (names, kinds, API versions, timestamps repeat across the
   * objects of a fleet); a long one (a message, a query) is kept as it is.
   */
  static @Nullable String shared(@Nullable String text) {
    return text == null || text.length() > SHARED_STRING_LENGTH ? text : text.intern();
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
      return FrozenMap.of(keys, values);
    }
    if (value instanceof List<?> l) {
      @Nullable Object[] items = new Object[l.size()];
      int i = 0;
      for (Object item : l) {
        items[i++] = json(item);
      }
      return new FrozenList(items);
    }
    if (value instanceof String text) {
      // Names, labels, images and API versions repeat across a fleet's objects: one copy each.
      return shared(text);
    }
    return value;
  }

  private static final int SHARED_STRING_LENGTH = 128;

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
