package io.rollout4j.gatewayapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The part of Kyverno Chainsaw's assertion trees the Gateway API plugin's e2e assertions use: a map
 * asserts the keys it names (a subset), a list asserts its elements position by position, a key in
 * parentheses is an expression on the object ({@code (weight)}, {@code (length(rules))}, {@code
 * (contains(keys(labels || `{}`), 'key'))}). Returns the mismatches, each with its path.
 */
final class ChainsawAssert {
  private ChainsawAssert() {}

  private static final Pattern LENGTH = Pattern.compile("length\\((\\w+)\\)");
  private static final Pattern HAS_KEY =
      Pattern.compile("contains\\(keys\\((\\w+) \\|\\| `\\{\\}`\\), '([^']+)'\\)");

  static List<String> mismatches(@Nullable Object expected, @Nullable Object actual) {
    List<String> out = new ArrayList<>();
    compare("", expected, actual, out);
    return out;
  }

  private static void compare(
      String path, @Nullable Object expected, @Nullable Object actual, List<String> out) {
    if (expected instanceof Map<?, ?> e) {
      if (!(actual instanceof Map<?, ?> a)) {
        out.add(path + ": expected an object, was " + actual);
        return;
      }
      e.forEach(
          (k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith("(") && key.endsWith(")")) {
              compare(
                  path + "." + key,
                  v,
                  evaluate(key.substring(1, key.length() - 1), a, path, out),
                  out);
            } else if (!a.containsKey(key)) {
              out.add(path + "." + key + ": missing");
            } else {
              compare(path + "." + key, v, a.get(key), out);
            }
          });
    } else if (expected instanceof List<?> e) {
      if (!(actual instanceof List<?> a)) {
        out.add(path + ": expected a list, was " + actual);
        return;
      }
      if (a.size() < e.size()) {
        out.add(path + ": expected at least " + e.size() + " elements, was " + a.size());
        return;
      }
      for (int i = 0; i < e.size(); i++) {
        compare(path + "[" + i + "]", e.get(i), a.get(i), out);
      }
    } else if (expected instanceof Number n && actual instanceof Number m) {
      if (n.doubleValue() != m.doubleValue()) {
        out.add(path + ": expected " + n + ", was " + m);
      }
    } else if (!Objects.equals(String.valueOf(expected), String.valueOf(actual))) {
      out.add(path + ": expected " + expected + ", was " + actual);
    }
  }

  private static @Nullable Object evaluate(
      String expression, Map<?, ?> object, String path, List<String> out) {
    Matcher length = LENGTH.matcher(expression);
    if (length.matches()) {
      Object value = object.get(length.group(1));
      return value instanceof List<?> l ? l.size() : value instanceof Map<?, ?> m ? m.size() : 0;
    }
    Matcher hasKey = HAS_KEY.matcher(expression);
    if (hasKey.matches()) {
      Object value = object.get(hasKey.group(1));
      return value instanceof Map<?, ?> m && m.containsKey(hasKey.group(2));
    }
    if (expression.matches("\\w+")) {
      return object.get(expression);
    }
    out.add(path + ": expression not understood: " + expression);
    return null;
  }
}
