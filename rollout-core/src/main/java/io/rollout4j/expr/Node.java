package io.rollout4j.expr;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The syntax tree of a condition. */
sealed interface Node {
  int column();

  record Literal(@Nullable Object value, int column) implements Node {}

  /** {@code result} or a name bound by {@code let}. */
  record Name(String name, int column) implements Node {}

  /** {@code #}, {@code #index} or {@code #acc} inside a predicate. */
  record Pointer(String name, int column) implements Node {}

  record Member(Node target, String name, boolean optional, int column) implements Node {}

  record Index(Node target, Node index, boolean optional, int column) implements Node {}

  record Slice(Node target, @Nullable Node from, @Nullable Node to, int column) implements Node {}

  record Unary(String op, Node operand, int column) implements Node {}

  record Binary(String op, Node left, Node right, int column) implements Node {}

  record Conditional(Node condition, Node then, Node otherwise, int column) implements Node {}

  record Call(String function, List<Node> args, int column) implements Node {}

  /** {@code target.Name(args)}: a method of a time or a duration (the only values with any). */
  record MethodCall(Node target, String name, List<Node> args, int column) implements Node {}

  /** A predicate body, evaluated once per element with {@code #} bound to it. */
  record Closure(Node body, int column) implements Node {}

  record ArrayLiteral(List<Node> items, int column) implements Node {}

  record MapLiteral(List<Node> keys, List<Node> values, int column) implements Node {}

  record Let(String name, Node value, Node body, int column) implements Node {}
}
