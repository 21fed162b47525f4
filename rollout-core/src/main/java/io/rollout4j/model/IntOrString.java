package io.rollout4j.model;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Kubernetes' int-or-string, kept in the form the user wrote it ({@code 1}, {@code "25%"}, {@code
 * "25"}, {@code "{{args.count}}"}), so manifests round-trip unchanged.
 *
 * <p>Scaling follows Argo Rollouts, not plain Kubernetes: <em>every</em> string is a percentage, so
 * {@code "1"} means 1% (Argo issue #4567). Rollout4j keeps that reading for compatibility and the
 * manifest linter warns about strings without a {@code %} (see docs/compatibility.md).
 */
public record IntOrString(@Nullable Integer intValue, @Nullable String stringValue) {

  private static final Pattern PERCENT = Pattern.compile("(\\d{1,9})%?");

  public IntOrString {
    if ((intValue == null) == (stringValue == null)) {
      throw new IllegalArgumentException("exactly one of an integer or a string is required");
    }
  }

  public static IntOrString of(int value) {
    return new IntOrString(value, null);
  }

  public static IntOrString of(String value) {
    return new IntOrString(null, Objects.requireNonNull(value, "value"));
  }

  public static IntOrString percent(int percent) {
    return of(percent + "%");
  }

  public boolean isInt() {
    return intValue != null;
  }

  /** Whether the string form is a percentage Argo can scale ({@code "25%"} or {@code "25"}). */
  public boolean isPercentLike() {
    return stringValue != null && PERCENT.matcher(stringValue).matches();
  }

  /**
   * Resolves against a total: an integer as is; a string as a percentage of {@code total}, rounded
   * up or down. Throws {@link IllegalArgumentException} for a string that is not a percentage.
   */
  public int scaledValue(int total, boolean roundUp) {
    if (intValue != null) {
      return intValue;
    }
    long percent = percentOf(Objects.requireNonNull(stringValue));
    long scaled = percent * total;
    return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
  }

  /** 1 to 9 digits, then an optional {@code %} (what PERCENT matches), without a regex per call. */
  private static long percentOf(String text) {
    int end = text.endsWith("%") ? text.length() - 1 : text.length();
    if (end >= 1 && end <= 9) {
      long value = 0;
      int i = 0;
      for (; i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
        value = value * 10 + (text.charAt(i) - '0');
      }
      if (i == end) {
        return value;
      }
    }
    Matcher m = PERCENT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid value for IntOrString: invalid type: string is not a percentage: " + text);
    }
    return Long.parseLong(m.group(1));
  }

  /** The integer form, or a plain-integer string ({@code "3"}), as used by analysis counts. */
  public @Nullable Integer asInteger() {
    if (intValue != null) {
      return intValue;
    }
    String s = Objects.requireNonNull(stringValue).trim();
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return intValue != null ? intValue.toString() : '"' + stringValue + '"';
  }
}
