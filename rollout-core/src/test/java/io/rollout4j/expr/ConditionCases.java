package io.rollout4j.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A seeded, deterministic generator of analysis conditions and provider results, by class, for
 * comparing our evaluator with the real expr (tools/expr-oracle). A case's result is JSON with the
 * oracle's extensions for what JSON cannot hold: {@code {"$float": "NaN"|"+Inf"|"-Inf"}}, {@code
 * {"$floats": [...]}} (a Prometheus vector) and {@code {"$absent": true}} (no result). Numbers are
 * floats, as every provider's decoded JSON is in Argo.
 *
 * <p>{@code main(seed, count, file)} writes the oracle's input, one case per line.
 */
final class ConditionCases {

  /** One generated case. */
  record Case(String id, String kind, String condition, JsonNode result) {}

  static final ObjectMapper JSON = new ObjectMapper();

  private final SplittableRandom random;
  private final List<Case> out = new ArrayList<>();
  private int next;

  private ConditionCases(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** {@code count} cases (about as many per class) from {@code seed}. */
  static List<Case> generate(long seed, int count) {
    ConditionCases g = new ConditionCases(seed);
    Map<String, Supplier<String>> classes = g.classes();
    List<String> names = new ArrayList<>(classes.keySet());
    for (int i = 0; i < count; i++) {
      String kind = names.get(i % names.size());
      g.add(kind, classes.get(kind).get(), g.result());
    }
    return g.out;
  }

  public static void main(String[] args) throws IOException {
    long seed = Long.parseLong(args[0]);
    int count = Integer.parseInt(args[1]);
    try (Writer w = Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8)) {
      for (Case c : generate(seed, count)) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", c.id());
        line.put("kind", c.kind());
        line.put("condition", c.condition());
        line.set("result", c.result());
        w.write(JSON.writeValueAsString(line));
        w.write('\n');
      }
    }
  }

  private void add(String kind, String condition, JsonNode result) {
    out.add(new Case(kind + "-" + (next++), kind, condition, result));
  }

  // ---- results: the shapes providers give -------------------------------------------------

  private JsonNode result() {
    return switch (random.nextInt(9)) {
      case 0 -> parse(skywalking());
      case 1 -> parse("{\"$float\": " + quote(pick("NaN", "+Inf", "-Inf")) + "}");
      case 2 -> parse("{\"$floats\": " + floats() + "}");
      case 3 -> parse("{\"$absent\": true}");
      case 4 -> parse(Double.toString(number()));
      case 5 -> parse(quote(pick("1", " 123", "0x1p-2", "1e400", "abc", "9950", "", "-0", "1.5")));
      case 6 -> parse(pick("true", "false", "null"));
      case 7 -> parse(web());
      default -> parse("[" + number() + ", " + number() + ", " + number() + "]");
    };
  }

  private String skywalking() {
    List<String> values = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      values.add(
          random.nextBoolean()
              ? "{\"id\": \"" + i + "\", \"value\": \"" + (9000 + random.nextInt(1001)) + "\"}"
              : "{\"id\": \"" + i + "\", \"value\": null}");
    }
    return "{\"service_apdex\": {\"label\": null, \"values\": {\"values\": ["
        + String.join(", ", values)
        + "]}}}";
  }

  private String floats() {
    List<String> items = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      items.add(
          random.nextInt(5) == 0 ? quote(pick("NaN", "+Inf", "-Inf")) : Double.toString(number()));
    }
    return "[" + String.join(", ", items) + "]";
  }

  private String web() {
    return pick(
        "{\"a\": 1, \"b\": true, \"c\": [1, 2, 3, 4], \"d\": null, \"e\": \"text\"}",
        "{\"num\": 1.2, \"bool\": true, \"mapfield\": {\"foo\": \"bar\"}, \"list\": []}",
        "{\"data\": {\"result\": [{\"value\": [1700000000, \"0.98\"]}]}, \"status\": \"success\"}",
        "{\"errors\": 0, \"total\": 250, \"p99\": 0.2, \"ok\": \"yes\"}");
  }

  private double number() {
    return switch (random.nextInt(6)) {
      case 0 -> random.nextInt(-3, 4);
      case 1 -> random.nextInt(0, 10001);
      case 2 -> Math.round(random.nextDouble() * 1000) / 100.0;
      case 3 -> -0.0;
      case 4 -> 1e21 * (random.nextBoolean() ? 1 : -1);
      default -> 0.5;
    };
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(text, e);
    }
  }

  // ---- conditions, by class ---------------------------------------------------------------

  private Map<String, Supplier<String>> classes() {
    Map<String, Supplier<String>> c = new LinkedHashMap<>();
    c.put("arithmetic", this::arithmetic);
    c.put("comparison", this::comparison);
    c.put("chained", () -> atom() + " " + cmp() + " " + atom() + " " + cmp() + " " + atom());
    c.put("logic", this::logic);
    c.put("ternary", this::ternary);
    c.put("strings", this::strings);
    c.put(
        "string-of-number",
        () ->
            "string("
                + floatLiteral()
                + ") == "
                + quote(
                    pick("1e+21", "-0", "1.23456789e+08", "1", "0.5", "1e+06", "100000", "1.5")));
    c.put(
        "rounding",
        () ->
            pick("round", "ceil", "floor", "abs", "int", "float")
                + "("
                + pick(
                    "-2.5", "2.5", "-0.5", "0.5", "1.5", "-1.5", "'3'", "' 123'", "'1.5'", "result",
                    "nil", "true")
                + ") == "
                + pick("-3", "-2", "3", "2", "0", "1", "-1", "123", "1.5", "-0"));
    c.put("lists", this::lists);
    c.put(
        "aggregates",
        () ->
            pick("max", "min", "mean", "median", "sum")
                + "("
                + pick(
                    "[]",
                    "[1, 2, 3]",
                    "[1, [2, 3]]",
                    "[1.5, 2]",
                    "[nil, 1]",
                    "['a', 'b']",
                    "result",
                    "1, 2",
                    "[3]",
                    "[1, 2, 3, 4]")
                + ") "
                + cmp()
                + " "
                + pick("2", "1.5", "0", "nil", "'a'"));
    c.put(
        "slices",
        () ->
            pick("[1, 2, 3, 4]", "'hello'", "result")
                + "["
                + pick("1:2", "2:1", "-1:", ":10", "-10:2", "5:", ":", "0:0", "3:-1")
                + "] == "
                + pick("[2]", "[]", "'e'", "''", "[1, 2, 3, 4]", "'hello'", "[4]", "'o'"));
    c.put(
        "indexing",
        () ->
            pick("[1, 2, 3]", "'héllo'", "result", "{'a': 1}")
                + "["
                + pick("0", "-1", "3", "'a'", "1.5", "nil", "-4")
                + "] "
                + cmp()
                + " "
                + atom());
    c.put(
        "membership",
        () ->
            atom()
                + " "
                + pick("in", "not in")
                + " "
                + pick(
                    "[1, 2, 3]", "['a', 'b']", "{'a': 1}", "result", "'abc'", "1..3", "nil", "[]"));
    c.put("nil", this::nilCase);
    c.put("argo-helpers", this::helpers);
    c.put("conversions", this::conversions);
    c.put(
        "json",
        () ->
            "toJSON("
                + pick(
                    "1",
                    "1.5",
                    "'a'",
                    "[1, 2]",
                    "{'b': 1, 'a': [true]}",
                    "nil",
                    "result",
                    "1e21",
                    "'<>&'")
                + ") == "
                + quote(
                    pick(
                        "1",
                        "1.5",
                        "\"a\"",
                        "[1,2]",
                        "[\n  1,\n  2\n]",
                        "{\n  \"a\": [\n    true\n  ],\n  \"b\": 1\n}",
                        "null",
                        "1e+21",
                        "\"\\u003c\\u003e\\u0026\"",
                        "\"<>&\"")));
    c.put("time", this::time);
    c.put(
        "let",
        () ->
            "let "
                + pick("x", "result", "len", "y")
                + " = "
                + atom()
                + "; "
                + pick("x", "result", "len", "y")
                + " "
                + cmp()
                + " "
                + atom());
    c.put(
        "if",
        () ->
            "if " + atom() + " { " + atom() + " } else { " + atom() + " } " + cmp() + " " + atom());
    c.put(
        "env",
        () ->
            pick(
                    "$env.result",
                    "$env['result']",
                    "'result' in $env",
                    "$env",
                    "$env.missing",
                    "len($env) > 3")
                + " "
                + pick("== nil", "!= nil", "", "== result"));
    c.put(
        "literals",
        () ->
            pick(
                    "b'A'",
                    "'\\x41'",
                    "'\\u0041'",
                    "0x1F",
                    "0o17",
                    "1_000",
                    "1e309",
                    "-1e309",
                    "0b101",
                    "1.",
                    ".5",
                    "'\\101'",
                    "\"a\\tb\"",
                    "`raw\\n`")
                + " "
                + pick("==", "!=", ">", "<")
                + " "
                + pick(
                    "'A'", "31", "15", "1000", "5", "0.5", "1.0", "'a\tb'", "'raw\\\\n'", "1e308"));
    c.put(
        "maps",
        () ->
            pick(
                    "{'a': 1, 'a': 2}",
                    "{('a' + 'b'): 1}",
                    "{1: 'x'}",
                    "{a: 1}",
                    "{'a': 1}",
                    "{}",
                    "{true: 1}")
                + pick(".a", "['ab']", "[1]", "['a']", ".b", "?.a")
                + " "
                + cmp()
                + " "
                + atom());
    c.put(
        "builtins-wrong-types",
        () ->
            pick(
                    "len",
                    "upper",
                    "trim",
                    "abs",
                    "int",
                    "float",
                    "keys",
                    "values",
                    "first",
                    "last",
                    "sort",
                    "reverse",
                    "uniq",
                    "concat",
                    "flatten",
                    "join",
                    "split",
                    "type",
                    "max",
                    "count",
                    "all",
                    "duration",
                    "date")
                + "("
                + pick(
                    "1",
                    "'a'",
                    "nil",
                    "result",
                    "[1, 'a']",
                    "{'a': 1}",
                    "true",
                    "1.5",
                    "[[1], [2]]")
                + ") "
                + cmp()
                + " "
                + atom());
    c.put(
        "predicates",
        () ->
            pick(
                    "all",
                    "any",
                    "none",
                    "one",
                    "filter",
                    "map",
                    "count",
                    "find",
                    "findIndex",
                    "findLast",
                    "findLastIndex",
                    "groupBy",
                    "sortBy",
                    "sum")
                + "("
                + pick("[1, 2, 3]", "result", "[]", "['a', 'bb']", "1..4", "nil")
                + ", "
                + pick(
                    "# > 1",
                    "{# > 1}",
                    ".value > 1",
                    "# == 'a'",
                    "len(#) > 1",
                    "#index > 0",
                    "#",
                    "asFloat(#) > 1")
                + ") "
                + pick("== true", "== 2", "== nil", "== [2, 3]", "== -1", "!= false", "> 0"));
    c.put("result-shapes", this::resultShape);
    c.put("random-tree", () -> tree(4));
    return c;
  }

  private String arithmetic() {
    return atomNumber()
        + " "
        + pick("+", "-", "*", "/", "%", "**", "^")
        + " "
        + atomNumber()
        + " "
        + cmp()
        + " "
        + atomNumber();
  }

  private String comparison() {
    return atom() + " " + cmp() + " " + atom();
  }

  private String logic() {
    return pick("not ", "!", "")
        + atom()
        + " "
        + pick("and", "or", "&&", "||", "??")
        + " "
        + atom();
  }

  private String ternary() {
    return atom() + " ? " + atom() + " : " + atom() + " " + pick("", "== true", "?? false");
  }

  private String strings() {
    return pick("'abc'", "'ABC'", "result", "' x '", "'a,b'", "'héllo'", "''")
        + " "
        + pick("contains", "startsWith", "endsWith", "matches", "+", "==", "<", "in")
        + " "
        + pick("'b'", "'a'", "'^a.*'", "'(['", "result", "1", "'c'", "'x'", "'llo'", "''")
        + " "
        + pick("", "== true", "== 'abcb'", "!= false");
  }

  private String lists() {
    return pick(
            "len",
            "first",
            "last",
            "sort",
            "reverse",
            "uniq",
            "flatten",
            "keys",
            "take",
            "join",
            "indexOf",
            "lastIndexOf",
            "concat")
        + "("
        + pick("[3, 1, 2]", "result", "[]", "['b', 'a']", "[[1], [2, 3]]", "{'a': 1}", "'abcb'")
        + pick("", ", 2", ", 'b'", ", [4]", ", ','")
        + ") "
        + cmp()
        + " "
        + pick("3", "[1, 2, 3]", "nil", "'b'", "1", "-1", "'b,a'", "[4]", "2");
  }

  private String nilCase() {
    return pick(
        "isNil(result) || result > 1",
        "result == nil",
        "nil == nil",
        "nil > 1",
        "result?.a == nil",
        "result.a == nil",
        "result ?? 1",
        "(result ?? 0) > 0",
        "default(result, 5) > 1",
        "nil in [nil]",
        "len(nil) == 0",
        "result?.service_apdex != nil",
        "sort([nil, 1]) == [1]",
        "mean([nil]) > 0",
        "nil + 1 == 1",
        "!nil",
        "nil ?? false");
  }

  private String helpers() {
    return pick("asInt", "asFloat", "isNaN", "isInf", "isNil")
        + "("
        + pick(
            "result",
            "5",
            "nil",
            "'1'",
            "'0x1p-2'",
            "'1e400'",
            "' 123'",
            "'abc'",
            "1.5",
            "true",
            "[1]",
            "'NaN'",
            "'inf'",
            "'-0'")
        + ") "
        + pick("== 1", "== true", "== false", "> 0", "== 0.25", "< 2", "!= nil", "");
  }

  private String conversions() {
    return pick(
            "int",
            "float",
            "string",
            "toBase64",
            "fromBase64",
            "upper",
            "lower",
            "fromJSON",
            "trim",
            "type")
        + "("
        + pick(
            "' 123'",
            "'123'",
            "'1.5'",
            "1.5",
            "-1.5",
            "'QQ=='",
            "'{\"a\": 1}'",
            "'[1, 2]'",
            "true",
            "nil",
            "result",
            "1e20",
            "'1e3'")
        + ") "
        + pick(
            "== 123",
            "== 1.5",
            "== '1.5'",
            "== 'A'",
            "== 1",
            "== -1",
            "!= nil",
            "== 'int'",
            "== 'float'",
            "== 1000",
            "== 'string'");
  }

  private String time() {
    // now() is never compared with now(): two clock readings differ in Go and may not in Java.
    return pick(
            "now()",
            "date('2024-01-02')",
            "date('2024-01-02T03:04:05Z')",
            "date('2024-01-02', '2006-01-02')",
            "now() - duration('1h')",
            "date('bad')",
            "duration('90m')",
            "duration('1h30m')",
            "duration('x')",
            "now() + duration('-1s')",
            "date('2024-01-02') + duration('24h')",
            "now().Year()",
            "date(1700000000)",
            "date('2024-01-02T03:04:05.5+02:00').Hour()",
            "duration('1h').Hours()",
            "duration('1.5h').Minutes()",
            "date('2024-01-02').Unix()",
            "duration('90s').String()",
            "string(duration('1h1m1.5s'))",
            "string(date('2024-01-02T03:04:05Z'))",
            "date('02/01/2024', '02/01/2006').Day()",
            "date('2024-01-02').Sub(date('2024-01-01'))",
            "date('2024-01-02').Before(now())",
            "duration('1h') * 2",
            "duration('300ms')",
            "-duration('1s')",
            "duration('1h') % duration('7m')",
            "date('Mon, 02 Jan 2006 15:04:05 MST')",
            "date('12:30:00').Hour()",
            "date('2024-01-02 15:04:05').Minute()")
        + " "
        + pick(">", "<", "==", "-", ">=", "!=")
        + " "
        + pick(
            "date('2020-01-01')",
            "duration('1h')",
            "date('2024-01-03')",
            "duration('5400s')",
            "2023",
            "1",
            "date('2100-01-01')",
            "24",
            "'1m30s'",
            "1.5",
            "duration('2h')",
            "3",
            "1704153600")
        + pick("", " > duration('0s')", " == true");
  }

  private String resultShape() {
    return pick(
        "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})",
        "all(result.service_apdex.values.values, {.value != nil})",
        "len(result.service_apdex.values.values) > 0",
        "result[0] >= 0.95",
        "result[0] < 1 && result[1] > 0",
        "all(result, {# < 100})",
        "any(result, isNaN(#))",
        "result > 0.9",
        "isNaN(result) || result < 0.01",
        "result.a == 1",
        "result.c[2] == 3",
        "result.mapfield.foo == 'bar'",
        "asFloat(result.data.result[0].value[1]) > 0.95",
        "result.errors / result.total < 0.01",
        "result.status == 'success'",
        "len(result) == 3",
        "result == true",
        "asInt(result) > 0",
        "result.p99 <= 0.25 and result.ok == 'yes'",
        "result.service_apdex.values.values[0].value == '10000'");
  }

  // ---- random trees -----------------------------------------------------------------------

  private String tree(int depth) {
    if (depth == 0 || random.nextInt(4) == 0) {
      return atom();
    }
    return switch (random.nextInt(6)) {
      case 0 ->
          "("
              + tree(depth - 1)
              + " "
              + pick("+", "-", "*", "/", "%", "**")
              + " "
              + tree(depth - 1)
              + ")";
      case 1 -> "(" + tree(depth - 1) + " " + cmp() + " " + tree(depth - 1) + ")";
      case 2 -> "(" + tree(depth - 1) + " " + pick("and", "or") + " " + tree(depth - 1) + ")";
      case 3 -> pick("not ", "-", "") + "(" + tree(depth - 1) + ")";
      case 4 ->
          pick("len", "abs", "string", "int", "float", "isNaN", "asFloat")
              + "("
              + tree(depth - 1)
              + ")";
      default -> "(" + tree(depth - 1) + " ? " + tree(depth - 1) + " : " + tree(depth - 1) + ")";
    };
  }

  private String atom() {
    return switch (random.nextInt(7)) {
      case 0 -> atomNumber();
      case 1 -> pick("true", "false", "nil");
      case 2 -> quote(pick("a", "abc", "1", ""));
      case 3 -> "result";
      case 4 -> pick("[1, 2]", "[]", "{'a': 1}", "1..3");
      case 5 -> pick("result.a", "result[0]", "result?.a", "len(result)");
      default -> floatLiteral();
    };
  }

  private String atomNumber() {
    return pick("0", "1", "2", "-3", "10", "2.5", "0.1", "1e3", "result", "-0.0", "7");
  }

  private String floatLiteral() {
    return pick(
        "1e21",
        "-0.0",
        "123456789.0",
        "0.1",
        "1.0",
        "1e6",
        "100000.0",
        "1.5",
        "0.000001",
        "1e-7",
        "2.5e+10");
  }

  private String cmp() {
    return pick("==", "!=", "<", "<=", ">", ">=");
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Java value our evaluator gets for a case's result (what a provider gives). */
  static @Nullable Object javaResult(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject()) {
      if (node.size() == 1 && node.has("$float")) {
        return special(node.get("$float"));
      }
      if (node.size() == 1 && node.has("$floats")) {
        JsonNode items = node.get("$floats");
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = special(items.get(i));
        }
        return out;
      }
      if (node.size() == 1 && node.has("$absent")) {
        return null;
      }
      Map<String, Object> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        out.put(e.getKey(), javaResult(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>();
      node.forEach(e -> out.add(javaResult(e)));
      return out;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.textValue();
  }

  private static double special(JsonNode node) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return switch (node.textValue()) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> throw new IllegalArgumentException(node.toString());
    };
  }
}
