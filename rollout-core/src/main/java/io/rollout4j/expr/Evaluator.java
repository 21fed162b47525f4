package io.rollout4j.expr;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Walks the syntax tree over one {@code result}, counting steps so that nothing runs away. */
final class Evaluator {
  static final long MAX_STEPS = 1_000_000;
  static final int MAX_COLLECTION = 100_000;
  private static final int MAX_DEPTH = 200;

  private final @Nullable Object result;
  private final java.time.@Nullable Instant now;
  private final List<String> letNames = new ArrayList<>();
  private final List<@Nullable Object> letValues = new ArrayList<>();
  private final List<Object[]> pointers = new ArrayList<>();
  private long steps;
  private int depth;

  Evaluator(@Nullable Object result) {
    this(result, null);
  }

  /** Evaluates with {@code now()} fixed at {@code now} (the wall clock when null). */
  Evaluator(@Nullable Object result, java.time.@Nullable Instant now) {
    this.result = result;
    this.now = now;
  }

  GoTime.Time now() {
    return now == null ? GoTime.now() : GoTime.at(now);
  }

  void step(int column) {
    if (++steps > MAX_STEPS) {
      throw new ExprException("evaluation took more than " + MAX_STEPS + " steps", column);
    }
  }

  @Nullable Object eval(Node node) {
    step(node.column());
    if (++depth > MAX_DEPTH) {
      throw new ExprException(
          "evaluation nested deeper than " + MAX_DEPTH + " levels", node.column());
    }
    try {
      return evalNode(node);
    } finally {
      depth--;
    }
  }

  private @Nullable Object evalNode(Node node) {
    if (node instanceof Node.Literal l) {
      return l.value();
    }
    if (node instanceof Node.Name n) {
      for (int i = letNames.size() - 1; i >= 0; i--) {
        if (letNames.get(i).equals(n.name())) {
          return letValues.get(i);
        }
      }
      if (n.name().equals("result")) {
        return result;
      }
      if (n.name().equals("$env")) {
        return environment();
      }
      throw new ExprException("unknown name " + n.name(), n.column());
    }
    if (node instanceof Node.Pointer p) {
      return pointer(p);
    }
    if (node instanceof Node.Member m) {
      return member(eval(m.target()), m.name(), m.optional(), m.column());
    }
    if (node instanceof Node.Index ix) {
      Object target = eval(ix.target());
      if (target == null && ix.optional()) {
        return null;
      }
      return index(target, eval(ix.index()), ix.column());
    }
    if (node instanceof Node.Slice s) {
      return slice(s);
    }
    if (node instanceof Node.Unary u) {
      return unary(u);
    }
    if (node instanceof Node.Binary b) {
      return binary(b);
    }
    if (node instanceof Node.Conditional c) {
      return truth(eval(c.condition()), "?:", c.column()) ? eval(c.then()) : eval(c.otherwise());
    }
    if (node instanceof Node.Call call) {
      return Builtins.call(call, this);
    }
    if (node instanceof Node.MethodCall m) {
      Object target = eval(m.target());
      List<@Nullable Object> args = new ArrayList<>(m.args().size());
      for (Node arg : m.args()) {
        args.add(eval(arg));
      }
      if (target == null) {
        throw new ExprException("cannot call " + m.name() + " on nil", m.column());
      }
      return GoTime.method(target, m.name(), args, m.column());
    }
    if (node instanceof Node.ArrayLiteral a) {
      List<@Nullable Object> out = new ArrayList<>(a.items().size());
      for (Node item : a.items()) {
        out.add(eval(item));
      }
      return out;
    }
    if (node instanceof Node.MapLiteral m) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      for (int i = 0; i < m.keys().size(); i++) {
        Object key = eval(m.keys().get(i));
        // A key written twice keeps its first value, as in expr 1.15.
        out.putIfAbsent(key instanceof String s ? s : Values.format(key), eval(m.values().get(i)));
      }
      return out;
    }
    if (node instanceof Node.Let let) {
      Object value = eval(let.value());
      letNames.add(let.name());
      letValues.add(value);
      try {
        return eval(let.body());
      } finally {
        letNames.remove(letNames.size() - 1);
        letValues.remove(letValues.size() - 1);
      }
    }
    if (node instanceof Node.Closure c) {
      throw new ExprException(
          "a predicate is only allowed as an argument of a function like all()", c.column());
    }
    throw new IllegalStateException("unknown node " + node);
  }

  /** Applies a predicate body with {@code #} bound to an element. */
  @Nullable Object apply(
      Node closure, @Nullable Object element, int index, @Nullable Object accumulator) {
    Node body = closure instanceof Node.Closure c ? c.body() : closure;
    pointers.add(new Object[] {element, (long) index, accumulator});
    try {
      return eval(body);
    } finally {
      pointers.remove(pointers.size() - 1);
    }
  }

  private @Nullable Object pointer(Node.Pointer p) {
    if (pointers.isEmpty()) {
      throw new ExprException("'#' is only allowed inside a predicate", p.column());
    }
    Object[] frame = pointers.get(pointers.size() - 1);
    return switch (p.name()) {
      case "" -> frame[0];
      case "index" -> frame[1];
      case "acc" -> frame[2];
      default -> throw new ExprException("unknown pointer #" + p.name(), p.column());
    };
  }

  static @Nullable Object member(
      @Nullable Object target, String name, boolean optional, int column) {
    if (target instanceof Map<?, ?> map) {
      return map.get(name);
    }
    if (target == null) {
      if (optional) {
        return null;
      }
      throw new ExprException("cannot fetch " + name + " from <nil>", column);
    }
    throw new ExprException("cannot fetch " + name + " from " + Values.typeName(target), column);
  }

  static @Nullable Object index(@Nullable Object target, @Nullable Object index, int column) {
    if (target instanceof Map<?, ?> map) {
      if (index == null) {
        return null; // Go's map lookup of the zero key
      }
      if (!(index instanceof String key)) {
        throw new ExprException("cannot use " + Values.typeName(index) + " as a map key", column);
      }
      return map.get(key);
    }
    if (target instanceof List<?> list) {
      return list.get(position(index, list.size(), column));
    }
    if (target instanceof String s) {
      int i = position(index, s.length(), column);
      return String.valueOf(s.charAt(i));
    }
    throw new ExprException(
        "cannot fetch " + Values.format(index) + " from " + Values.typeName(target), column);
  }

  private static int position(@Nullable Object index, int length, int column) {
    if (!(index instanceof Long l)) {
      throw new ExprException("index must be an integer, found " + Values.typeName(index), column);
    }
    long i = l < 0 ? l + length : l;
    if (i < 0 || i >= length) {
      throw new ExprException("index out of range: " + l + " (length " + length + ")", column);
    }
    return (int) i;
  }

  private @Nullable Object slice(Node.Slice s) {
    Object target = eval(s.target());
    int length;
    if (target instanceof List<?> list) {
      length = list.size();
    } else if (target instanceof String str) {
      length = str.length();
    } else {
      throw new ExprException("cannot slice " + Values.typeName(target), s.column());
    }
    // expr clamps: negative bounds count from the end, then both are kept within the length,
    // and a start after the end gives an empty slice.
    int to = bound(s.to() == null ? (long) length : eval(s.to()), length, s.column());
    int from = Math.min(bound(s.from() == null ? 0L : eval(s.from()), length, s.column()), to);
    if (target instanceof FloatVector vector) {
      return vector.slice(from, to);
    }
    return target instanceof List<?> list
        ? new ArrayList<>(list.subList(from, to))
        : ((String) target).substring(from, to);
  }

  private static int bound(@Nullable Object value, int length, int column) {
    if (!(value instanceof Long l)) {
      throw new ExprException(
          "slice bound must be an integer, found " + Values.typeName(value), column);
    }
    long i = l < 0 ? l + length : l;
    return (int) Math.max(0, Math.min(i, length));
  }

  private @Nullable Object unary(Node.Unary u) {
    Object value = eval(u.operand());
    switch (u.op()) {
      case "not":
        return !truth(value, "!", u.column());
      case "-":
        if (value instanceof Long l) {
          return -l;
        }
        if (value instanceof Double d) {
          return -d;
        }
        throw new ExprException(
            "invalid operation: - (mismatched type " + Values.typeName(value) + ")", u.column());
      default:
        if (Values.isNumber(value)) {
          return value;
        }
        throw new ExprException(
            "invalid operation: + (mismatched type " + Values.typeName(value) + ")", u.column());
    }
  }

  static boolean truth(@Nullable Object value, String op, int column) {
    if (value instanceof Boolean b) {
      return b;
    }
    throw new ExprException(
        "invalid operation: " + op + " (expected bool, found " + Values.typeName(value) + ")",
        column);
  }

  /**
   * findIndex and findLastIndex are typed int in expr 1.15 but give nil when nothing matches;
   * comparing that nil with an int then fails in Argo, so it fails here.
   */
  private static boolean nilIndex(Node node, @Nullable Object value, @Nullable Object other) {
    return value == null
        && other instanceof Long
        && node instanceof Node.Call call
        && (call.function().equals("findIndex") || call.function().equals("findLastIndex"));
  }

  private @Nullable Object binary(Node.Binary b) {
    String op = b.op();
    int column = b.column();
    switch (op) {
      case "and", "&&" -> {
        // expr 1.15 folds a literal operand away before running: "x and false" is false
        // whatever x is, "x and true" is x itself.
        Boolean l = literalBool(b.left());
        Boolean r = literalBool(b.right());
        if (Boolean.FALSE.equals(l) || Boolean.FALSE.equals(r)) {
          return false;
        }
        if (Boolean.TRUE.equals(l)) {
          return eval(b.right());
        }
        if (Boolean.TRUE.equals(r)) {
          return eval(b.left());
        }
        return truth(eval(b.left()), op, column) && truth(eval(b.right()), op, column);
      }
      case "or", "||" -> {
        Boolean l = literalBool(b.left());
        Boolean r = literalBool(b.right());
        if (Boolean.TRUE.equals(l) || Boolean.TRUE.equals(r)) {
          return true;
        }
        if (Boolean.FALSE.equals(l)) {
          return eval(b.right());
        }
        if (Boolean.FALSE.equals(r)) {
          return eval(b.left());
        }
        return truth(eval(b.left()), op, column) || truth(eval(b.right()), op, column);
      }
      case "??" -> {
        Object left = eval(b.left());
        return left != null ? left : eval(b.right());
      }
      default -> {
        // evaluated below
      }
    }
    Object left = eval(b.left());
    Object right = eval(b.right());
    if ((op.equals("==") || op.equals("!="))
        && (nilIndex(b.left(), left, right) || nilIndex(b.right(), right, left))) {
      throw new ExprException("interface conversion: interface {} is nil, not int", column);
    }
    if (op.equals("==")
        && (durationAsInt(b.left(), left, right) || durationAsInt(b.right(), right, left))) {
      // A duration combined with an int is typed int by expr's checker, compared as an int,
      // and fails at run time holding a time.Duration.
      throw new ExprException(
          "interface conversion: interface {} is time.Duration, not int", column);
    }
    return switch (op) {
      case "==" -> Values.equal(left, right);
      case "!=" -> !Values.equal(left, right);
      case "<" -> {
        int c = compared(left, right, op, column);
        yield c != Integer.MIN_VALUE && c < 0;
      }
      case ">" -> compared(left, right, op, column) > 0;
      case "<=" -> {
        int c = compared(left, right, op, column);
        yield c != Integer.MIN_VALUE && c <= 0;
      }
      case ">=" -> {
        int c = compared(left, right, op, column);
        yield c != Integer.MIN_VALUE && c >= 0;
      }
      case "in" -> {
        if (left != null && !(left instanceof String) && stringLiterals(b.right())) {
          // expr 1.15 turns "x in ['a', 'b']" into a lookup in a set of strings, which fails
          // for a key of another type.
          throw new ExprException(
              "reflect.Value.MapIndex: value of type "
                  + Values.typeName(left)
                  + " is not assignable to type string",
              column);
        }
        yield in(left, right, column);
      }
      case "matches" -> matches(left, right, column);
      case "contains" ->
          strings(left, right, op, column)[0].contains(strings(left, right, op, column)[1]);
      case "startsWith" ->
          strings(left, right, op, column)[0].startsWith(strings(left, right, op, column)[1]);
      case "endsWith" ->
          strings(left, right, op, column)[0].endsWith(strings(left, right, op, column)[1]);
      case ".." -> range(left, right, column);
      default -> Arithmetic.apply(op, left, right, column);
    };
  }

  private static int compared(
      @Nullable Object left, @Nullable Object right, String op, int column) {
    int c = Values.compare(left, right, op, column);
    return c == Integer.MIN_VALUE ? Integer.MIN_VALUE : c;
  }

  private static String[] strings(
      @Nullable Object left, @Nullable Object right, String op, int column) {
    if (left instanceof String a && right instanceof String b) {
      return new String[] {a, b};
    }
    throw Values.mismatched(op, left, right, column);
  }

  private static boolean durationAsInt(Node node, @Nullable Object value, @Nullable Object other) {
    return value instanceof GoTime.Duration
        && other instanceof Long
        && node instanceof Node.Binary b
        && (b.op().equals("*") || b.op().equals("+") || b.op().equals("-"))
        && (b.left() instanceof Node.Literal || b.right() instanceof Node.Literal);
  }

  private static @Nullable Boolean literalBool(Node node) {
    return node instanceof Node.Literal l && l.value() instanceof Boolean b ? b : null;
  }

  private static boolean stringLiterals(Node node) {
    if (!(node instanceof Node.ArrayLiteral a) || a.items().isEmpty()) {
      return false;
    }
    for (Node item : a.items()) {
      if (!(item instanceof Node.Literal l && l.value() instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static boolean in(@Nullable Object element, @Nullable Object collection, int column) {
    if (collection instanceof List<?> list) {
      for (Object item : list) {
        if (Values.equal(element, item)) {
          return true;
        }
      }
      return false;
    }
    if (collection instanceof Map<?, ?> map) {
      if (element != null && !(element instanceof String)) {
        // Go's map lookup with a key of another type panics in expr.
        throw new ExprException(
            "reflect.Value.MapIndex: value of type "
                + Values.typeName(element)
                + " is not assignable to type string",
            column);
      }
      return element != null && map.containsKey(element);
    }
    if (collection == null) {
      return false;
    }
    throw new ExprException(
        "invalid operation: in (mismatched types "
            + Values.typeName(element)
            + " and "
            + Values.typeName(collection)
            + ")",
        column);
  }

  private @Nullable Map<String, Pattern> patterns; // made on the first matches

  private boolean matches(@Nullable Object text, @Nullable Object regex, int column) {
    String[] pair = strings(text, regex, "matches", column);
    Map<String, Pattern> compiled = patterns;
    if (compiled == null) {
      compiled = new LinkedHashMap<>();
      patterns = compiled;
    }
    Pattern pattern = compiled.get(pair[1]);
    if (pattern == null) {
      try {
        pattern = Pattern.compile(pair[1]);
      } catch (PatternSyntaxException e) {
        throw new ExprException("invalid regular expression: " + e.getMessage(), column);
      }
      compiled.put(pair[1], pattern);
    }
    return pattern.matcher(pair[0]).find();
  }

  private static List<Object> range(@Nullable Object from, @Nullable Object to, int column) {
    if (!(from instanceof Long a) || !(to instanceof Long b)) {
      throw Values.mismatched("..", from, to, column);
    }
    if (b - a >= MAX_COLLECTION) {
      throw new ExprException(
          "range " + a + ".." + b + " has more than " + MAX_COLLECTION + " elements", column);
    }
    List<Object> out = new ArrayList<>();
    for (long i = a; i <= b; i++) {
      out.add(i);
    }
    return out;
  }

  /**
   * {@code $env}: the environment Argo passes to expr, the result and its six helpers (the helpers
   * are functions there; here they are values that can be looked up and counted only).
   */
  private Map<String, @Nullable Object> environment() {
    Map<String, @Nullable Object> env = new java.util.LinkedHashMap<>();
    env.put("result", result);
    for (String helper : List.of("asInt", "asFloat", "isNaN", "isInf", "isNil", "default")) {
      env.put(helper, Values.function(helper));
    }
    return java.util.Collections.unmodifiableMap(env);
  }
}
