package io.rollout4j.analysis.providers;

import io.rollout4j.port.UnavailableException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The part of Kubernetes JSONPath that web metrics use: {@code {$}}, {@code {$.a.b}}, {@code
 * {.a[0].b}}, {@code ['a.b']}, negative indexes and {@code [*]}; the first node selected is the
 * result, as in Argo.
 */
final class JsonPath {
  private JsonPath() {}

  static @Nullable Object select(@Nullable Object root, String expression) {
    String path = expression.strip();
    if (path.startsWith("{") && path.endsWith("}")) {
      path = path.substring(1, path.length() - 1).strip();
    }
    if (path.startsWith("$")) {
      path = path.substring(1);
    }
    Object current = root;
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
          i++;
        }
        String key = path.substring(start, i);
        if (key.isEmpty()) {
          continue;
        }
        current = key.equals("*") ? first(current, expression) : field(current, key, expression);
      } else if (c == '[') {
        int end = path.indexOf(']', i);
        if (end < 0) {
          throw new UnavailableException("jsonPath " + expression + ": unterminated [");
        }
        String inside = path.substring(i + 1, end).strip();
        i = end + 1;
        if (inside.equals("*")) {
          current = first(current, expression);
        } else if ((inside.startsWith("'") && inside.endsWith("'"))
            || (inside.startsWith("\"") && inside.endsWith("\""))) {
          current = field(current, inside.substring(1, inside.length() - 1), expression);
        } else {
          current = index(current, inside, expression);
        }
      } else {
        throw new UnavailableException("jsonPath " + expression + ": unexpected '" + c + "'");
      }
    }
    return current;
  }

  private static @Nullable Object field(@Nullable Object node, String key, String expression) {
    if (node instanceof Map<?, ?> map && map.containsKey(key)) {
      return map.get(key);
    }
    throw new UnavailableException("jsonPath " + expression + ": " + key + " is not found");
  }

  private static @Nullable Object index(@Nullable Object node, String text, String expression) {
    if (!(node instanceof List<?> list)) {
      throw new UnavailableException("jsonPath " + expression + ": [" + text + "] needs an array");
    }
    int i;
    try {
      i = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UnavailableException("jsonPath " + expression + ": invalid index [" + text + "]");
    }
    int at = i < 0 ? i + list.size() : i;
    if (at < 0 || at >= list.size()) {
      throw new UnavailableException(
          "jsonPath "
              + expression
              + ": array index out of bounds: index "
              + i
              + ", length "
              + list.size());
    }
    return list.get(at);
  }

  private static @Nullable Object first(@Nullable Object node, String expression) {
    if (node instanceof List<?> list && !list.isEmpty()) {
      return list.get(0);
    }
    if (node instanceof Map<?, ?> map && !map.isEmpty()) {
      return map.values().iterator().next();
    }
    throw new UnavailableException("jsonPath " + expression + ": nothing to select");
  }
}
