package io.rollout4j.model;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Timestamps as Kubernetes and Argo Rollouts write them (RFC 3339 in UTC, {@code
 * 2026-01-01T09:30:00Z}, optionally with fractional seconds). Status fields are parsed on every
 * reconcile, so the common shape is read directly; anything else goes through {@link
 * Instant#parse}.
 */
public final class Timestamps {
  private Timestamps() {}

  /**
   * Parses an RFC 3339 UTC timestamp.
   *
   * @throws java.time.format.DateTimeParseException when the text is not an ISO-8601 instant
   */
  public static Instant parse(CharSequence text) {
    Instant fast = parseUtc(text);
    return fast != null ? fast : Instant.parse(text);
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other shape or an invalid field. */
  private static @org.jspecify.annotations.Nullable Instant parseUtc(CharSequence s) {
    int length = s.length();
    if (length < 20
        || s.charAt(length - 1) != 'Z'
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (length > 20) {
      int fraction = length - 21;
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      int value = digits(s, 20, fraction);
      if (value < 0) {
        return null;
      }
      nanos = value;
      for (int i = fraction; i < 9; i++) {
        nanos *= 10;
      }
    } else if (s.charAt(19) != 'Z') {
      return null;
    }
    if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return null;
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code count} ASCII digits from {@code start}, or -1. */
  private static int digits(CharSequence s, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
