package io.rollout4j.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Values as expr sees them: nil, bool, int (Java long), float64 (double), string, arrays and
 * string-keyed maps. Provider results are normalised into these once, before evaluation.
 */
final class Values {
  private Values() {}

  static final int MAX_DEPTH = 100;

  static @Nullable Object normalize(@Nullable Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new ExprException("result is nested deeper than " + MAX_DEPTH + " levels", 0);
    }
    if (value == null
        || value instanceof Boolean
        || value instanceof String
        || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
    }
    if (value instanceof BigDecimal d) {
      return d.doubleValue();
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Character c) {
      return c.toString();
    }
    // Lists and maps are copied only from the first element that normalising changes: a provider
    // that already reads integers as longs (ours do) passes its result through without a copy.
    if (value instanceof double[] vector) {
      return new FloatVector(vector);
    }
    if (value instanceof FloatVector) {
      return value;
    }
    if (value instanceof List<?> list) {
      if (!(list instanceof java.util.RandomAccess)) {
        return normalize(new ArrayList<>(list), depth);
      }
      List<@Nullable Object> out = null;
      int size = list.size();
      for (int i = 0; i < size; i++) {
        Object item = list.get(i);
        Object normalized = normalize(item, depth + 1);
        if (out == null && normalized != item) {
          out = new ArrayList<>(size);
          out.addAll(list.subList(0, i));
        }
        if (out != null) {
          out.add(normalized);
        }
      }
      return out == null ? list : out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> out = null;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object key = entry.getKey();
        Object item = entry.getValue();
        Object normalized = normalize(item, depth + 1);
        if (out == null && (normalized != item || !(key instanceof String))) {
          out = new LinkedHashMap<>(map.size() * 2);
          for (Map.Entry<?, ?> earlier : map.entrySet()) {
            if (earlier.getKey() == key) {
              break;
            }
            out.put(String.valueOf(earlier.getKey()), earlier.getValue());
          }
        }
        if (out != null) {
          out.put(String.valueOf(key), normalized);
        }
      }
      return out == null ? map : out;
    }
    if (value instanceof Object[] array) {
      return normalize(List.of(array), depth);
    }
    throw new ExprException("unsupported value of type " + value.getClass().getSimpleName(), 0);
  }

  /** Go's name for a value's type, as expr's messages print it. */
  /** A function of the environment seen as a value ({@code $env.asInt}): Go prints its type. */
  record Function(String name) {}

  static Function function(String name) {
    return new Function(name);
  }

  static String typeName(@Nullable Object value) {
    if (value == null) {
      return "<nil>";
    }
    if (value instanceof Function) {
      return "func";
    }
    if (value instanceof GoTime.Time) {
      return "time.Time";
    }
    if (value instanceof GoTime.Duration) {
      return "time.Duration";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Long) {
      return "int";
    }
    if (value instanceof Double) {
      return "float64";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof List) {
      return "[]interface {}";
    }
    if (value instanceof Map) {
      return "map[string]interface {}";
    }
    return value.getClass().getSimpleName();
  }

  static boolean isNumber(@Nullable Object value) {
    return value instanceof Long || value instanceof Double;
  }

  static double toDouble(@Nullable Object number) {
    if (!(number instanceof Number n)) {
      throw new IllegalArgumentException("not a number: " + typeName(number));
    }
    return n.doubleValue();
  }

  /** expr's {@code ==}: numbers by value across int and float, everything else structurally. */
  static boolean equal(@Nullable Object a, @Nullable Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof FloatVector || b instanceof FloatVector) {
      // Go compares a []float64 with a []interface{} by type first: never equal.
      return a instanceof FloatVector && b instanceof FloatVector && a.equals(b);
    }
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Long x && b instanceof Long y) {
        return x.longValue() == y.longValue();
      }
      return toDouble(a) == toDouble(b);
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Object key : x.keySet()) {
        if (!equal(x.get(key), y.get(key))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Ordering for {@code < > <= >=}: numbers and strings only. */
  static int compare(@Nullable Object a, @Nullable Object b, String op, int column) {
    if (GoTime.isTimeValue(a) || GoTime.isTimeValue(b)) {
      return GoTime.compare(
          java.util.Objects.requireNonNull(a), java.util.Objects.requireNonNull(b), op, column);
    }
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Long x && b instanceof Long y) {
        return Long.compare(x, y);
      }
      double x = toDouble(a);
      double y = toDouble(b);
      if (Double.isNaN(x) || Double.isNaN(y)) {
        return Integer.MIN_VALUE; // every comparison with NaN is false
      }
      return x < y ? -1 : x > y ? 1 : 0; // -0 equals 0, as in Go
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    throw mismatched(op, a, b, column);
  }

  static ExprException mismatched(String op, @Nullable Object a, @Nullable Object b, int column) {
    return new ExprException(
        "invalid operation: "
            + op
            + " (mismatched types "
            + typeName(a)
            + " and "
            + typeName(b)
            + ")",
        column);
  }

  /** A value printed as expr's {@code string()} would. */
  static String format(@Nullable Object value) {
    return GoFormat.string(value);
  }
}
