package io.rollout4j.analysis;

import java.util.regex.Pattern;

/**
 * {@code {{args.*}}} substitution into PromQL (the {@code prometheus} provider's {@code query})
 * that cannot change the query's structure. Inside a {@code "..."} or {@code '...'} string the
 * value is escaped as that string's characters, so {@code job="{{args.job}}"} stays one label
 * matcher whatever the value holds; inside a {@code `raw`} string a backquote cannot be escaped and
 * is rejected; in a {@code #} comment a line break is rejected; anywhere else the value must be one
 * number, duration or name token ({@code 0.95}, {@code 5m}, {@code http_requests_total}), so {@code
 * rate(x[{{args.window}}])} takes a window but never a second expression. The value of a reference
 * inside a regex matcher's string ({@code =~}) is still a regex: its meaning there is the template
 * author's choice.
 */
final class PromQlArguments {
  private PromQlArguments() {}

  private static final Pattern SINGLE_TOKEN =
      Pattern.compile(
          "[A-Za-z_:][A-Za-z0-9_:]*" // a metric, label or function name, or Inf/NaN
              + "|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?" // a number
              + "|-?0[xX][0-9a-fA-F]+" // a hexadecimal number
              + "|([0-9]+(ms|s|m|h|d|w|y))+"); // a duration such as 5m or 1h30m

  enum Context {
    EXPRESSION,
    DOUBLE_QUOTED,
    SINGLE_QUOTED,
    RAW,
    COMMENT
  }

  static final QueryArguments.Language<Context> LANGUAGE =
      new QueryArguments.Language<>(
          Context.EXPRESSION, PromQlArguments::advance, PromQlArguments::place);

  private static String place(String value, Context context, String name, String field) {
    switch (context) {
      case DOUBLE_QUOTED:
        return escape(value, '"');
      case SINGLE_QUOTED:
        return escape(value, '\'');
      case RAW:
        if (value.indexOf('`') >= 0) {
          throw QueryArguments.unsafe(
              name, field, "a backquote would end the `raw string`; use a \"quoted\" string");
        }
        return value;
      case COMMENT:
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
          throw QueryArguments.unsafe(
              name, field, "a line break inside a # comment would end the comment");
        }
        return value;
      default:
        if (!SINGLE_TOKEN.matcher(value).matches()) {
          throw QueryArguments.unsafe(
              name,
              field,
              "outside a string literal the value must be a single number, duration or name, but"
                  + " was \""
                  + escape(value, '"')
                  + "\"; put the reference inside quotes");
        }
        return value;
    }
  }

  /**
   * The characters of a PromQL string quoted with {@code quote} that read back as {@code value}.
   */
  static String escape(String value, char quote) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == quote || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static Context advance(String text, int from, int to, Context at) {
    Context context = at;
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      switch (context) {
        case EXPRESSION -> {
          if (c == '"') {
            context = Context.DOUBLE_QUOTED;
          } else if (c == '\'') {
            context = Context.SINGLE_QUOTED;
          } else if (c == '`') {
            context = Context.RAW;
          } else if (c == '#') {
            context = Context.COMMENT;
          }
        }
        case DOUBLE_QUOTED, SINGLE_QUOTED -> {
          if (c == '\\') {
            i += 2;
            continue;
          }
          if (c == (context == Context.DOUBLE_QUOTED ? '"' : '\'')) {
            context = Context.EXPRESSION;
          }
        }
        case RAW -> {
          if (c == '`') {
            context = Context.EXPRESSION;
          }
        }
        case COMMENT -> {
          if (c == '\n' || c == '\r') {
            context = Context.EXPRESSION;
          }
        }
      }
      i++;
    }
    return context;
  }
}
