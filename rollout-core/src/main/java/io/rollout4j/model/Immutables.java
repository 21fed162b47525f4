package io.rollout4j.model;

import java.util.ArrayList;
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
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
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
      LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), json(v)));
      return new FrozenMap(copy);
    }
    if (value instanceof List<?> l) {
      List<@Nullable Object> copy = new ArrayList<>(l.size());
      for (Object item : l) {
        copy.add(json(item));
      }
      return new FrozenList(copy);
    }
    return value;
  }

  /** An unmodifiable map whose values are frozen too; only this class makes them. */
  private static final class FrozenMap extends java.util.AbstractMap<String, @Nullable Object> {
    private final Map<String, @Nullable Object> entries;

    FrozenMap(LinkedHashMap<String, @Nullable Object> entries) {
      this.entries = Collections.unmodifiableMap(entries);
    }

    @Override
    public java.util.Set<Map.Entry<String, @Nullable Object>> entrySet() {
      return entries.entrySet();
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
      return entries.get(key);
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return entries.containsKey(key);
    }

    @Override
    public int size() {
      return entries.size();
    }
  }

  /** An unmodifiable list whose items are frozen too; only this class makes them. */
  private static final class FrozenList extends java.util.AbstractList<@Nullable Object>
      implements java.util.RandomAccess {
    private final List<@Nullable Object> items;

    FrozenList(List<@Nullable Object> items) {
      this.items = Collections.unmodifiableList(items);
    }

    @Override
    public @Nullable Object get(int index) {
      return items.get(index);
    }

    @Override
    public int size() {
      return items.size();
    }
  }
}
