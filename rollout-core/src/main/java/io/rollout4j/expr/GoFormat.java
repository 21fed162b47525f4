package io.rollout4j.expr;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Values printed as Go prints them, since expr's {@code string()} is Go's {@code %v} and its {@code
 * toJSON()} is {@code json.MarshalIndent(v, "", " ")}: conditions that compare these texts must see
 * Argo's characters ({@code 1e+06}, {@code -0}, {@code map[a:1]}, {@code \u003c}).
 */
final class GoFormat {
  private GoFormat() {}

  /** Go's {@code fmt.Sprintf("%v", value)} for the values a condition holds. */
  static String string(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    verbV(value, out);
    return out.toString();
  }

  private static void verbV(@Nullable Object value, StringBuilder out) {
    if (value == null) {
      out.append("<nil>");
    } else if (value instanceof Double d) {
      out.append(floatG(d));
    } else if (value instanceof GoTime.Time t) {
      out.append(GoTime.string(t));
    } else if (value instanceof GoTime.Duration d) {
      out.append(GoTime.string(d));
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        verbV(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      out.append("map[");
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted(map).entrySet()) {
        if (!first) {
          out.append(' ');
        }
        first = false;
        out.append(e.getKey()).append(':');
        verbV(e.getValue(), out);
      }
      out.append(']');
    } else {
      out.append(value);
    }
  }

  /** strconv.FormatFloat(d, 'g', -1, 64): shortest digits, an exponent below 1e-4 or from 1e6. */
  static String floatG(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = exact.unscaledValue().toString();
    int exponent = digits.length() - 1 - exact.scale();
    String sign = d < 0 ? "-" : "";
    // Shortest 'g' decides with a precision of 6, as strconv does for precision -1.
    if (exponent < -4 || exponent >= 6) {
      return sign + exponential(digits, exponent, 2);
    }
    return sign + exact.toPlainString();
  }

  private static String exponential(String digits, int exponent, int minExponentDigits) {
    StringBuilder out = new StringBuilder(digits.substring(0, 1));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('e').append(exponent < 0 ? '-' : '+');
    String e = Integer.toString(Math.abs(exponent));
    for (int i = e.length(); i < minExponentDigits; i++) {
      out.append('0');
    }
    return out.append(e).toString();
  }

  /** Go's {@code json.MarshalIndent(value, "", " ")}. */
  static String json(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    json(value, out, "");
    return out.toString();
  }

  private static void json(@Nullable Object value, StringBuilder out, String indent) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Double d) {
      out.append(jsonFloat(d));
    } else if (value instanceof String s) {
      jsonString(s, out);
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      String inner = indent + "  ";
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "\n" : ",\n").append(inner);
        json(list.get(i), out, inner);
      }
      out.append('\n').append(indent).append(']');
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      String inner = indent + "  ";
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted(map).entrySet()) {
        out.append(first ? "\n" : ",\n").append(inner);
        first = false;
        jsonString(e.getKey(), out);
        out.append(": ");
        json(e.getValue(), out, inner);
      }
      out.append('\n').append(indent).append('}');
    } else {
      throw new ExprException("json: unsupported type: " + Values.typeName(value), 0);
    }
  }

  /** encoding/json's float: 'f' between 1e-6 and 1e21, else 'e' with a short exponent. */
  private static String jsonFloat(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new ExprException("json: unsupported value: " + floatG(d), 0);
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    double abs = Math.abs(d);
    BigDecimal exact = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
    String sign = d < 0 ? "-" : "";
    if (abs < 1e-6 || abs >= 1e21) {
      String digits = exact.unscaledValue().toString();
      int exponent = digits.length() - 1 - exact.scale();
      return sign + exponential(digits, exponent, 1);
    }
    return sign + exact.toPlainString();
  }

  private static void jsonString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static Map<String, Object> sorted(Map<?, ?> map) {
    Map<String, Object> out = new TreeMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }
}
