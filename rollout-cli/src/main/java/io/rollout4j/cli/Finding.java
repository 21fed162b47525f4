package io.rollout4j.cli;

import java.util.Comparator;

/**
 * One thing a check found, where it is: the file and, where known, line and column of the field;
 * the resource ({@code Kind namespace/name}); the field path inside the resource; the rule that
 * found it (for SARIF and for policy rules); and what was expected.
 */
record Finding(
    Severity severity,
    String rule,
    String file,
    int line,
    int column,
    String resource,
    String path,
    String message) {

  /** Errors fail the command; warnings do with {@code --warnings-as-errors}; notes never. */
  enum Severity {
    ERROR,
    WARNING,
    NOTE;

    String lowerCase() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Severity parse(String text, String field) {
      for (Severity s : values()) {
        if (s.lowerCase().equals(text)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          field + ": expected error, warning or note, found \"" + text + "\"");
    }
  }

  static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::file)
          .thenComparingInt(Finding::line)
          .thenComparingInt(Finding::column)
          .thenComparing(Finding::severity)
          .thenComparing(Finding::message);

  /** {@code file:line:column} as editors and CI logs link it; the line alone when no column. */
  String location() {
    if (line <= 0) {
      return file;
    }
    return file + ":" + line + (column > 0 ? ":" + column : "");
  }
}
