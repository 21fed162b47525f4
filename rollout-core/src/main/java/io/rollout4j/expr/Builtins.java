package io.rollout4j.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** expr's builtin functions and Argo's helpers; nothing here touches the host. */
final class Builtins {
  private Builtins() {}

  private static final Set<String> PREDICATES =
      Set.of(
          "all",
          "any",
          "none",
          "one",
          "filter",
          "map",
          "find",
          "findIndex",
          "findLast",
          "findLastIndex",
          "count",
          "sum",
          "groupBy",
          "sortBy",
          "reduce");

  static final Set<String> NAMES =
      java.util.stream.Stream.concat(
              PREDICATES.stream(),
              Set.of(
                  "len",
                  "type",
                  "abs",
                  "ceil",
                  "floor",
                  "round",
                  "int",
                  "float",
                  "string",
                  "trim",
                  "trimPrefix",
                  "trimSuffix",
                  "upper",
                  "lower",
                  "split",
                  "splitAfter",
                  "replace",
                  "repeat",
                  "join",
                  "indexOf",
                  "lastIndexOf",
                  "hasPrefix",
                  "hasSuffix",
                  "max",
                  "min",
                  "mean",
                  "median",
                  "toJSON",
                  "fromJSON",
                  "toBase64",
                  "fromBase64",
                  "first",
                  "last",
                  "get",
                  "take",
                  "keys",
                  "values",
                  "toPairs",
                  "fromPairs",
                  "reverse",
                  "uniq",
                  "concat",
                  "flatten",
                  "sort",
                  "bitand",
                  "bitor",
                  "bitxor",
                  "bitnand",
                  "bitnot",
                  "bitshl",
                  "bitshr",
                  "bitushr",
                  "asInt",
                  "asFloat",
                  "isNaN",
                  "isInf",
                  "isNil",
                  "default")
                  .stream())
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  static boolean isPredicate(String name) {
    return PREDICATES.contains(name);
  }

  static @Nullable Object call(Node.Call call, Evaluator ev) {
    String name = call.function();
    List<Node> argNodes = call.args();
    int column = call.column();
    if (isPredicate(name)) {
      return predicate(name, argNodes, ev, column);
    }
    List<@Nullable Object> args = new ArrayList<>(argNodes.size());
    for (Node n : argNodes) {
      args.add(ev.eval(n));
    }
    return plain(name, args, column);
  }

  // ---------------------------------------------------------------- predicates

  private static @Nullable Object predicate(
      String name, List<Node> argNodes, Evaluator ev, int column) {
    if (argNodes.isEmpty()) {
      throw new ExprException(name + "() needs an array", column);
    }
    Object source = ev.eval(argNodes.get(0));
    List<?> items = array(source, name, column);
    Node closure = argNodes.size() > 1 ? argNodes.get(1) : null;
    if (closure == null && !name.equals("sum") && !name.equals("count")) {
      throw new ExprException(
          name + "() needs a predicate, e.g. " + name + "(result, {# > 0})", column);
    }
    switch (name) {
      case "all", "any", "none", "one", "count" -> {
        int matched = 0;
        for (int i = 0; i < items.size(); i++) {
          boolean hit =
              closure == null
                  ? Evaluator.truth(items.get(i), name, column)
                  : Evaluator.truth(ev.apply(closure, items.get(i), i, null), name, column);
          if (hit) {
            matched++;
            if (name.equals("any")) {
              return true;
            }
            if (name.equals("none")) {
              return false;
            }
          } else if (name.equals("all")) {
            return false;
          }
        }
        return switch (name) {
          case "all" -> true;
          case "any" -> false;
          case "none" -> true;
          case "one" -> matched == 1;
          default -> (long) matched;
        };
      }
      case "filter", "map" -> {
        List<@Nullable Object> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          Object value = ev.apply(java.util.Objects.requireNonNull(closure), items.get(i), i, null);
          if (name.equals("map")) {
            out.add(value);
          } else if (Evaluator.truth(value, name, column)) {
            out.add(items.get(i));
          }
        }
        return out;
      }
      case "find", "findIndex", "findLast", "findLastIndex" -> {
        boolean last = name.startsWith("findLast");
        for (int k = 0; k < items.size(); k++) {
          int i = last ? items.size() - 1 - k : k;
          if (Evaluator.truth(
              ev.apply(java.util.Objects.requireNonNull(closure), items.get(i), i, null),
              name,
              column)) {
            return name.endsWith("Index") ? (Object) (long) i : items.get(i);
          }
        }
        return name.endsWith("Index") ? (Object) (long) -1 : null;
      }
      case "sum" -> {
        Object total = 0L;
        for (int i = 0; i < items.size(); i++) {
          Object value = closure == null ? items.get(i) : ev.apply(closure, items.get(i), i, null);
          total = Arithmetic.apply("+", total, value, column);
        }
        return total;
      }
      case "groupBy" -> {
        Map<String, List<@Nullable Object>> groups = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
          Object key = ev.apply(java.util.Objects.requireNonNull(closure), items.get(i), i, null);
          groups
              .computeIfAbsent(
                  key instanceof String s ? s : Values.format(key), k -> new ArrayList<>())
              .add(items.get(i));
        }
        return new LinkedHashMap<String, Object>(groups);
      }
      case "sortBy" -> {
        List<Object[]> keyed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          keyed.add(
              new Object[] {
                ev.apply(java.util.Objects.requireNonNull(closure), items.get(i), i, null),
                items.get(i)
              });
        }
        boolean descending = argNodes.size() > 2 && "desc".equals(ev.eval(argNodes.get(2)));
        keyed.sort((x, y) -> Values.compare(x[0], y[0], "sortBy", column));
        if (descending) {
          Collections.reverse(keyed);
        }
        List<@Nullable Object> out = new ArrayList<>();
        keyed.forEach(pair -> out.add(pair[1]));
        return out;
      }
      default -> {
        // reduce(array, {#acc + #}, initial)
        int start = 0;
        Object accumulator;
        if (argNodes.size() > 2) {
          accumulator = ev.eval(argNodes.get(2));
        } else {
          if (items.isEmpty()) {
            throw new ExprException("reduce of an empty array with no initial value", column);
          }
          accumulator = items.get(0);
          start = 1;
        }
        for (int i = start; i < items.size(); i++) {
          accumulator =
              ev.apply(java.util.Objects.requireNonNull(closure), items.get(i), i, accumulator);
        }
        return accumulator;
      }
    }
  }

  // ---------------------------------------------------------------- plain functions

  private static @Nullable Object plain(String name, List<@Nullable Object> a, int column) {
    switch (name) {
      case "len":
        arity(name, a, 1, column);
        return (long) length(a.get(0), column);
      case "type":
        arity(name, a, 1, column);
        return typeOf(a.get(0));
      case "abs":
        arity(name, a, 1, column);
        return a.get(0) instanceof Long l
            ? (Object) Math.abs(l)
            : (Object) Math.abs(number(a.get(0), name, column));
      case "ceil":
        arity(name, a, 1, column);
        return Math.ceil(number(a.get(0), name, column));
      case "floor":
        arity(name, a, 1, column);
        return Math.floor(number(a.get(0), name, column));
      case "round":
        arity(name, a, 1, column);
        return (double) Math.round(number(a.get(0), name, column));
      case "int":
        arity(name, a, 1, column);
        return toInt(a.get(0), name, column, true);
      case "float":
        arity(name, a, 1, column);
        return toFloat(a.get(0), name, column);
      case "string":
        arity(name, a, 1, column);
        return a.get(0) instanceof String s ? s : Values.format(a.get(0));
      case "trim":
        return a.size() > 1
            ? trimChars(str(a, 0, name, column), str(a, 1, name, column))
            : str(a, 0, name, column).strip();
      case "trimPrefix":
        return str(a, 0, name, column).startsWith(str(a, 1, name, column))
            ? str(a, 0, name, column).substring(str(a, 1, name, column).length())
            : str(a, 0, name, column);
      case "trimSuffix":
        {
          String s = str(a, 0, name, column);
          String suffix = str(a, 1, name, column);
          return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
        }
      case "upper":
        return str(a, 0, name, column).toUpperCase(java.util.Locale.ROOT);
      case "lower":
        return str(a, 0, name, column).toLowerCase(java.util.Locale.ROOT);
      case "split":
      case "splitAfter":
        return split(str(a, 0, name, column), str(a, 1, name, column), name.equals("splitAfter"));
      case "replace":
        return str(a, 0, name, column).replace(str(a, 1, name, column), str(a, 2, name, column));
      case "repeat":
        {
          String s = str(a, 0, name, column);
          long n = toInt(a.size() > 1 ? a.get(1) : null, name, column, false);
          if (n < 0 || n * s.length() > Evaluator.MAX_COLLECTION * 10L) {
            throw new ExprException(
                "repeat() would build a string longer than " + Evaluator.MAX_COLLECTION * 10,
                column);
          }
          return s.repeat((int) n);
        }
      case "join":
        {
          List<?> items = array(a.get(0), name, column);
          String sep = a.size() > 1 ? str(a, 1, name, column) : "";
          List<String> parts = new ArrayList<>();
          for (Object item : items) {
            parts.add(item instanceof String s ? s : Values.format(item));
          }
          return String.join(sep, parts);
        }
      case "indexOf":
        return (long) str(a, 0, name, column).indexOf(str(a, 1, name, column));
      case "lastIndexOf":
        return (long) str(a, 0, name, column).lastIndexOf(str(a, 1, name, column));
      case "hasPrefix":
        return str(a, 0, name, column).startsWith(str(a, 1, name, column));
      case "hasSuffix":
        return str(a, 0, name, column).endsWith(str(a, 1, name, column));
      case "max":
      case "min":
        return extreme(name, a, column);
      case "mean":
      case "median":
        return statistic(name, a, column);
      case "toJSON":
        try {
          return JSON.writeValueAsString(a.get(0));
        } catch (JsonProcessingException e) {
          throw new ExprException("toJSON: " + e.getOriginalMessage(), column);
        }
      case "fromJSON":
        try {
          return Values.normalize(JSON.readValue(str(a, 0, name, column), Object.class), 0);
        } catch (JsonProcessingException e) {
          throw new ExprException("fromJSON: " + e.getOriginalMessage(), column);
        }
      case "toBase64":
        return Base64.getEncoder()
            .encodeToString(str(a, 0, name, column).getBytes(StandardCharsets.UTF_8));
      case "fromBase64":
        try {
          return new String(
              Base64.getDecoder().decode(str(a, 0, name, column)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new ExprException("fromBase64: " + e.getMessage(), column);
        }
      case "first":
      case "last":
        {
          List<?> items = array(a.get(0), name, column);
          return items.isEmpty() ? null : items.get(name.equals("first") ? 0 : items.size() - 1);
        }
      case "get":
        {
          arity(name, a, 2, column);
          Object target = a.get(0);
          if (target instanceof List<?> list && a.get(1) instanceof Long i) {
            long index = i < 0 ? i + list.size() : i;
            return index < 0 || index >= list.size() ? null : list.get((int) index);
          }
          return target instanceof Map<?, ?> map && a.get(1) instanceof String key
              ? map.get(key)
              : null;
        }
      case "take":
        {
          List<?> items = array(a.get(0), name, column);
          long n = toInt(a.size() > 1 ? a.get(1) : null, name, column, false);
          return new ArrayList<>(items.subList(0, (int) Math.max(0, Math.min(n, items.size()))));
        }
      case "keys":
      case "values":
        {
          if (!(a.get(0) instanceof Map<?, ?> map)) {
            throw new ExprException(
                name + "() needs a map, found " + Values.typeName(a.get(0)), column);
          }
          return new ArrayList<>(name.equals("keys") ? map.keySet() : map.values());
        }
      case "toPairs":
        {
          if (!(a.get(0) instanceof Map<?, ?> map)) {
            throw new ExprException(
                "toPairs() needs a map, found " + Values.typeName(a.get(0)), column);
          }
          List<Object> out = new ArrayList<>();
          map.forEach((k, v) -> out.add(java.util.Arrays.asList(k, v)));
          return out;
        }
      case "fromPairs":
        {
          Map<String, @Nullable Object> out = new LinkedHashMap<>();
          for (Object pair : array(a.get(0), name, column)) {
            if (!(pair instanceof List<?> p) || p.size() != 2) {
              throw new ExprException("fromPairs() needs pairs [key, value]", column);
            }
            out.put(String.valueOf(p.get(0)), p.get(1));
          }
          return out;
        }
      case "reverse":
        {
          List<Object> out = new ArrayList<>(array(a.get(0), name, column));
          Collections.reverse(out);
          return out;
        }
      case "uniq":
        {
          List<@Nullable Object> out = new ArrayList<>();
          for (Object item : array(a.get(0), name, column)) {
            if (out.stream().noneMatch(seen -> Values.equal(seen, item))) {
              out.add(item);
            }
          }
          return out;
        }
      case "concat":
        {
          List<Object> out = new ArrayList<>();
          for (Object list : a) {
            out.addAll(array(list, name, column));
            if (out.size() > Evaluator.MAX_COLLECTION) {
              throw new ExprException(
                  "concat() would build more than " + Evaluator.MAX_COLLECTION + " elements",
                  column);
            }
          }
          return out;
        }
      case "flatten":
        {
          List<Object> out = new ArrayList<>();
          flatten(array(a.get(0), name, column), out, column, 0);
          return out;
        }
      case "sort":
        {
          List<Object> out = new ArrayList<>(array(a.get(0), name, column));
          out.sort((x, y) -> Values.compare(x, y, "sort", column));
          if (a.size() > 1 && "desc".equals(a.get(1))) {
            Collections.reverse(out);
          }
          return out;
        }
      case "bitand":
        return toInt(a.get(0), name, column, false) & toInt(a.get(1), name, column, false);
      case "bitor":
        return toInt(a.get(0), name, column, false) | toInt(a.get(1), name, column, false);
      case "bitxor":
        return toInt(a.get(0), name, column, false) ^ toInt(a.get(1), name, column, false);
      case "bitnand":
        return toInt(a.get(0), name, column, false) & ~toInt(a.get(1), name, column, false);
      case "bitnot":
        return ~toInt(a.get(0), name, column, false);
      case "bitshl":
        return toInt(a.get(0), name, column, false) << toInt(a.get(1), name, column, false);
      case "bitshr":
        return toInt(a.get(0), name, column, false) >> toInt(a.get(1), name, column, false);
      case "bitushr":
        return toInt(a.get(0), name, column, false) >>> toInt(a.get(1), name, column, false);
      case "asInt":
        arity(name, a, 1, column);
        return asInt(a.get(0), column);
      case "asFloat":
        arity(name, a, 1, column);
        return asFloat(a.get(0), column);
      case "isNaN":
        arity(name, a, 1, column);
        return a.get(0) instanceof Double d && d.isNaN();
      case "isInf":
        arity(name, a, 1, column);
        return a.get(0) instanceof Double d && d.isInfinite();
      case "isNil":
        arity(name, a, 1, column);
        return a.get(0) == null;
      case "default":
        arity(name, a, 2, column);
        return a.get(0) != null ? a.get(0) : a.get(1);
      default:
        throw new ExprException("unknown name " + name, column);
    }
  }

  private static void arity(String name, List<?> args, int expected, int column) {
    if (args.size() != expected) {
      throw new ExprException(
          "not enough arguments to call "
              + name
              + " (expected "
              + expected
              + ", got "
              + args.size()
              + ")",
          column);
    }
  }

  private static String str(List<@Nullable Object> args, int i, String name, int column) {
    if (i >= args.size() || !(args.get(i) instanceof String s)) {
      throw new ExprException(
          name
              + "() expects a string as argument "
              + (i + 1)
              + ", found "
              + (i < args.size() ? Values.typeName(args.get(i)) : "nothing"),
          column);
    }
    return s;
  }

  static List<?> array(@Nullable Object value, String name, int column) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new ExprException(name + "() needs an array, found " + Values.typeName(value), column);
  }

  private static double number(@Nullable Object value, String name, int column) {
    if (!Values.isNumber(value)) {
      throw new ExprException(name + "() needs a number, found " + Values.typeName(value), column);
    }
    return Values.toDouble(java.util.Objects.requireNonNull(value));
  }

  private static int length(@Nullable Object value, int column) {
    if (value instanceof List<?> l) {
      return l.size();
    }
    if (value instanceof Map<?, ?> m) {
      return m.size();
    }
    if (value instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    throw new ExprException(
        "invalid argument for len (type " + Values.typeName(value) + ")", column);
  }

  private static String typeOf(@Nullable Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof List) {
      return "array";
    }
    if (value instanceof Map) {
      return "map";
    }
    return Values.typeName(value);
  }

  private static long toInt(@Nullable Object value, String name, int column, boolean parseStrings) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d) {
      return d.longValue();
    }
    if (parseStrings && value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ExprException(name + "(): invalid syntax \"" + s + "\"", column);
      }
    }
    throw new ExprException(name + "() needs an integer, found " + Values.typeName(value), column);
  }

  private static double toFloat(@Nullable Object value, String name, int column) {
    if (Values.isNumber(value)) {
      return Values.toDouble(java.util.Objects.requireNonNull(value));
    }
    if (value instanceof String s) {
      try {
        return parseGoFloat(s);
      } catch (NumberFormatException e) {
        throw new ExprException(name + "(): invalid syntax \"" + s + "\"", column);
      }
    }
    throw new ExprException(name + "() needs a number, found " + Values.typeName(value), column);
  }

  /** Argo's {@code asInt}: a number truncated, or a base-10 integer string. */
  private static long asInt(@Nullable Object value, int column) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d) {
      return d.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new ExprException("strconv.ParseInt: parsing \"" + s + "\": invalid syntax", column);
      }
    }
    throw new ExprException("asInt: cannot convert " + Values.typeName(value) + " to int", column);
  }

  /** Argo's {@code asFloat}: a number, or a numeric string. */
  private static double asFloat(@Nullable Object value, int column) {
    if (Values.isNumber(value)) {
      return Values.toDouble(java.util.Objects.requireNonNull(value));
    }
    if (value instanceof String s) {
      try {
        return parseGoFloat(s);
      } catch (NumberFormatException e) {
        throw new ExprException(
            "strconv.ParseFloat: parsing \"" + s + "\": invalid syntax", column);
      }
    }
    throw new ExprException(
        "asFloat: cannot convert " + Values.typeName(value) + " to float64", column);
  }

  /** Go's ParseFloat: decimal or exponent forms, Inf, NaN; no hex floats, no trailing junk. */
  private static double parseGoFloat(String s) {
    String t = s.trim().equals(s) ? s : "x";
    switch (t.toLowerCase(java.util.Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf":
      case "+inf":
      case "infinity":
      case "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf":
      case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!t.matches("[+-]?(\\d[\\d_]*(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
      throw new NumberFormatException(s);
    }
    return Double.parseDouble(t.replace("_", ""));
  }

  private static String trimChars(String s, String chars) {
    int start = 0;
    int end = s.length();
    while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  private static List<Object> split(String s, String sep, boolean keepSeparator) {
    List<Object> out = new ArrayList<>();
    if (sep.isEmpty()) {
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    }
    int from = 0;
    while (true) {
      int at = s.indexOf(sep, from);
      if (at < 0) {
        out.add(s.substring(from));
        return out;
      }
      out.add(s.substring(from, keepSeparator ? at + sep.length() : at));
      from = at + sep.length();
    }
  }

  private static Object extreme(String name, List<@Nullable Object> a, int column) {
    List<?> items = a.size() == 1 && a.get(0) instanceof List<?> list ? list : a;
    if (items.isEmpty()) {
      throw new ExprException(name + "() of nothing", column);
    }
    Object best = items.get(0);
    for (Object item : items) {
      if (!Values.isNumber(item)) {
        throw new ExprException(name + "() needs numbers, found " + Values.typeName(item), column);
      }
      int c = Values.compare(item, best, name, column);
      if (c != Integer.MIN_VALUE && (name.equals("max") ? c > 0 : c < 0)) {
        best = item;
      }
    }
    return java.util.Objects.requireNonNull(best);
  }

  private static double statistic(String name, List<@Nullable Object> a, int column) {
    List<?> items = a.size() == 1 && a.get(0) instanceof List<?> list ? list : a;
    if (items.isEmpty()) {
      return Double.NaN;
    }
    List<Double> numbers = new ArrayList<>();
    for (Object item : items) {
      numbers.add(number(item, name, column));
    }
    if (name.equals("mean")) {
      return numbers.stream().mapToDouble(Double::doubleValue).sum() / numbers.size();
    }
    numbers.sort(Comparator.naturalOrder());
    int mid = numbers.size() / 2;
    return numbers.size() % 2 == 1
        ? numbers.get(mid)
        : (numbers.get(mid - 1) + numbers.get(mid)) / 2;
  }

  private static void flatten(List<?> items, List<Object> out, int column, int depth) {
    if (depth > Values.MAX_DEPTH) {
      throw new ExprException("flatten() nested deeper than " + Values.MAX_DEPTH, column);
    }
    for (Object item : items) {
      if (item instanceof List<?> inner) {
        flatten(inner, out, column, depth + 1);
      } else {
        out.add(item);
      }
      if (out.size() > Evaluator.MAX_COLLECTION) {
        throw new ExprException(
            "flatten() would build more than " + Evaluator.MAX_COLLECTION + " elements", column);
      }
    }
  }
}
