package io.rollout4j.analysis;

import java.util.regex.Pattern;

/**
 * {@code {{args.*}}} substitution into a GraphQL document (the {@code skywalking} provider's {@code
 * query}) that cannot change the document's structure. Each reference is placed according to where
 * it stands in the template: inside a {@code "string"} its value is escaped as a GraphQL string
 * character sequence, inside a {@code """block string"""} a closing {@code """} is escaped, and
 * anywhere else the value must be one Name or number token. A value that cannot be placed safely (a
 * newline in a comment, anything but a single token outside a string) is rejected, never written
 * into the query.
 */
public final class GraphQlArguments {
  private GraphQlArguments() {}

  private static final Pattern SINGLE_TOKEN =
      Pattern.compile("[_A-Za-z][_0-9A-Za-z]*|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  enum Context {
    DOCUMENT,
    STRING,
    BLOCK_STRING,
    COMMENT
  }

  /** GraphQL's lexical contexts, as {@link QueryArguments} walks a template. */
  static final QueryArguments.Language<Context> LANGUAGE =
      new QueryArguments.Language<>(
          Context.DOCUMENT, GraphQlArguments::advance, GraphQlArguments::place);

  private static String place(String value, Context context, String name, String field) {
    switch (context) {
      case STRING:
        return escapeString(value);
      case BLOCK_STRING:
        return value.replace("\"\"\"", "\\\"\"\"");
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
              "outside a string literal the value must be a single name or number, but was \""
                  + escapeString(value)
                  + "\"; put the reference inside quotes");
        }
        return value;
    }
  }

  /**
   * Escapes a value as the characters of a GraphQL {@code "..."} string (spec §2.9.4): what goes
   * between the quotes so that the string reads back as {@code value}.
   */
  public static String escapeString(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** The lexical context at {@code to}, scanning the template from {@code from} in {@code at}. */
  private static Context advance(String text, int from, int to, Context at) {
    Context context = at;
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      switch (context) {
        case DOCUMENT -> {
          if (text.startsWith("\"\"\"", i)) {
            context = Context.BLOCK_STRING;
            i += 3;
            continue;
          }
          if (c == '"') {
            context = Context.STRING;
          } else if (c == '#') {
            context = Context.COMMENT;
          }
        }
        case STRING -> {
          if (c == '\\') {
            i += 2;
            continue;
          }
          if (c == '"' || c == '\n' || c == '\r') {
            context = Context.DOCUMENT;
          }
        }
        case BLOCK_STRING -> {
          if (text.startsWith("\\\"\"\"", i)) {
            i += 4;
            continue;
          }
          if (text.startsWith("\"\"\"", i)) {
            context = Context.DOCUMENT;
            i += 3;
            continue;
          }
        }
        case COMMENT -> {
          if (c == '\n' || c == '\r') {
            context = Context.DOCUMENT;
          }
        }
      }
      i++;
    }
    return context;
  }
}
