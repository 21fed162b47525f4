package io.rollout4j.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * expr compiles a condition against the actual {@code result}, so operands whose type is known (the
 * result itself, literals, typed functions like {@code asFloat}) are checked before anything runs:
 * {@code asFloat(result) == "1.1"} fails as a mismatch, while fields inside maps and lists are
 * untyped and checked when evaluated. Names are checked once, at compile time.
 */
final class Checker {

  enum Kind {
    ANY,
    NIL,
    BOOL,
    INT,
    FLOAT,
    STRING,
    ARRAY,
    MAP,
    TIME,
    DURATION;

    boolean known() {
      return this != ANY;
    }

    /** expr's isNumber: a time.Duration is an int64 to its checker (its runtime says no). */
    boolean numeric() {
      return this == INT || this == FLOAT || this == DURATION;
    }

    String goName() {
      return switch (this) {
        case BOOL -> "bool";
        case INT -> "int";
        case FLOAT -> "float64";
        case STRING -> "string";
        case ARRAY -> "[]interface {}";
        case MAP -> "map[string]interface {}";
        case TIME -> "time.Time";
        case DURATION -> "time.Duration";
        case NIL -> "<nil>";
        case ANY -> "interface {}";
      };
    }
  }

  private static final Map<String, Kind> RETURNS =
      Map.ofEntries(
          Map.entry("asInt", Kind.INT),
          Map.entry("asFloat", Kind.FLOAT),
          Map.entry("len", Kind.INT),
          Map.entry("count", Kind.INT),
          Map.entry("findIndex", Kind.INT),
          Map.entry("findLastIndex", Kind.INT),
          Map.entry("indexOf", Kind.INT),
          Map.entry("lastIndexOf", Kind.INT),
          Map.entry("int", Kind.INT),
          Map.entry("float", Kind.FLOAT),
          Map.entry("ceil", Kind.FLOAT),
          Map.entry("floor", Kind.FLOAT),
          Map.entry("round", Kind.FLOAT),
          Map.entry("mean", Kind.FLOAT),
          Map.entry("median", Kind.FLOAT),
          Map.entry("isNaN", Kind.BOOL),
          Map.entry("isInf", Kind.BOOL),
          Map.entry("isNil", Kind.BOOL),
          Map.entry("all", Kind.BOOL),
          Map.entry("any", Kind.BOOL),
          Map.entry("none", Kind.BOOL),
          Map.entry("one", Kind.BOOL),
          Map.entry("hasPrefix", Kind.BOOL),
          Map.entry("hasSuffix", Kind.BOOL),
          Map.entry("string", Kind.STRING),
          Map.entry("type", Kind.STRING),
          Map.entry("upper", Kind.STRING),
          Map.entry("lower", Kind.STRING),
          Map.entry("trim", Kind.STRING),
          Map.entry("trimPrefix", Kind.STRING),
          Map.entry("trimSuffix", Kind.STRING),
          Map.entry("replace", Kind.STRING),
          Map.entry("repeat", Kind.STRING),
          Map.entry("join", Kind.STRING),
          Map.entry("toJSON", Kind.STRING),
          Map.entry("toBase64", Kind.STRING),
          Map.entry("fromBase64", Kind.STRING),
          Map.entry("filter", Kind.ARRAY),
          Map.entry("map", Kind.ARRAY),
          Map.entry("keys", Kind.ARRAY),
          Map.entry("values", Kind.ARRAY),
          Map.entry("split", Kind.ARRAY),
          Map.entry("splitAfter", Kind.ARRAY),
          Map.entry("sort", Kind.ARRAY),
          Map.entry("sortBy", Kind.ARRAY),
          Map.entry("reverse", Kind.ARRAY),
          Map.entry("uniq", Kind.ARRAY),
          Map.entry("concat", Kind.ARRAY),
          Map.entry("flatten", Kind.ARRAY),
          Map.entry("take", Kind.ARRAY),
          Map.entry("toPairs", Kind.ARRAY),
          Map.entry("groupBy", Kind.MAP),
          Map.entry("now", Kind.TIME),
          Map.entry("date", Kind.TIME),
          Map.entry("duration", Kind.DURATION),
          Map.entry("fromPairs", Kind.MAP));

  /** What Argo puts in expr's environment (its builtins are expr's own). */
  private static final java.util.Set<String> ENVIRONMENT =
      java.util.Set.of("result", "asInt", "asFloat", "isNaN", "isInf", "isNil", "default");

  private static final java.util.Set<String> BOOLEAN_PREDICATES =
      java.util.Set.of(
          "all",
          "any",
          "none",
          "one",
          "filter",
          "find",
          "findIndex",
          "findLast",
          "findLastIndex",
          "count");

  /** A predicate's closure: the type of {@code #}, and whether #index and #acc exist there. */
  private record Scope(Kind element, boolean index, boolean acc) {}

  private final List<Scope> scopes = new ArrayList<>();

  private static final int MAX_DEPTH = 200;

  private final Kind resultKind;
  private final @Nullable Kind resultElement;
  private int depth;
  private final List<String> letNames = new ArrayList<>();
  private final List<Kind> letKinds = new ArrayList<>();

  private Checker(Kind resultKind, @Nullable Kind resultElement) {
    this.resultKind = resultKind;
    this.resultElement = resultElement;
  }

  /** Compile-time checks that do not depend on the result: names and functions exist. */
  static void checkNames(Node root) {
    new Checker(Kind.ANY, null).kind(root);
  }

  /** Type checks against the actual result; returns the static kind of the whole expression. */
  static Kind check(Node root, @Nullable Object result) {
    // A double[] is Go's []float64 (a Prometheus vector): its elements are typed.
    Kind element =
        result instanceof double[] ? Kind.FLOAT : result instanceof List ? Kind.ANY : null;
    return new Checker(kindOf(result), element).kind(root);
  }

  static Kind kindOf(@Nullable Object value) {
    if (value == null) {
      return Kind.NIL; // expr types the environment's nil as nil, not as interface{}
    }
    if (value instanceof Boolean) {
      return Kind.BOOL;
    }
    if (value instanceof Long) {
      return Kind.INT;
    }
    if (value instanceof Double) {
      return Kind.FLOAT;
    }
    if (value instanceof String) {
      return Kind.STRING;
    }
    if (value instanceof List || value instanceof double[]) {
      return Kind.ARRAY;
    }
    if (value instanceof Map) {
      return Kind.MAP;
    }
    return Kind.ANY;
  }

  private Kind kind(Node node) {
    if (++depth > MAX_DEPTH) {
      throw new ExprException(
          "expression nested deeper than " + MAX_DEPTH + " levels", node.column());
    }
    try {
      return kindOfNode(node);
    } finally {
      depth--;
    }
  }

  private Kind kindOfNode(Node node) {
    if (node instanceof Node.Literal l) {
      return l.value() == null ? Kind.NIL : kindOf(l.value());
    }
    if (node instanceof Node.Name n) {
      for (int i = letNames.size() - 1; i >= 0; i--) {
        if (letNames.get(i).equals(n.name())) {
          return letKinds.get(i);
        }
      }
      if (n.name().equals("result")) {
        return resultKind;
      }
      if (n.name().equals("$env")) {
        return Kind.MAP;
      }
      throw new ExprException("unknown name " + n.name(), n.column());
    }
    if (node instanceof Node.Pointer p) {
      if (scopes.isEmpty()) {
        throw new ExprException("cannot use pointer accessor outside closure", p.column());
      }
      Scope scope = scopes.get(scopes.size() - 1);
      if (p.name().isEmpty()) {
        return scope.element();
      }
      if (p.name().equals("index") && scope.index()) {
        return Kind.INT;
      }
      if (p.name().equals("acc") && scope.acc()) {
        return Kind.ANY;
      }
      throw new ExprException("unknown pointer #" + p.name(), p.column());
    }
    if (node instanceof Node.Member m) {
      if (isEnv(m.target())) {
        return environment(m.name(), m.column());
      }
      Kind target = kind(m.target());
      if (target.known() && target != Kind.MAP) {
        throw new ExprException(
            "type " + target.goName() + " has no field " + m.name(), m.column());
      }
      return Kind.ANY;
    }
    if (node instanceof Node.Index ix) {
      if (isEnv(ix.target())
          && ix.index() instanceof Node.Literal key
          && key.value() instanceof String name) {
        return environment(name, ix.column());
      }
      Kind target = kind(ix.target());
      Kind index = kind(ix.index());
      if (target == Kind.STRING) {
        throw new ExprException("type string[" + index.goName() + "] is undefined", ix.column());
      }
      if (target == Kind.MAP && index != Kind.STRING && index != Kind.ANY && index != Kind.NIL) {
        throw new ExprException(
            "cannot use " + index.goName() + " to get an element from map[string]interface {}",
            ix.column());
      }
      if (target != Kind.ARRAY && target != Kind.MAP && target != Kind.ANY) {
        throw new ExprException(
            "type " + target.goName() + "[" + index.goName() + "] is undefined", ix.column());
      }
      Kind element = target == Kind.ARRAY ? goElement(ix.target()) : null;
      return element == null ? Kind.ANY : element;
    }
    if (node instanceof Node.Slice s) {
      Kind target = kind(s.target());
      if (s.from() != null) {
        kind(s.from());
      }
      if (s.to() != null) {
        kind(s.to());
      }
      return target == Kind.STRING || target == Kind.ARRAY ? target : Kind.ANY;
    }
    if (node instanceof Node.Unary u) {
      Kind operand = kind(u.operand());
      if (u.op().equals("not")) {
        if (operand == Kind.BOOL || operand == Kind.ANY) {
          return Kind.BOOL;
        }
        throw new ExprException(
            "invalid operation: ! (mismatched type " + operand.goName() + ")", u.column());
      }
      if (operand.numeric()) {
        return operand;
      }
      if (operand == Kind.ANY) {
        return Kind.ANY;
      }
      throw new ExprException(
          "invalid operation: " + u.op() + " (mismatched type " + operand.goName() + ")",
          u.column());
    }
    if (node instanceof Node.Binary b) {
      return binary(b, kind(b.left()), kind(b.right()));
    }
    if (node instanceof Node.Conditional c) {
      Kind condition = kind(c.condition());
      if (condition != Kind.BOOL && condition != Kind.ANY) {
        throw new ExprException(
            "non-bool expression (type " + condition.goName() + ") used as condition", c.column());
      }
      Kind then = kind(c.then());
      Kind otherwise = kind(c.otherwise());
      if (then == Kind.NIL) {
        return otherwise;
      }
      return otherwise == Kind.NIL || then == otherwise ? then : Kind.ANY;
    }
    if (node instanceof Node.Call call) {
      return call(call);
    }
    if (node instanceof Node.MethodCall m) {
      Kind target = kind(m.target());
      m.args().forEach(this::kind);
      if (target != Kind.TIME && target != Kind.DURATION && target != Kind.ANY) {
        throw new ExprException(
            "type " + target.goName() + " has no method " + m.name(), m.column());
      }
      return switch (m.name()) {
        case "Year",
            "Day",
            "YearDay",
            "Hour",
            "Minute",
            "Second",
            "Nanosecond",
            "Unix",
            "UnixMilli",
            "Milliseconds",
            "Microseconds",
            "Nanoseconds" ->
            Kind.INT;
        case "Hours", "Minutes", "Seconds" -> Kind.FLOAT;
        case "Before", "After", "Equal", "IsZero" -> Kind.BOOL;
        case "Sub" -> Kind.DURATION;
        case "Add" -> Kind.TIME;
        case "String" -> Kind.STRING;
        default -> Kind.ANY;
      };
    }
    if (node instanceof Node.Closure c) {
      kind(c.body());
      return Kind.ANY;
    }
    if (node instanceof Node.ArrayLiteral a) {
      a.items().forEach(this::kind);
      return Kind.ARRAY;
    }
    if (node instanceof Node.MapLiteral m) {
      m.keys().forEach(this::kind);
      m.values().forEach(this::kind);
      return Kind.MAP;
    }
    Node.Let let = (Node.Let) node;
    if (Builtins.NAMES.contains(let.name()) && !ENVIRONMENT.contains(let.name())) {
      throw new ExprException("cannot redeclare builtin " + let.name(), let.column());
    }
    if (ENVIRONMENT.contains(let.name()) || letNames.contains(let.name())) {
      throw new ExprException("cannot redeclare " + let.name(), let.column());
    }
    Kind value = kind(let.value());
    letNames.add(let.name());
    letKinds.add(value);
    try {
      return kind(let.body());
    } finally {
      letNames.remove(letNames.size() - 1);
      letKinds.remove(letKinds.size() - 1);
    }
  }

  /** {@code $env}: expr's name for the environment Argo passes (result and its helpers). */
  private boolean isEnv(Node node) {
    return node instanceof Node.Name n && n.name().equals("$env") && !shadowed("$env");
  }

  private Kind environment(String name, int column) {
    if (name.equals("result")) {
      return resultKind;
    }
    if (ENVIRONMENT.contains(name)) {
      return Kind.ANY;
    }
    throw new ExprException("unknown name " + name, column);
  }

  /** A builtin's call, with the argument checks expr 1.15's builtins make before running. */
  private Kind call(Node.Call call) {
    String fn = call.function();
    if (!Builtins.NAMES.contains(fn)) {
      throw new ExprException("unknown name " + fn, call.column());
    }
    List<Node> args = call.args();
    if (Builtins.isPredicate(fn) && !args.isEmpty()) {
      Kind collection = kind(args.get(0));
      if (collection != Kind.ARRAY && collection != Kind.ANY) {
        throw new ExprException(
            "builtin " + fn + " takes only array (got " + collection.goName() + ")", call.column());
      }
      Kind element = goElement(args.get(0));
      scopes.add(
          new Scope(
              element == null ? Kind.ANY : element,
              fn.equals("map") || fn.equals("reduce"),
              fn.equals("reduce")));
      try {
        if (args.size() > 1) {
          Kind body = kind(args.get(1) instanceof Node.Closure c ? c.body() : args.get(1));
          if (BOOLEAN_PREDICATES.contains(fn) && body != Kind.BOOL && body != Kind.ANY) {
            throw new ExprException(
                "predicate should return boolean (got " + body.goName() + ")", call.column());
          }
        }
      } finally {
        scopes.remove(scopes.size() - 1);
      }
      for (int i = 2; i < args.size(); i++) {
        kind(args.get(i));
      }
      if (fn.equals("find") || fn.equals("findLast")) {
        return element == null ? Kind.ANY : element;
      }
      return RETURNS.getOrDefault(fn, Kind.ANY);
    }
    List<Kind> kinds = new ArrayList<>(args.size());
    for (Node arg : args) {
      kinds.add(kind(arg));
    }
    switch (fn) {
      case "max", "min" -> {
        if (kinds.isEmpty()) {
          throw new ExprException("not enough arguments to call " + fn, call.column());
        }
        for (Kind k : kinds) {
          if (k == Kind.ANY) {
            return Kind.ANY;
          }
          if (!k.numeric()) {
            throw new ExprException(
                "invalid argument for " + fn + " (type " + k.goName() + ")", call.column());
          }
        }
        return kinds.get(0);
      }
      case "mean", "median", "sum" -> {
        arity(call, kinds, 1);
        Kind k = kinds.get(0);
        if (k != Kind.ARRAY && k != Kind.ANY) {
          throw new ExprException(
              "cannot " + (fn.equals("mean") ? "avg" : fn) + " " + k.goName(), call.column());
        }
      }
      case "isNaN", "isInf" -> {
        arity(call, kinds, 1);
        Kind k = kinds.get(0);
        // An int converts to the float64 parameter only when it is written as a literal.
        boolean literalInt =
            k == Kind.INT
                && (args.get(0) instanceof Node.Literal
                    || args.get(0) instanceof Node.Unary u && u.operand() instanceof Node.Literal);
        if (k != Kind.FLOAT && k != Kind.ANY && !literalInt) {
          throw new ExprException(
              "cannot use " + k.goName() + " as argument (type float64) to call " + fn,
              call.column());
        }
      }
      case "asInt", "asFloat", "isNil" -> arity(call, kinds, 1);
      case "first", "last" -> {
        Kind element = args.size() == 1 ? goElement(args.get(0)) : null;
        if (element != null) {
          return element;
        }
      }
      case "join" -> {
        Kind element = args.isEmpty() ? null : goElement(args.get(0));
        if (element != null && element != Kind.STRING && element != Kind.ANY) {
          throw new ExprException(
              "cannot use []" + element.goName() + " as argument to join", call.column());
        }
      }
      case "len" -> {
        arity(call, kinds, 1);
        Kind k = kinds.get(0);
        if (k != Kind.ARRAY && k != Kind.MAP && k != Kind.STRING && k != Kind.ANY) {
          throw new ExprException(
              "invalid argument for len (type " + k.goName() + ")", call.column());
        }
      }
      case "default" -> arity(call, kinds, 2);
      case "abs" -> {
        if (kinds.size() == 1 && kinds.get(0).numeric()) {
          return kinds.get(0);
        }
        return Kind.ANY;
      }
      default -> {}
    }
    return RETURNS.getOrDefault(fn, Kind.ANY);
  }

  private static void arity(Node.Call call, List<Kind> kinds, int expected) {
    if (kinds.size() != expected) {
      throw new ExprException(
          "invalid number of arguments (expected " + expected + ", got " + kinds.size() + ")",
          call.column());
    }
  }

  /**
   * expr's rules for a binary operator (v1.15.5's checker): an operand of unknown type ({@code
   * interface{}}) defers the check to run time only where expr's does; {@code nil} is a type of its
   * own, comparable with anything but usable in no arithmetic, logic or ordering.
   */
  private Kind binary(Node.Binary b, Kind left, Kind right) {
    String op = b.op();
    switch (op) {
      case "==", "!=" -> {
        if (comparable(left, right)) {
          return Kind.BOOL;
        }
      }
      case "and", "&&", "or", "||" -> {
        if (left == Kind.BOOL && right == Kind.BOOL || either(left, right, Kind.BOOL)) {
          return Kind.BOOL;
        }
      }
      case "<", ">", "<=", ">=" -> {
        if (left.numeric() && right.numeric()
            || left == Kind.STRING && right == Kind.STRING
            || left == Kind.TIME && right == Kind.TIME
            || either(left, right, Kind.INT, Kind.FLOAT, Kind.DURATION, Kind.STRING, Kind.TIME)) {
          return Kind.BOOL;
        }
      }
      case "-" -> {
        if (left.numeric() && right.numeric()) {
          return combined(left, right);
        }
        if (left == Kind.TIME && right == Kind.TIME) {
          return Kind.DURATION;
        }
        if (left == Kind.TIME && right == Kind.DURATION) {
          return Kind.TIME;
        }
        if (either(left, right, Kind.INT, Kind.FLOAT, Kind.DURATION, Kind.TIME)) {
          return Kind.ANY;
        }
      }
      case "*" -> {
        if (left.numeric() && right.numeric()) {
          return combined(left, right);
        }
        if (either(left, right, Kind.INT, Kind.FLOAT, Kind.DURATION)) {
          return Kind.ANY;
        }
      }
      case "/", "**", "^" -> {
        if (left.numeric() && right.numeric() || either(left, right, Kind.INT, Kind.FLOAT)) {
          return Kind.FLOAT;
        }
      }
      case "%" -> {
        if (integer(left) && integer(right)) {
          return combined(left, right);
        }
        if (either(left, right, Kind.INT, Kind.DURATION)) {
          return Kind.ANY;
        }
      }
      case "+" -> {
        if (left.numeric() && right.numeric()) {
          return combined(left, right);
        }
        if (left == Kind.STRING && right == Kind.STRING) {
          return Kind.STRING;
        }
        if (left == Kind.TIME && right == Kind.DURATION
            || left == Kind.DURATION && right == Kind.TIME) {
          return Kind.TIME;
        }
        if (either(left, right, Kind.INT, Kind.FLOAT, Kind.DURATION, Kind.STRING, Kind.TIME)) {
          return Kind.ANY;
        }
      }
      case "in" -> {
        return in(b, left, right);
      }
      case "matches", "contains", "startsWith", "endsWith" -> {
        if (left == Kind.STRING && right == Kind.STRING || either(left, right, Kind.STRING)) {
          return Kind.BOOL;
        }
      }
      case ".." -> {
        if (integer(left) && integer(right) || either(left, right, Kind.INT, Kind.DURATION)) {
          return Kind.ARRAY;
        }
      }
      case "??" -> {
        if (left == Kind.NIL) {
          return right;
        }
        if (right == Kind.NIL || left == right) {
          return left;
        }
        return Kind.ANY;
      }
      default -> throw new ExprException("unknown operator (" + op + ")", b.column());
    }
    throw mismatch(op, left, right, b.column());
  }

  /**
   * {@code in}: a map's keys are strings; an array's elements have the type Go gives them ({@code
   * []float64} for a Prometheus vector, {@code []int} for a range) and, for a literal whose
   * elements share one kind, that kind.
   */
  private Kind in(Node.Binary b, Kind left, Kind right) {
    if (right == Kind.MAP) {
      if (left != Kind.NIL && left != Kind.ANY && left != Kind.STRING) {
        throw new ExprException(
            "cannot use " + left.goName() + " as type string in map key", b.column());
      }
      return Kind.BOOL;
    }
    if (right == Kind.ARRAY) {
      if (left == Kind.NIL) {
        return Kind.BOOL;
      }
      for (Kind elem : new Kind[] {goElement(b.right()), literalElement(b.right())}) {
        if (elem != null && !comparable(left, elem)) {
          throw new ExprException(
              "cannot use " + left.goName() + " as type " + elem.goName() + " in array",
              b.column());
        }
      }
      return Kind.BOOL;
    }
    if (left == Kind.ANY && (right == Kind.STRING || right == Kind.ARRAY || right == Kind.MAP)
        || right == Kind.ANY) {
      return Kind.BOOL;
    }
    throw mismatch("in", left, right, b.column());
  }

  /** The Go element type of an array-typed node: []float64, []int, []string, or interface{}. */
  private @Nullable Kind goElement(Node node) {
    if (node instanceof Node.Binary r && r.op().equals("..")) {
      return Kind.INT;
    }
    if (node instanceof Node.Name n && n.name().equals("result") && !shadowed("result")) {
      return resultElement;
    }
    if (node instanceof Node.Call c
        && (c.function().equals("split") || c.function().equals("splitAfter"))) {
      return Kind.STRING;
    }
    return null;
  }

  /** The kind every element of an array literal has, if they share one. */
  private @Nullable Kind literalElement(Node node) {
    if (!(node instanceof Node.ArrayLiteral a) || a.items().isEmpty()) {
      return null;
    }
    Kind first = null;
    for (Node item : a.items()) {
      Kind k = kind(item);
      if (k == Kind.NIL || first != null && k != first) {
        return null;
      }
      first = k;
    }
    return first;
  }

  private boolean shadowed(String name) {
    return letNames.contains(name);
  }

  private static boolean comparable(Kind left, Kind right) {
    return left == Kind.NIL
        || right == Kind.NIL
        || left == right
        || left.numeric() && right.numeric()
        || left == Kind.ANY
        || right == Kind.ANY;
  }

  /** expr's {@code or}: one side unknown and the other unknown or one of {@code kinds}. */
  private static boolean either(Kind left, Kind right, Kind... kinds) {
    if (left == Kind.ANY && right == Kind.ANY) {
      return true;
    }
    Kind other = left == Kind.ANY ? right : right == Kind.ANY ? left : null;
    if (other == null) {
      return false;
    }
    for (Kind k : kinds) {
      if (other == k) {
        return true;
      }
    }
    return false;
  }

  private static Kind combined(Kind left, Kind right) {
    if (left == right) {
      return left;
    }
    return left == Kind.FLOAT || right == Kind.FLOAT ? Kind.FLOAT : Kind.INT;
  }

  private static boolean integer(Kind kind) {
    return kind == Kind.INT || kind == Kind.DURATION;
  }

  private static ExprException mismatch(String op, Kind left, Kind right, int column) {
    return new ExprException(
        "invalid operation: "
            + op
            + " (mismatched types "
            + left.goName()
            + " and "
            + right.goName()
            + ")",
        column);
  }
}
