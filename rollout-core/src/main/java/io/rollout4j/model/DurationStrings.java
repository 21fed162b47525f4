package io.rollout4j.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations as Argo Rollouts writes them: Go duration strings ({@code "30s"}, {@code "10m"}, {@code
 * "1h30m"}, {@code "1.5h"}, {@code "500ms"}) and, for pause steps, bare integers meaning seconds.
 */
public final class DurationStrings {
  private DurationStrings() {}

  /** Parsed durations by text; manifests use a handful of them, parsed on every reconcile. */
  private static final java.util.concurrent.ConcurrentHashMap<String, Optional<Duration>> PARSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Parses a Go duration string ({@code time.ParseDuration}): an optional sign, then one or more
   * decimal numbers each followed by a unit among ns, us, µs, ms, s, m, h. {@code "0"} alone is
   * allowed. Returns empty when the text is not a valid duration.
   */
  public static Optional<Duration> parseGo(String text) {
    Optional<Duration> known = PARSED.get(text);
    if (known != null) {
      return known;
    }
    Optional<Duration> parsed = parseGoUncached(text);
    if (PARSED.size() < 4096) {
      PARSED.put(text, parsed);
    }
    return parsed;
  }

  private static Optional<Duration> parseGoUncached(String text) {
    String s = text;
    if (s.isEmpty()) {
      return Optional.empty();
    }
    boolean negative = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    if (s.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty()
          || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')) {
        return Optional.empty();
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      long unitNanos =
          switch (s.substring(unitStart, i)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1L;
          };
      if (unitNanos < 0) {
        return Optional.empty();
      }
      totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos)));
      // Go rejects durations beyond int64 nanoseconds (about 292 years).
      if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        return Optional.empty();
      }
    }
    long nanos = totalNanos.longValue();
    return Optional.of(Duration.ofNanos(negative ? -nanos : nanos));
  }

  /**
   * Reads a pause duration as Argo does: an integer is seconds; a string of digits is seconds;
   * anything else is a Go duration truncated to whole seconds. Empty when unparseable.
   */
  public static Optional<Duration> parsePause(IntOrString value) {
    Integer seconds = value.intValue();
    if (seconds != null) {
      return Optional.of(Duration.ofSeconds(seconds));
    }
    String text = value.stringValue();
    if (text == null) {
      return Optional.empty();
    }
    if (!text.isEmpty() && allDigits(text)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    Optional<Duration> parsed = parseGo(text);
    // Pauses count whole seconds; a whole duration (the usual "10m") is returned as parsed.
    return parsed.isEmpty() || parsed.get().getNano() == 0
        ? parsed
        : Optional.of(Duration.ofSeconds(parsed.get().toSeconds()));
  }

  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Formats a duration the way people write them in manifests: {@code 10m}, {@code 1h30m}, {@code
   * 45s}, {@code 1500ms}; zero is {@code 0s}.
   */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    Duration d = duration;
    if (d.isNegative()) {
      out.append('-');
      d = d.negated();
    }
    if (d.getNano() != 0) {
      if (d.getNano() % 1_000_000 == 0 && d.getSeconds() < 1_000_000) {
        return out.append(d.toMillis()).append("ms").toString();
      }
      return out.append(d.toNanos()).append("ns").toString();
    }
    long seconds = d.getSeconds();
    long hours = seconds / 3600;
    long minutes = (seconds % 3600) / 60;
    long secs = seconds % 60;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (secs > 0) {
      out.append(secs).append('s');
    }
    return out.toString();
  }
}
