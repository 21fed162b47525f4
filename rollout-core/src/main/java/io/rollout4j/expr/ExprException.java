package io.rollout4j.expr;

/**
 * A condition could not be compiled or evaluated: a syntax error, an unknown name, mismatched
 * types, a nil dereference, an index out of range, a non-boolean outcome, or a limit reached.
 * {@link #column()} is the 1-based column in the expression it concerns (0 when none applies).
 */
public final class ExprException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int column;

  public ExprException(String message, int column) {
    super(column > 0 ? message + " (at column " + column + ")" : message);
    this.column = column;
  }

  public int column() {
    return column;
  }
}
