package io.rollout4j.expr;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens: numbers, strings, names and operators. */
final class Lexer {
  private static final String[] OPERATORS = {
    "...", "..", "?.", "??", "==", "!=", "<=", ">=", "&&", "||", "**", "+", "-", "*", "/", "%", "^",
    "<", ">", "!", "(", ")", "[", "]", "{", "}", ",", ".", ":", "?", "#", "|", ";", "="
  };

  private final String source;
  private int pos;

  private Lexer(String source) {
    this.source = source;
  }

  static List<Token> tokens(String source) {
    return new Lexer(source).run();
  }

  private List<Token> run() {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos >= source.length()) {
        out.add(new Token(Token.Kind.EOF, "", "", pos + 1));
        return out;
      }
      char c = source.charAt(pos);
      int column = pos + 1;
      if (Character.isDigit(c)
          || (c == '.'
              && pos + 1 < source.length()
              && Character.isDigit(source.charAt(pos + 1))
              && !previousIsDot())) {
        out.add(number(column));
      } else if (c == '"' || c == '\'') {
        out.add(new Token(Token.Kind.STRING, "", quoted(c, column), column));
      } else if (Character.isLetter(c) || c == '_' || c == '$') {
        int start = pos;
        while (pos < source.length()
            && (Character.isLetterOrDigit(source.charAt(pos))
                || source.charAt(pos) == '_'
                || source.charAt(pos) == '$')) {
          pos++;
        }
        String name = source.substring(start, pos);
        out.add(new Token(Token.Kind.IDENT, name, name, column));
      } else {
        String op = operator();
        if (op == null) {
          throw new ExprException("unexpected character '" + c + "'", column);
        }
        out.add(new Token(Token.Kind.OPERATOR, op, op, column));
      }
    }
  }

  private boolean previousIsDot() {
    return pos > 0 && source.charAt(pos - 1) == '.';
  }

  private void skipSpace() {
    while (pos < source.length()) {
      char c = source.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '/' && pos + 1 < source.length() && source.charAt(pos + 1) == '/') {
        while (pos < source.length() && source.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '/' && pos + 1 < source.length() && source.charAt(pos + 1) == '*') {
        int end = source.indexOf("*/", pos + 2);
        if (end < 0) {
          throw new ExprException("unterminated comment", pos + 1);
        }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  private @org.jspecify.annotations.Nullable String operator() {
    for (String op : OPERATORS) {
      if (source.startsWith(op, pos)) {
        pos += op.length();
        return op;
      }
    }
    return null;
  }

  private Token number(int column) {
    int start = pos;
    if (source.startsWith("0x", pos)) {
      pos += 2;
      int digitsStart = pos;
      while (pos < source.length()
          && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_')) {
        pos++;
      }
      String digits = source.substring(digitsStart, pos).replace("_", "");
      try {
        return new Token(
            Token.Kind.NUMBER, source.substring(start, pos), Long.parseLong(digits, 16), column);
      } catch (NumberFormatException e) {
        throw new ExprException("invalid hex literal " + source.substring(start, pos), column);
      }
    }
    if (pos + 1 < source.length()
        && source.charAt(pos) == '0'
        && Character.isLetter(source.charAt(pos + 1))
        && "eE".indexOf(source.charAt(pos + 1)) < 0) {
      // expr 1.15 reads only 0x as a prefix: 0X1f, 0o17 and 0b101 are invalid integers.
      while (pos < source.length() && Character.isLetterOrDigit(source.charAt(pos))) {
        pos++;
      }
      throw new ExprException("invalid integer literal " + source.substring(start, pos), column);
    }
    boolean isFloat = false;
    while (pos < source.length()) {
      char c = source.charAt(pos);
      if (Character.isDigit(c) || c == '_') {
        pos++;
      } else if (c == '.' && !isFloat && !source.startsWith("..", pos)) {
        isFloat = true;
        pos++;
      } else if ((c == 'e' || c == 'E') && pos + 1 < source.length()) {
        isFloat = true;
        pos++;
        if (source.charAt(pos) == '+' || source.charAt(pos) == '-') {
          pos++;
        }
      } else {
        break;
      }
    }
    String text = source.substring(start, pos);
    String clean = text.replace("_", "");
    try {
      Object value = isFloat ? (Object) Double.parseDouble(clean) : (Object) Long.parseLong(clean);
      if (value instanceof Double d && d.isInfinite()) {
        throw new ExprException("invalid float literal " + text + ": value out of range", column);
      }
      return new Token(Token.Kind.NUMBER, text, value, column);
    } catch (NumberFormatException e) {
      throw new ExprException("invalid number " + text, column);
    }
  }

  private String quoted(char quote, int column) {
    StringBuilder out = new StringBuilder();
    pos++;
    while (pos < source.length()) {
      char c = source.charAt(pos++);
      if (c == quote) {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= source.length()) {
        break;
      }
      char e = source.charAt(pos++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case 'a' -> out.append('\u0007');
        case '\\', '\'', '"', '`', '?' -> out.append(e);
        case 'x', 'X', 'u', 'U' -> {
          int n = e == 'u' ? 4 : e == 'U' ? 8 : 2;
          int code = digits(n, 16, column);
          if (code > Character.MAX_CODE_POINT) {
            throw new ExprException("unable to unescape string", column);
          }
          out.appendCodePoint(code);
        }
        case '0', '1', '2', '3' -> {
          pos--;
          out.append((char) digits(3, 8, column));
        }
        default -> throw new ExprException("invalid escape \\" + e, pos - 1);
      }
    }
    throw new ExprException("literal not terminated", column);
  }

  /** {@code n} digits of {@code radix} at the current position, as an escape's value. */
  private int digits(int n, int radix, int column) {
    if (pos + n > source.length()) {
      throw new ExprException("unable to unescape string", column);
    }
    int value = 0;
    for (int i = 0; i < n; i++) {
      int d = Character.digit(source.charAt(pos + i), radix);
      if (d < 0) {
        throw new ExprException("unable to unescape string", column);
      }
      value = value * radix + d;
    }
    pos += n;
    return value;
  }
}
