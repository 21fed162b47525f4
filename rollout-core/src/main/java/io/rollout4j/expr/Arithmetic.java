package io.rollout4j.expr;

import org.jspecify.annotations.Nullable;

/**
 * expr's arithmetic: int op int stays int (wrapping like Go), {@code /} and {@code **} are float.
 */
final class Arithmetic {
  private Arithmetic() {}

  static Object apply(String op, @Nullable Object left, @Nullable Object right, int column) {
    if (op.equals("+") && left instanceof String a && right instanceof String b) {
      if ((long) a.length() + b.length() > Evaluator.MAX_COLLECTION * 10L) {
        throw new ExprException(
            "string longer than " + Evaluator.MAX_COLLECTION * 10 + " characters", column);
      }
      return a + b;
    }
    if (GoTime.isTimeValue(left) || GoTime.isTimeValue(right)) {
      return java.util.Objects.requireNonNull(
          GoTime.arithmetic(
              op,
              java.util.Objects.requireNonNull(left),
              java.util.Objects.requireNonNull(right),
              column));
    }
    if (!Values.isNumber(left) || !Values.isNumber(right)) {
      throw Values.mismatched(op, left, right, column);
    }
    if (left instanceof Long a && right instanceof Long b) {
      switch (op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "%":
          if (b == 0) {
            throw new ExprException("integer divide by zero", column);
          }
          return a % b;
        default:
          break;
      }
    }
    double a = Values.toDouble(left);
    double b = Values.toDouble(right);
    return switch (op) {
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      case "/" -> a / b;
      case "**", "^" -> goPow(a, b);
      case "%" -> throw Values.mismatched(op, left, right, column);
      default -> throw new ExprException("unknown operator " + op, column);
    };
  }

  /** Go's math.Pow where it differs from Java's: 1 to any power, and -1 to an infinite one. */
  static double goPow(double base, double exponent) {
    if (base == 1 || (base == -1 && Double.isInfinite(exponent))) {
      return 1;
    }
    return Math.pow(base, exponent);
  }
}
