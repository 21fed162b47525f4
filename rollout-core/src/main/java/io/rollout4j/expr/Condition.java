package io.rollout4j.expr;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A compiled success or failure condition, as Argo Rollouts writes them:
 *
 * <pre>{@code
 * Condition apdex = Condition.compile("all(result.service_apdex.values.values, {asFloat(.value) >= 9900})");
 * boolean healthy = apdex.test(result);   // null, Boolean, Number, String, List, Map, double[]
 * }</pre>
 *
 * <p>A {@code double[]} result is a vector (Go's {@code []float64}, as Argo's Prometheus provider
 * gives): its elements are typed, so {@code 'a' in result} fails to compile as in Argo.
 *
 * <p>Compiling checks syntax and names; testing checks the types the result fixes (as expr does
 * when Argo compiles against the actual value), evaluates, and insists on a boolean. Every problem
 * is an {@link ExprException} naming the column. Immutable and safe to share.
 */
public final class Condition {
  private final String expression;
  private final Node root;

  private Condition(String expression, Node root) {
    this.expression = expression;
    this.root = root;
  }

  /**
   * Parses an expression.
   *
   * @throws ExprException on a syntax error, an unknown name or function, or a limit reached
   */
  public static Condition compile(String expression) {
    Objects.requireNonNull(expression, "expression");
    Node root = Parser.parse(expression);
    Checker.checkNames(root);
    return new Condition(expression, root);
  }

  /**
   * Evaluates the condition for a provider's result.
   *
   * @throws ExprException on mismatched types, a nil dereference, an index out of range, a
   *     non-boolean outcome, or a limit reached
   */
  public boolean test(@Nullable Object result) {
    Object normalized = Values.normalize(result, 0);
    Checker.Kind kind = Checker.check(root, result instanceof double[] ? result : normalized);
    if (kind.known() && kind != Checker.Kind.BOOL) {
      throw new ExprException("expected bool, but got " + kind.goName(), 0);
    }
    Object value = new Evaluator(normalized).eval(root);
    if (value instanceof Boolean b) {
      return b;
    }
    throw new ExprException("expected bool, but got " + Values.typeName(value), 0);
  }

  /** Evaluates the expression for a result and returns its value, whatever its type. */
  public @Nullable Object evaluate(@Nullable Object result) {
    Object normalized = Values.normalize(result, 0);
    Checker.check(root, result instanceof double[] ? result : normalized);
    return new Evaluator(normalized).eval(root);
  }

  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }
}
