package io.rollout4j.expr;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * expr's {@code now()}, {@code date()} and {@code duration()}: Go's {@code time.Time} and {@code
 * time.Duration}, parsed, combined, compared and printed as Go does, so that a condition such as
 * {@code now() - date(result.deployedAt) > duration('1h')} behaves as in Argo.
 */
final class GoTime {
  private GoTime() {}

  /** A Go {@code time.Time}: an instant with the zone it was read in (and that zone's name). */
  record Time(ZonedDateTime at, String zoneName) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Time t && at.toInstant().equals(t.at.toInstant());
    }

    @Override
    public int hashCode() {
      return at.toInstant().hashCode();
    }

    @Override
    public String toString() {
      return GoTime.string(this);
    }
  }

  /** A Go {@code time.Duration}: nanoseconds. */
  record Duration(long nanos) {
    @Override
    public String toString() {
      return GoTime.string(this);
    }
  }

  static Time now() {
    return at(Instant.now());
  }

  static Time at(Instant instant) {
    return new Time(instant.atZone(ZoneOffset.UTC), "UTC");
  }

  // ---- duration(): Go's time.ParseDuration --------------------------------------------------

  static Duration duration(String s, int column) {
    return io.rollout4j.model.DurationStrings.parseGo(s)
        .map(d -> new Duration(d.toNanos()))
        .orElseThrow(() -> new ExprException("time: invalid duration \"" + s + "\"", column));
  }

  // ---- date(): Go's time.Parse with its layouts ---------------------------------------------

  private static final List<String> DEFAULT_LAYOUTS =
      List.of(
          "2006-01-02",
          "15:04:05",
          "2006-01-02 15:04:05",
          "2006-01-02T15:04:05Z07:00",
          "02 Jan 06 15:04 MST",
          "Monday, 02-Jan-06 15:04:05 MST",
          "Mon, 02 Jan 2006 15:04:05 MST");

  static Time date(String value, int column) {
    for (String layout : DEFAULT_LAYOUTS) {
      Time t = parse(layout, value, ZoneOffset.UTC);
      if (t != null) {
        return t;
      }
    }
    throw new ExprException("invalid date " + value, column);
  }

  static Time date(String value, String layout, @Nullable String zone, int column) {
    ZoneId location = ZoneOffset.UTC;
    if (zone != null) {
      try {
        location = zone.equals("Local") || zone.isEmpty() ? ZoneOffset.UTC : ZoneId.of(zone);
      } catch (DateTimeException e) {
        throw new ExprException("unknown time zone " + zone, column);
      }
    }
    Time t = parse(layout, value, location);
    if (t == null) {
      throw new ExprException(
          "parsing time \"" + value + "\" as \"" + layout + "\": cannot parse", column);
    }
    return t;
  }

  private static final String[] TOKENS = {
    "January", "Monday", "Z07:00", "-07:00", "Z0700", "-0700", "2006", "Jan", "Mon", "MST", "_2",
    "01", "02", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5", "Z07", "-07"
  };

  private static final String[] MONTHS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  };

  private static final String[] DAYS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
  };

  /** Go's layout-driven parse of the common layout elements; null when the value does not fit. */
  private static @Nullable Time parse(String layout, String value, ZoneId location) {
    int year = 0;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int nanos = 0;
    boolean pm = false;
    boolean hasPm = false;
    ZoneId zone = null;
    String zoneName = null;
    int l = 0;
    int v = 0;
    try {
      while (l < layout.length()) {
        String token = null;
        for (String t : TOKENS) {
          if (layout.startsWith(t, l)) {
            token = t;
            break;
          }
        }
        if (token == null) {
          if (v >= value.length() || value.charAt(v) != layout.charAt(l)) {
            return null;
          }
          l++;
          v++;
          continue;
        }
        l += token.length();
        switch (token) {
          case "2006" -> {
            year = Integer.parseInt(value.substring(v, v + 4));
            v += 4;
          }
          case "06" -> {
            int y = Integer.parseInt(value.substring(v, v + 2));
            year = y >= 69 ? 1900 + y : 2000 + y;
            v += 2;
          }
          case "01", "02", "03", "04", "05", "15" -> {
            int n = Integer.parseInt(value.substring(v, v + 2));
            v += 2;
            switch (token) {
              case "01" -> month = n;
              case "02" -> day = n;
              case "03" -> hour = n;
              case "04" -> minute = n;
              case "05" -> second = n;
              default -> hour = n;
            }
            if (token.equals("05")
                && v < value.length()
                && value.charAt(v) == '.'
                && !layout.startsWith(".", l)) {
              int end = v + 1;
              while (end < value.length() && Character.isDigit(value.charAt(end))) {
                end++;
              }
              nanos = fraction(value.substring(v + 1, end));
              v = end;
            }
          }
          case "1", "2", "3", "4", "5", "_2" -> {
            if (token.equals("_2") && v < value.length() && value.charAt(v) == ' ') {
              v++;
            }
            int end = v;
            while (end < value.length() && end < v + 2 && Character.isDigit(value.charAt(end))) {
              end++;
            }
            int n = Integer.parseInt(value.substring(v, end));
            v = end;
            switch (token) {
              case "1" -> month = n;
              case "3" -> hour = n;
              case "4" -> minute = n;
              case "5" -> second = n;
              default -> day = n;
            }
          }
          case "Jan", "January" -> {
            month = 0;
            for (int i = 0; i < 12; i++) {
              String name = token.equals("Jan") ? MONTHS[i].substring(0, 3) : MONTHS[i];
              if (value.startsWith(name, v)) {
                month = i + 1;
                v += name.length();
                break;
              }
            }
            if (month == 0) {
              return null;
            }
          }
          case "Mon", "Monday" -> {
            boolean found = false;
            for (String d : DAYS) {
              String name = token.equals("Mon") ? d.substring(0, 3) : d;
              if (value.startsWith(name, v)) {
                v += name.length();
                found = true;
                break;
              }
            }
            if (!found) {
              return null;
            }
          }
          case "PM", "pm" -> {
            String ampm = value.substring(v, v + 2).toUpperCase(Locale.ROOT);
            if (!ampm.equals("AM") && !ampm.equals("PM")) {
              return null;
            }
            hasPm = true;
            pm = ampm.equals("PM");
            v += 2;
          }
          case "MST" -> {
            int end = v;
            while (end < value.length() && Character.isUpperCase(value.charAt(end))) {
              end++;
            }
            if (end - v < 3) {
              return null;
            }
            zoneName = value.substring(v, end);
            zone = ZoneOffset.UTC; // an abbreviation Go does not know here reads as offset zero
            v = end;
          }
          default -> {
            // Z07:00, -07:00, Z0700, -0700, Z07, -07
            if (token.startsWith("Z") && v < value.length() && value.charAt(v) == 'Z') {
              zone = ZoneOffset.UTC;
              zoneName = "UTC";
              v++;
              break;
            }
            char sign = value.charAt(v);
            if (sign != '+' && sign != '-') {
              return null;
            }
            int hours = Integer.parseInt(value.substring(v + 1, v + 3));
            int minutes = 0;
            v += 3;
            if (token.endsWith("07:00")) {
              if (value.charAt(v) != ':') {
                return null;
              }
              minutes = Integer.parseInt(value.substring(v + 1, v + 3));
              v += 3;
            } else if (token.endsWith("0700")) {
              minutes = Integer.parseInt(value.substring(v, v + 2));
              v += 2;
            }
            int total = (hours * 60 + minutes) * 60 * (sign == '-' ? -1 : 1);
            zone = ZoneOffset.ofTotalSeconds(total);
            zoneName = "";
          }
        }
      }
      if (v != value.length()) {
        return null;
      }
      if (hasPm) {
        if (hour < 1 || hour > 12) {
          return null;
        }
        hour = pm ? hour % 12 + 12 : hour % 12;
      }
      LocalDateTime local =
          LocalDateTime.of(LocalDate.of(year, month, day), LocalTime.of(hour, minute, second))
              .withNano(nanos);
      ZoneId in = zone != null ? zone : location;
      String name = zoneName != null ? zoneName : in.equals(ZoneOffset.UTC) ? "UTC" : in.getId();
      return new Time(local.atZone(in), name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static int fraction(String digits) {
    String nine = (digits + "000000000").substring(0, 9);
    return Integer.parseInt(nine);
  }

  // ---- arithmetic and comparison ------------------------------------------------------------

  static @Nullable Object arithmetic(String op, Object a, Object b, int column) {
    if (a instanceof Time x && b instanceof Time y && op.equals("-")) {
      return new Duration(java.time.Duration.between(y.at.toInstant(), x.at.toInstant()).toNanos());
    }
    if (a instanceof Time x && b instanceof Duration d && (op.equals("+") || op.equals("-"))) {
      return new Time(x.at.plusNanos(op.equals("+") ? d.nanos : -d.nanos), x.zoneName);
    }
    if (a instanceof Duration d && b instanceof Time x && op.equals("+")) {
      return new Time(x.at.plusNanos(d.nanos), x.zoneName);
    }
    if (a instanceof Duration x && b instanceof Duration y) {
      switch (op) {
        case "+":
          return new Duration(x.nanos + y.nanos);
        case "-":
          return new Duration(x.nanos - y.nanos);
        case "*":
          return new Duration(x.nanos * y.nanos);
        default:
          break;
      }
    }
    if (op.equals("*") && a instanceof Duration d && b instanceof Long n) {
      return new Duration(d.nanos * n);
    }
    if (op.equals("*") && a instanceof Long n && b instanceof Duration d) {
      return new Duration(d.nanos * n);
    }
    throw new ExprException(
        "invalid operation: " + Values.typeName(a) + " " + op + " " + Values.typeName(b), column);
  }

  /** Ordering of two times or two durations; anything else with them is an error. */
  static int compare(Object a, Object b, String op, int column) {
    if (a instanceof Time x && b instanceof Time y) {
      return x.at.toInstant().compareTo(y.at.toInstant());
    }
    if (a instanceof Duration x && b instanceof Duration y) {
      return Long.compare(x.nanos, y.nanos);
    }
    throw new ExprException(
        "invalid operation: " + Values.typeName(a) + " " + op + " " + Values.typeName(b), column);
  }

  static boolean isTimeValue(@Nullable Object value) {
    return value instanceof Time || value instanceof Duration;
  }

  // ---- methods ------------------------------------------------------------------------------

  /** The methods of time.Time and time.Duration a condition can call. */
  static @Nullable Object method(
      Object target, String name, List<@Nullable Object> args, int column) {
    if (target instanceof Time t) {
      ZonedDateTime at = t.at;
      switch (name) {
        case "Year":
          return (long) at.getYear();
        case "Day":
          return (long) at.getDayOfMonth();
        case "YearDay":
          return (long) at.getDayOfYear();
        case "Hour":
          return (long) at.getHour();
        case "Minute":
          return (long) at.getMinute();
        case "Second":
          return (long) at.getSecond();
        case "Nanosecond":
          return (long) at.getNano();
        case "Unix":
          return at.toEpochSecond();
        case "UnixMilli":
          return at.toInstant().toEpochMilli();
        case "IsZero":
          return at.toInstant().equals(Instant.parse("0001-01-01T00:00:00Z"));
        case "Before":
        case "After":
        case "Equal":
          if (args.size() == 1 && args.get(0) instanceof Time o) {
            int c = at.toInstant().compareTo(o.at.toInstant());
            return name.equals("Before") ? c < 0 : name.equals("After") ? c > 0 : c == 0;
          }
          break;
        case "Sub":
          if (args.size() == 1 && args.get(0) instanceof Time o) {
            return arithmetic("-", t, o, column);
          }
          break;
        case "Add":
          if (args.size() == 1 && args.get(0) instanceof Duration d) {
            return arithmetic("+", t, d, column);
          }
          break;
        case "String":
          return string(t);
        default:
          break;
      }
    }
    if (target instanceof Duration d) {
      switch (name) {
        case "Hours":
          return d.nanos / 3.6e12;
        case "Minutes":
          return d.nanos / 6e10;
        case "Seconds":
          return d.nanos / 1e9;
        case "Milliseconds":
          return d.nanos / 1_000_000;
        case "Microseconds":
          return d.nanos / 1_000;
        case "Nanoseconds":
          return d.nanos;
        case "String":
          return string(d);
        default:
          break;
      }
    }
    throw new ExprException(
        "type " + Values.typeName(target) + " has no method " + name + " with these arguments",
        column);
  }

  // ---- printing -----------------------------------------------------------------------------

  /** Go's Time.String(): {@code 2006-01-02 15:04:05.999999999 -0700 MST}. */
  static String string(Time t) {
    ZonedDateTime at = t.at;
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02d %02d:%02d:%02d",
                at.getYear(),
                at.getMonthValue(),
                at.getDayOfMonth(),
                at.getHour(),
                at.getMinute(),
                at.getSecond()));
    if (at.getNano() != 0) {
      String frac = String.format("%09d", at.getNano()).replaceAll("0+$", "");
      out.append('.').append(frac);
    }
    int offset = at.getOffset().getTotalSeconds();
    out.append(offset < 0 ? " -" : " +")
        .append(String.format("%02d%02d", Math.abs(offset) / 3600, Math.abs(offset) / 60 % 60));
    String name = t.zoneName.isEmpty() ? "" : t.zoneName;
    if (!name.isEmpty()) {
      out.append(' ').append(name);
    }
    return out.toString();
  }

  /** Go's Duration.String(): {@code 1h30m0s}, {@code 1.5s}, {@code 300ms}, {@code 0s}. */
  static String string(Duration d) {
    long n = d.nanos;
    if (n == 0) {
      return "0s";
    }
    boolean negative = n < 0;
    long u = Math.abs(n);
    String out;
    if (u < 1_000_000_000L) {
      if (u < 1_000L) {
        out = u + "ns";
      } else if (u < 1_000_000L) {
        out = decimal(u, 3) + "µs";
      } else {
        out = decimal(u, 6) + "ms";
      }
    } else {
      String seconds = decimal(u % 60_000_000_000L, 9) + "s";
      long minutes = u / 60_000_000_000L;
      if (minutes == 0) {
        out = seconds;
      } else {
        long hours = minutes / 60;
        out = (hours > 0 ? hours + "h" : "") + (minutes % 60) + "m" + seconds;
      }
    }
    return negative ? "-" + out : out;
  }

  private static String decimal(long value, int fractionDigits) {
    long scale = (long) Math.pow(10, fractionDigits);
    long whole = value / scale;
    long fraction = value % scale;
    if (fraction == 0) {
      return Long.toString(whole);
    }
    String f = String.format("%0" + fractionDigits + "d", fraction).replaceAll("0+$", "");
    return whole + "." + f;
  }
}
