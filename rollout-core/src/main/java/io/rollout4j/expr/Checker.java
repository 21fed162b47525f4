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
    MAP;

    boolean known() {
      return this != ANY && this != NIL;
    }

    boolean numeric() {
      return this == INT || this == FLOAT;
    }

    String goName() {
      return switch (this) {
        case BOOL -> "bool";
        case INT -> "int";
        case FLOAT -> "float64";
        case STRING -> "string";
        case ARRAY -> "[]interface {}";
        case MAP -> "map[string]interface {}";
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
          Map.entry("fromPairs", Kind.MAP));

  private static final int MAX_DEPTH = 200;

  private final Kind resultKind;
  private int depth;
  private final List<String> letNames = new ArrayList<>();
  private final List<Kind> letKinds = new ArrayList<>();

  private Checker(Kind resultKind) {
    this.resultKind = resultKind;
  }

  /** Compile-time checks that do not depend on the result: names and functions exist. */
  static void checkNames(Node root) {
    new Checker(Kind.ANY).kind(root);
  }

  /** Type checks against the actual result; returns the static kind of the whole expression. */
  static Kind check(Node root, @Nullable Object result) {
    return new Checker(kindOf(result)).kind(root);
  }

  static Kind kindOf(@Nullable Object value) {
    if (value == null) {
      return Kind.ANY; // an untyped nil: expr cannot know its type either
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
    if (value instanceof List) {
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
      throw new ExprException("unknown name " + n.name(), n.column());
    }
    if (node instanceof Node.Pointer) {
      return Kind.ANY;
    }
    if (node instanceof Node.Member m) {
      Kind target = kind(m.target());
      if (target.known() && target != Kind.MAP) {
        throw new ExprException(
            "type " + target.goName() + " has no field " + m.name(), m.column());
      }
      return Kind.ANY;
    }
    if (node instanceof Node.Index ix) {
      kind(ix.target());
      kind(ix.index());
      return Kind.ANY;
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
        if (operand.known() && operand != Kind.BOOL) {
          throw new ExprException(
              "invalid operation: ! (mismatched type " + operand.goName() + ")", u.column());
        }
        return Kind.BOOL;
      }
      if (operand.known() && !operand.numeric()) {
        throw new ExprException(
            "invalid operation: " + u.op() + " (mismatched type " + operand.goName() + ")",
            u.column());
      }
      return operand.numeric() ? operand : Kind.ANY;
    }
    if (node instanceof Node.Binary b) {
      return binary(b, kind(b.left()), kind(b.right()));
    }
    if (node instanceof Node.Conditional c) {
      Kind condition = kind(c.condition());
      if (condition.known() && condition != Kind.BOOL) {
        throw new ExprException(
            "non-bool expression (type " + condition.goName() + ") used as condition", c.column());
      }
      Kind then = kind(c.then());
      Kind otherwise = kind(c.otherwise());
      return then == otherwise ? then : Kind.ANY;
    }
    if (node instanceof Node.Call call) {
      if (!Builtins.NAMES.contains(call.function())) {
        throw new ExprException("unknown name " + call.function(), call.column());
      }
      for (Node arg : call.args()) {
        kind(arg);
      }
      if (call.function().equals("abs") && call.args().size() == 1) {
        Kind arg = kind(call.args().get(0));
        return arg.numeric() ? arg : Kind.ANY;
      }
      return RETURNS.getOrDefault(call.function(), Kind.ANY);
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

  private static Kind binary(Node.Binary b, Kind left, Kind right) {
    String op = b.op();
    boolean bothKnown = left.known() && right.known();
    switch (op) {
      case "and", "&&", "or", "||" -> {
        if ((left.known() && left != Kind.BOOL) || (right.known() && right != Kind.BOOL)) {
          throw mismatch(op, left, right, b.column());
        }
        return Kind.BOOL;
      }
      case "==", "!=" -> {
        if (bothKnown && left != right && !(left.numeric() && right.numeric())) {
          throw mismatch(op, left, right, b.column());
        }
        return Kind.BOOL;
      }
      case "<", ">", "<=", ">=" -> {
        if (bothKnown
            && !(left.numeric() && right.numeric())
            && !(left == Kind.STRING && right == Kind.STRING)) {
          throw mismatch(op, left, right, b.column());
        }
        return Kind.BOOL;
      }
      case "matches", "contains", "startsWith", "endsWith" -> {
        if ((left.known() && left != Kind.STRING) || (right.known() && right != Kind.STRING)) {
          throw mismatch(op, left, right, b.column());
        }
        return Kind.BOOL;
      }
      case "in" -> {
        if (right.known() && right != Kind.ARRAY && right != Kind.MAP) {
          throw mismatch(op, left, right, b.column());
        }
        return Kind.BOOL;
      }
      case "??" -> {
        return left == right ? left : Kind.ANY;
      }
      case ".." -> {
        return Kind.ARRAY;
      }
      case "+" -> {
        if (left == Kind.STRING && right == Kind.STRING) {
          return Kind.STRING;
        }
        return arithmetic(b, left, right);
      }
      default -> {
        return arithmetic(b, left, right);
      }
    }
  }

  private static Kind arithmetic(Node.Binary b, Kind left, Kind right) {
    if ((left.known() && !left.numeric()) || (right.known() && !right.numeric())) {
      throw mismatch(b.op(), left, right, b.column());
    }
    if (b.op().equals("/") || b.op().equals("**") || b.op().equals("^")) {
      return Kind.FLOAT;
    }
    if (left == Kind.INT && right == Kind.INT) {
      return Kind.INT;
    }
    if (left.numeric() && right.numeric()) {
      if (b.op().equals("%")) {
        throw mismatch(b.op(), left, right, b.column());
      }
      return Kind.FLOAT;
    }
    return Kind.ANY;
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
