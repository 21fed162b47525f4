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
    LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, json(v)));
    @SuppressWarnings("nullness") // values may be JSON null; Map<String, Object> is our wire shape
    Map<String, Object> result = Collections.unmodifiableMap(copy);
    return result;
  }

  static @Nullable Object json(@Nullable Object value) {
    if (value instanceof Map<?, ?> m) {
      LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), json(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> l) {
      List<@Nullable Object> copy = new ArrayList<>(l.size());
      for (Object item : l) {
        copy.add(json(item));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
