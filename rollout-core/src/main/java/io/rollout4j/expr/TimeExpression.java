package io.rollout4j.expr;

import java.time.Instant;
import java.util.Objects;

/**
 * An expression whose value is a time, as Argo evaluates a Prometheus {@code rangeQuery}'s {@code
 * start} and {@code end} ({@code now() - duration("1h")}, {@code date("2026-12-01 10:00:00")}): the
 * same language as conditions, with {@code now()} read from the caller's clock so that a
 * measurement taken in virtual time asks for the window of that time.
 *
 * <pre>{@code
 * Instant start = TimeExpression.compile("now() - duration('10m')").evaluate(clock.instant());
 * }</pre>
 *
 * <p>Immutable and safe to share.
 */
public final class TimeExpression {
  private final String expression;
  private final Node root;

  private TimeExpression(String expression, Node root) {
    this.expression = expression;
    this.root = root;
  }

  /**
   * Parses an expression.
   *
   * @throws ExprException on a syntax error, an unknown name or function, or a limit reached
   */
  public static TimeExpression compile(String expression) {
    Objects.requireNonNull(expression, "expression");
    Node root = Parser.parse(expression);
    Checker.checkNames(root);
    return new TimeExpression(expression, root);
  }

  /**
   * The instant the expression denotes when {@code now()} is {@code now}.
   *
   * @throws ExprException when evaluation fails or the value is not a time ({@code expected
   *     time.Time, but got float64}, as Argo says)
   */
  public Instant evaluate(Instant now) {
    Checker.check(root, null);
    Object value = new Evaluator(null, now).eval(root);
    if (value instanceof GoTime.Time time) {
      return time.at().toInstant();
    }
    throw new ExprException("expected time.Time, but got " + Values.typeName(value), 0);
  }

  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }
}
