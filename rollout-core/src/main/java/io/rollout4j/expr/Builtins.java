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
          "groupBy",
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
                  "sum",
                  "now",
                  "date",
                  "duration",
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
                  "sort",
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
    if (name.equals("now")) {
      arity(name, args, 0, column);
      return ev.now();
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
        // expr 1.15 gives nil for an index not found, not -1.
        return null;
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
        // Go's nil map when nothing was grouped.
        return groups.isEmpty() ? null : new LinkedHashMap<String, Object>(groups);
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
        return goRound(number(a.get(0), name, column));
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
            if (!(item instanceof String s)) {
              throw new ExprException(
                  "interface conversion: interface {} is " + Values.typeName(item) + ", not string",
                  column);
            }
            parts.add(s);
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
      case "sum":
        return sum(a, column);
      case "now":
        arity(name, a, 0, column);
        return GoTime.now();
      case "duration":
        arity(name, a, 1, column);
        return GoTime.duration(str(a, 0, name, column), column);
      case "date":
        if (a.size() == 1) {
          return GoTime.date(str(a, 0, name, column), column);
        }
        if (a.size() == 2 || a.size() == 3) {
          return GoTime.date(
              str(a, 0, name, column),
              str(a, 1, name, column),
              a.size() == 3 ? str(a, 2, name, column) : null,
              column);
        }
        throw new ExprException("invalid number of arguments to date", column);
      case "toJSON":
        arity(name, a, 1, column);
        return GoFormat.json(a.get(0));
      case "fromJSON":
        try {
          String text = str(a, 0, name, column);
          if (text.isBlank()) {
            throw new ExprException("unexpected end of JSON input", column);
          }
          return goJson(JSON.readTree(text), column);
        } catch (JsonProcessingException e) {
          throw new ExprException("fromJSON: " + e.getOriginalMessage(), column);
        }
      case "toBase64":
        return Base64.getEncoder()
            .encodeToString(str(a, 0, name, column).getBytes(StandardCharsets.UTF_8));
      case "fromBase64":
        if (str(a, 0, name, column).length() % 4 != 0) {
          // Go's base64.StdEncoding wants the padding Java's decoder lets go.
          throw new ExprException("illegal base64 data at input byte 0", column);
        }
        try {
          return new String(
              Base64.getDecoder().decode(str(a, 0, name, column)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new ExprException("fromBase64: " + e.getMessage(), column);
        }
      case "first":
      case "last":
        {
          arity(name, a, 1, column);
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
          arity(name, a, 1, column);
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
      case "sort":
        {
          List<Object> out = new ArrayList<>(array(a.get(0), name, column));
          out.sort((x, y) -> Values.compare(x, y, "sort", column));
          if (a.size() > 2) {
            throw new ExprException("invalid number of arguments (expected 1 or 2)", column);
          }
          if (a.size() > 1 && !"asc".equals(a.get(1)) && !"desc".equals(a.get(1))) {
            throw new ExprException("invalid order " + Values.format(a.get(1)), column);
          }
          if (a.size() > 1 && "desc".equals(a.get(1))) {
            Collections.reverse(out);
          }
          return out;
        }
      case "asInt":
        arity(name, a, 1, column);
        return asInt(a.get(0), column);
      case "asFloat":
        arity(name, a, 1, column);
        return asFloat(a.get(0), column);
      case "isNaN":
        arity(name, a, 1, column);
        return floatArgument(name, a.get(0), column).isNaN();
      case "isInf":
        arity(name, a, 1, column);
        return floatArgument(name, a.get(0), column).isInfinite();
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
    if (value instanceof Double) {
      return "float";
    }
    return Values.typeName(value);
  }

  /** What Go's json.Unmarshal into interface{} gives: every number a float64, none infinite. */
  private static @Nullable Object goJson(com.fasterxml.jackson.databind.JsonNode node, int column) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isNumber()) {
      double d = node.doubleValue();
      if (Double.isInfinite(d)) {
        throw new ExprException(
            "json: cannot unmarshal number " + node.asText() + " into Go value of type float64",
            column);
      }
      return d;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isArray()) {
      List<@Nullable Object> out = new ArrayList<>(node.size());
      for (com.fasterxml.jackson.databind.JsonNode item : node) {
        out.add(goJson(item, column));
      }
      return out;
    }
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), goJson(e.getValue(), column)));
    return out;
  }

  /** Go's math.Round: half away from zero. */
  static double goRound(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    double whole = Math.floor(Math.abs(x));
    if (Math.abs(x) - whole >= 0.5) {
      whole += 1;
    }
    return Math.copySign(whole, x);
  }

  private static long toInt(@Nullable Object value, String name, int column, boolean parseStrings) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d) {
      // Go's int(float64) on amd64: NaN and out-of-range values become the minimum int64.
      return d.isNaN() || d >= 0x1p63 || d < -0x1p63 ? Long.MIN_VALUE : d.longValue();
    }
    if (parseStrings && value instanceof String s) {
      try {
        // Go's strconv.Atoi: no spaces, no fraction.
        if (!s.matches("[+-]?[0-9]+")) {
          throw new NumberFormatException(s);
        }
        return Long.parseLong(s);
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

  /**
   * Argo's isNaN and isInf take a Go float64: an int converts, anything else is an error (Argo's
   * expr panics on it), never a quiet false.
   */
  private static Double floatArgument(String name, @Nullable Object value, int column) {
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Long l) {
      return l.doubleValue();
    }
    throw new ExprException(
        "cannot use " + Values.typeName(value) + " as argument (type float64) to call " + name,
        column);
  }

  /** Argo's {@code asInt}: a number truncated, or a base-10 integer string. */
  private static long asInt(@Nullable Object value, int column) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d) {
      // Go's int64(float64) on amd64: NaN and out-of-range values become the minimum int64.
      return d.isNaN() || d >= 0x1p63 || d < -0x1p63 ? Long.MIN_VALUE : d.longValue();
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
            "strconv.ParseFloat: parsing \""
                + s
                + "\": "
                + (e.getMessage() != null && e.getMessage().endsWith("out of range")
                    ? "value out of range"
                    : "invalid syntax"),
            column);
      }
    }
    throw new ExprException(
        "asFloat: cannot convert " + Values.typeName(value) + " to float64", column);
  }

  /**
   * Go's ParseFloat: decimal and exponent forms, hexadecimal floats with a binary exponent, Inf and
   * NaN; no underscores (Go allows them only after a base prefix), no junk, nothing out of range.
   */
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
    double value;
    if (t.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
      value = Double.parseDouble(t);
    } else if (t.matches(
        "[+-]?0[xX](\\p{XDigit}+(\\.\\p{XDigit}*)?|\\.\\p{XDigit}+)[pP][+-]?\\d+")) {
      value = Double.parseDouble(t); // Java reads Go's hexadecimal floats the same way
    } else {
      throw new NumberFormatException(s);
    }
    if (Double.isInfinite(value)) {
      throw new NumberFormatException(s + ": value out of range");
    }
    return value;
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

  /**
   * expr 1.15's {@code max} and {@code min}: of their arguments (an array is one argument, not
   * spread), numbers compared as numbers and strings as strings.
   */
  private static Object extreme(String name, List<@Nullable Object> a, int column) {
    if (a.isEmpty()) {
      throw new ExprException("not enough arguments to call " + name, column);
    }
    Object best = null;
    for (Object item : a) {
      if (!(Values.isNumber(item) || item instanceof String)) {
        throw new ExprException(
            "invalid argument for " + name + " (type " + Values.typeName(item) + ")", column);
      }
      if (best == null) {
        best = item;
        continue;
      }
      int c = Values.compare(item, best, name, column);
      if (c != Integer.MIN_VALUE && (name.equals("max") ? c > 0 : c < 0)) {
        best = item;
      }
    }
    return java.util.Objects.requireNonNull(best);
  }

  /** expr 1.15's {@code mean} and {@code median}: of one array of numbers; 0 when it is empty. */
  private static double statistic(String name, List<@Nullable Object> a, int column) {
    arity(name, a, 1, column);
    if (!(a.get(0) instanceof List<?> items)) {
      throw new ExprException(
          "cannot " + (name.equals("mean") ? "mean" : "median") + " " + Values.typeName(a.get(0)),
          column);
    }
    if (items.isEmpty()) {
      return 0.0;
    }
    List<Double> numbers = new ArrayList<>();
    for (Object item : items) {
      if (!Values.isNumber(item)) {
        throw new ExprException("cannot " + name + " " + Values.typeName(item), column);
      }
      numbers.add(Values.toDouble(java.util.Objects.requireNonNull(item)));
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

  /** expr 1.15's {@code sum}: of one array; an int while every element is an int. */
  private static Object sum(List<@Nullable Object> a, int column) {
    arity("sum", a, 1, column);
    if (!(a.get(0) instanceof List<?> items)) {
      throw new ExprException("cannot sum " + Values.typeName(a.get(0)), column);
    }
    Object total = 0L;
    for (Object item : items) {
      if (!Values.isNumber(item)) {
        throw new ExprException("cannot sum " + Values.typeName(item), column);
      }
      total = Arithmetic.apply("+", total, item, column);
    }
    return total;
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
