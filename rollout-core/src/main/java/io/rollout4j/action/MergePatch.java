package io.rollout4j.action;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON merge patch (RFC 7386) on JSON-like trees: maps merge, null removes, anything else replaces.
 */
final class MergePatch {
  private MergePatch() {}

  static @Nullable Object apply(@Nullable Object target, @Nullable Object patch) {
    if (!(patch instanceof Map<?, ?> patchMap)) {
      return patch;
    }
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    if (target instanceof Map<?, ?> targetMap) {
      targetMap.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    for (Map.Entry<?, ?> e : patchMap.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (e.getValue() == null) {
        out.remove(key);
      } else {
        out.put(key, apply(out.get(key), e.getValue()));
      }
    }
    return out;
  }
}
