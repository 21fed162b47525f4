package io.rollout4j.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 1.5Gi}, {@code 1e3}) as Go's {@code
 * resource.Quantity} writes it back after reading it: its canonical form ({@code 0.5} → {@code
 * 500m}, {@code 1024Mi} → {@code 1Gi}, {@code 1.5} → {@code 1500m}), or the text as written when
 * that already is canonical. Values finer than a nano-unit round up, as Kubernetes does.
 */
final class GoQuantity {
  private GoQuantity() {}

  private enum Format {
    DECIMAL_SI,
    BINARY_SI,
    DECIMAL_EXPONENT
  }

  private record Suffix(int base, int exponent, Format format) {}

  private static final Map<String, Suffix> SUFFIXES =
      Map.ofEntries(
          Map.entry("", new Suffix(10, 0, Format.DECIMAL_SI)),
          Map.entry("n", new Suffix(10, -9, Format.DECIMAL_SI)),
          Map.entry("u", new Suffix(10, -6, Format.DECIMAL_SI)),
          Map.entry("m", new Suffix(10, -3, Format.DECIMAL_SI)),
          Map.entry("k", new Suffix(10, 3, Format.DECIMAL_SI)),
          Map.entry("M", new Suffix(10, 6, Format.DECIMAL_SI)),
          Map.entry("G", new Suffix(10, 9, Format.DECIMAL_SI)),
          Map.entry("T", new Suffix(10, 12, Format.DECIMAL_SI)),
          Map.entry("P", new Suffix(10, 15, Format.DECIMAL_SI)),
          Map.entry("E", new Suffix(10, 18, Format.DECIMAL_SI)),
          Map.entry("Ki", new Suffix(2, 10, Format.BINARY_SI)),
          Map.entry("Mi", new Suffix(2, 20, Format.BINARY_SI)),
          Map.entry("Gi", new Suffix(2, 30, Format.BINARY_SI)),
          Map.entry("Ti", new Suffix(2, 40, Format.BINARY_SI)),
          Map.entry("Pi", new Suffix(2, 50, Format.BINARY_SI)),
          Map.entry("Ei", new Suffix(2, 60, Format.BINARY_SI)));

  private static final String[] DECIMAL_NAMES = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  private static final String[] BINARY_NAMES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigDecimal MAX_INT64 = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigInteger KI = BigInteger.valueOf(1024);

  /**
   * The text Go writes for a quantity given as {@code text}; a text Go would refuse comes back as
   * it is (the API server has refused it before any controller sees it).
   */
  static String canonical(String text) {
    String str = text.trim();
    if (str.isEmpty() || str.equals("0")) {
      return str.isEmpty() ? text : "0";
    }
    int pos = 0;
    int end = str.length();
    boolean positive = true;
    if (str.charAt(0) == '-' || str.charAt(0) == '+') {
      positive = str.charAt(0) == '+';
      pos++;
    }
    while (pos < end && str.charAt(pos) == '0') {
      pos++;
    }
    int numStart = pos;
    while (pos < end && Character.isDigit(str.charAt(pos)) && str.charAt(pos) < 128) {
      pos++;
    }
    String num = str.substring(numStart, pos);
    if (num.isEmpty()) {
      num = "0";
    }
    String denom = "";
    if (pos < end && str.charAt(pos) == '.') {
      int denomStart = ++pos;
      while (pos < end && str.charAt(pos) >= '0' && str.charAt(pos) <= '9') {
        pos++;
      }
      denom = str.substring(denomStart, pos);
    }
    String suffixText = str.substring(pos);
    Suffix suffix = interpret(suffixText);
    if (suffix == null) {
      return text;
    }

    // Go keeps the text it read when it is already in canonical form.
    int precision;
    int scale;
    if (suffix.format() == Format.BINARY_SI) {
      scale = 0;
      precision =
          suffix.exponent() >= 0 && denom.isEmpty()
              ? 15 - num.length() - (int) ((float) suffix.exponent() * 3 / 10) - 1
              : -1;
    } else {
      scale = suffix.exponent();
      precision = 18 - (num.length() + denom.length());
    }
    if (precision >= 0) {
      scale -= denom.length();
      if (scale >= -9) {
        String shifted = num + denom;
        long value = Long.parseLong(shifted);
        boolean fits =
            suffix.format() != Format.BINARY_SI
                || value == 0
                || Long.numberOfLeadingZeros(value) > suffix.exponent();
        if (fits) {
          boolean reused =
              suffix.format() == Format.BINARY_SI
                  ? suffix.exponent() % 10 == 0 && (value & 0x07) != 0
                  : scale % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0';
          if (reused) {
            return str;
          }
        }
      }
    }

    BigDecimal amount = new BigDecimal(num + (denom.isEmpty() ? "" : "." + denom));
    if (suffix.base() == 10) {
      amount = amount.scaleByPowerOfTen(suffix.exponent());
    } else {
      amount = amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(suffix.exponent())));
    }
    Format format = suffix.format();
    if (amount.signum() != 0 && amount.scale() > 9) {
      // Kubernetes rounds a value finer than a nano-unit up: asking for some gives some.
      amount = amount.setScale(9, RoundingMode.UP);
    }
    if (format == Format.BINARY_SI && amount.compareTo(MAX_INT64) > 0) {
      amount = MAX_INT64;
    }
    if (format == Format.BINARY_SI && amount.compareTo(BigDecimal.ONE) < 0 && amount.signum() > 0) {
      format = Format.DECIMAL_SI;
    }
    if (!positive) {
      amount = amount.negate();
    }
    return write(amount, format);
  }

  private static @Nullable Suffix interpret(String suffix) {
    Suffix known = SUFFIXES.get(suffix);
    if (known != null) {
      return known;
    }
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      try {
        return new Suffix(10, Integer.parseInt(suffix.substring(1)), Format.DECIMAL_EXPONENT);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String write(BigDecimal amount, Format format) {
    if (amount.signum() == 0) {
      return "0";
    }
    if (format == Format.BINARY_SI) {
      boolean small = amount.abs().compareTo(BigDecimal.valueOf(1024)) < 0;
      boolean whole = amount.stripTrailingZeros().scale() <= 0;
      if (small || !whole) {
        format = Format.DECIMAL_SI;
      } else {
        BigInteger n = amount.toBigIntegerExact();
        int exponent = 0;
        while (n.signum() != 0 && n.remainder(KI).signum() == 0) {
          n = n.divide(KI);
          exponent++;
        }
        return n + (exponent < BINARY_NAMES.length ? BINARY_NAMES[exponent] : "");
      }
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    BigInteger mantissa = stripped.unscaledValue();
    int exponent = -stripped.scale();
    int down = Math.floorMod(exponent, 3);
    mantissa = mantissa.multiply(BigInteger.TEN.pow(down));
    exponent -= down;
    if (format == Format.DECIMAL_EXPONENT) {
      return mantissa + (exponent == 0 ? "" : "e" + exponent);
    }
    int index = exponent / 3 + 3;
    // Go writes no suffix for an exponent it has no name for.
    return mantissa + (index >= 0 && index < DECIMAL_NAMES.length ? DECIMAL_NAMES[index] : "");
  }
}
