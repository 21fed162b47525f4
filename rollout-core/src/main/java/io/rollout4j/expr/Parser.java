package io.rollout4j.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Pratt parser with expr-lang's operator precedence, bounded in size and depth. */
final class Parser {
  static final int MAX_LENGTH = 10_000;
  static final int MAX_NODES = 5_000;
  static final int MAX_DEPTH = 100;

  /** Binary operators and their precedence (higher binds tighter), as in expr-lang. */
  private static final Map<String, Integer> BINARY =
      Map.ofEntries(
          Map.entry("|", 0),
          Map.entry("or", 10),
          Map.entry("||", 10),
          Map.entry("and", 15),
          Map.entry("&&", 15),
          Map.entry("==", 20),
          Map.entry("!=", 20),
          Map.entry("<", 20),
          Map.entry(">", 20),
          Map.entry("<=", 20),
          Map.entry(">=", 20),
          Map.entry("in", 20),
          Map.entry("matches", 20),
          Map.entry("contains", 20),
          Map.entry("startsWith", 20),
          Map.entry("endsWith", 20),
          Map.entry("..", 25),
          Map.entry("+", 30),
          Map.entry("-", 30),
          Map.entry("*", 60),
          Map.entry("/", 60),
          Map.entry("%", 60),
          Map.entry("**", 100),
          Map.entry("^", 100),
          Map.entry("??", 500));

  private static final int UNARY_NOT = 50;
  private static final int UNARY_SIGN = 90;

  private final List<Token> tokens;
  private int pos;
  private int nodes;
  private int depth;
  private int closures;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Node parse(String expression) {
    if (expression.length() > MAX_LENGTH) {
      throw new ExprException(
          "expression is " + expression.length() + " characters long; the limit is " + MAX_LENGTH,
          0);
    }
    if (expression.isBlank()) {
      throw new ExprException("empty expression", 0);
    }
    Parser parser = new Parser(Lexer.tokens(expression));
    Node node = parser.expression(0);
    Token end = parser.peek();
    if (end.kind() != Token.Kind.EOF) {
      throw new ExprException("unexpected token " + describe(end), end.column());
    }
    return node;
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    return tokens.get(pos++);
  }

  private Token peekAt(int offset) {
    return tokens.get(Math.min(pos + offset, tokens.size() - 1));
  }

  private Token expect(String op) {
    Token t = next();
    if (!t.is(op)) {
      throw new ExprException("expected '" + op + "' but found " + describe(t), t.column());
    }
    return t;
  }

  private static String describe(Token t) {
    return t.kind() == Token.Kind.EOF
        ? "end of expression"
        : "'" + (t.kind() == Token.Kind.STRING ? t.value() : t.text()) + "'";
  }

  private <T extends Node> T node(T n) {
    if (++nodes > MAX_NODES) {
      throw new ExprException("expression has more than " + MAX_NODES + " parts", n.column());
    }
    return n;
  }

  private Node expression(int minPrecedence) {
    if (++depth > MAX_DEPTH) {
      throw new ExprException(
          "expression nested deeper than " + MAX_DEPTH + " levels", peek().column());
    }
    try {
      if (peek().is("let") && peekAt(1).kind() == Token.Kind.IDENT) {
        return let();
      }
      Node left = unary();
      int chain = 0;
      while (true) {
        Token t = peek();
        String op = t.kind() == Token.Kind.OPERATOR || t.kind() == Token.Kind.IDENT ? t.text() : "";
        boolean negated = false;
        if (op.equals("not")) {
          // "not in", "not contains", ...: expr 1.15 takes the "not" even when the operator after
          // it binds too loosely to apply here, and then drops it (-1 not in [] is -1 in []).
          next();
          negated = true;
          t = peek();
          op = t.kind() == Token.Kind.OPERATOR || t.kind() == Token.Kind.IDENT ? t.text() : "";
        }
        Integer precedence = BINARY.get(op);
        if (precedence == null || precedence < minPrecedence) {
          break;
        }
        next();
        if (++chain > MAX_DEPTH) {
          throw new ExprException(
              "expression nested deeper than " + MAX_DEPTH + " levels", t.column());
        }
        if (op.equals("|")) {
          left = pipe(left, t.column());
          continue;
        }
        boolean rightAssociative = op.equals("**") || op.equals("^");
        Node right = expression(rightAssociative ? precedence : precedence + 1);
        left = node(new Node.Binary(op, left, right, t.column()));
        if (negated) {
          left = node(new Node.Unary("not", left, t.column()));
        }
      }
      if (minPrecedence == 0 && peek().is("?")) {
        Token q = next();
        Node then = expression(0);
        expect(":");
        Node otherwise = expression(0);
        left = node(new Node.Conditional(left, then, otherwise, q.column()));
      }
      return left;
    } finally {
      depth--;
    }
  }

  private Node let() {
    Token let = next();
    Token name = next();
    expect("=");
    Node value = expression(0);
    expect(";");
    Node body = expression(0);
    return node(new Node.Let(name.text(), value, body, let.column()));
  }

  /** {@code x | f(a)} is {@code f(x, a)}. */
  private Node pipe(Node left, int column) {
    Token name = next();
    if (name.kind() != Token.Kind.IDENT) {
      throw new ExprException("expected a function after '|'", name.column());
    }
    List<Node> args = new ArrayList<>();
    args.add(left);
    if (peek().is("(")) {
      next();
      arguments(name.text(), args, 1);
    }
    return node(new Node.Call(name.text(), args, column));
  }

  private Node unary() {
    Token t = peek();
    if (t.is("not") || t.is("!")) {
      next();
      return node(new Node.Unary("not", expression(UNARY_NOT), t.column()));
    }
    if (t.is("-") || t.is("+")) {
      next();
      return node(new Node.Unary(t.text(), expression(UNARY_SIGN), t.column()));
    }
    if (t.kind() == Token.Kind.STRING) {
      return primary(); // expr 1.15 indexes, slices or fetches from no string literal
    }
    return postfix(primary());
  }

  private Node primary() {
    Token t = next();
    switch (t.kind()) {
      case NUMBER:
      case STRING:
        return node(new Node.Literal(t.value(), t.column()));
      case IDENT:
        return identifier(t);
      case EOF:
        throw new ExprException("unexpected end of expression", t.column());
      default:
        break;
    }
    switch (t.text()) {
      case "(" -> {
        Node inner = expression(0);
        expect(")");
        return inner;
      }
      case "[" -> {
        List<Node> items = new ArrayList<>();
        while (!peek().is("]")) {
          items.add(expression(0));
          if (!peek().is(",")) {
            break;
          }
          next();
        }
        expect("]");
        return node(new Node.ArrayLiteral(items, t.column()));
      }
      case "{" -> {
        return mapLiteral(t);
      }
      case "#" -> {
        if (closures == 0) {
          throw new ExprException("'#' is only allowed inside a predicate", t.column());
        }
        if (peek().kind() == Token.Kind.IDENT && peek().column() == t.column() + 1) {
          Token name = next();
          return node(new Node.Pointer(name.text(), t.column()));
        }
        return node(new Node.Pointer("", t.column()));
      }
      case "." -> {
        // `.field` inside a predicate is `#.field`.
        if (closures == 0) {
          throw new ExprException("'.' needs something to fetch from", t.column());
        }
        Token name = next();
        if (name.kind() != Token.Kind.IDENT) {
          throw new ExprException("expected a field name after '.'", name.column());
        }
        return node(
            new Node.Member(
                node(new Node.Pointer("", t.column())), name.text(), false, t.column()));
      }
      default -> throw new ExprException("unexpected token " + describe(t), t.column());
    }
  }

  private Node identifier(Token t) {
    switch (t.text()) {
      case "true":
        return node(new Node.Literal(Boolean.TRUE, t.column()));
      case "false":
        return node(new Node.Literal(Boolean.FALSE, t.column()));
      case "nil":
        return node(new Node.Literal(null, t.column()));
      default:
        break;
    }
    if (peek().is("(")) {
      next();
      List<Node> args = new ArrayList<>();
      arguments(t.text(), args, 0);
      return node(new Node.Call(t.text(), args, t.column()));
    }
    return node(new Node.Name(t.text(), t.column()));
  }

  /** Reads arguments up to ')'; a predicate builtin's second argument is a closure. */
  private void arguments(String function, List<Node> args, int already) {
    int index = already;
    while (!peek().is(")")) {
      boolean closure = Builtins.isPredicate(function) && index == 1;
      args.add(closure ? closure() : expression(0));
      index++;
      if (!peek().is(",")) {
        break;
      }
      next();
    }
    expect(")");
  }

  private Node closure() {
    Token start = peek();
    closures++;
    try {
      if (start.is("{")) {
        next();
        Node body = expression(0);
        expect("}");
        return node(new Node.Closure(body, start.column()));
      }
      return node(new Node.Closure(expression(0), start.column()));
    } finally {
      closures--;
    }
  }

  private Node mapLiteral(Token open) {
    List<Node> keys = new ArrayList<>();
    List<Node> values = new ArrayList<>();
    while (!peek().is("}")) {
      Token key = next();
      if (key.kind() == Token.Kind.IDENT
          || key.kind() == Token.Kind.STRING
          || key.kind() == Token.Kind.NUMBER) {
        keys.add(
            node(
                new Node.Literal(
                    String.valueOf(key.kind() == Token.Kind.IDENT ? key.text() : key.value()),
                    key.column())));
      } else if (key.is("(")) {
        keys.add(expression(0));
        expect(")");
      } else {
        throw new ExprException(
            "a map key must be a name, a string or a number, found " + describe(key), key.column());
      }
      expect(":");
      values.add(expression(0));
      if (!peek().is(",")) {
        break;
      }
      next();
    }
    expect("}");
    return node(new Node.MapLiteral(keys, values, open.column()));
  }

  private Node postfix(Node target) {
    Node current = target;
    int chain = 0;
    while (true) {
      Token t = peek();
      if ((t.is(".") || t.is("?.") || t.is("[")) && ++chain > MAX_DEPTH) {
        throw new ExprException(
            "expression nested deeper than " + MAX_DEPTH + " levels", t.column());
      }
      if (t.is(".") || t.is("?.")) {
        next();
        boolean optional = t.is("?.");
        if (optional && peek().is("[")) {
          next();
          Node index = expression(0);
          expect("]");
          current = node(new Node.Index(current, index, true, t.column()));
          continue;
        }
        Token name = next();
        if (name.kind() != Token.Kind.IDENT) {
          throw new ExprException("expected a field name after '" + t.text() + "'", name.column());
        }
        if (peek().is("(")) {
          next();
          List<Node> args = new ArrayList<>();
          arguments(name.text(), args, 0);
          current = node(new Node.MethodCall(current, name.text(), args, name.column()));
          continue;
        }
        current = node(new Node.Member(current, name.text(), optional, t.column()));
      } else if (t.is("[")) {
        next();
        Node from = peek().is(":") ? null : expression(0);
        if (peek().is(":")) {
          next();
          Node to = peek().is("]") ? null : expression(0);
          expect("]");
          current = node(new Node.Slice(current, from, to, t.column()));
        } else {
          expect("]");
          if (from == null) {
            throw new ExprException("expected an index", t.column());
          }
          current = node(new Node.Index(current, from, false, t.column()));
        }
      } else {
        return current;
      }
    }
  }
}
