package io.rollout4j.expr;

/** A lexical token with its 1-based column. */
record Token(Kind kind, String text, Object value, int column) {

  enum Kind {
    NUMBER,
    STRING,
    IDENT,
    OPERATOR,
    EOF
  }

  boolean is(String operatorOrKeyword) {
    return (kind == Kind.OPERATOR || kind == Kind.IDENT) && text.equals(operatorOrKeyword);
  }
}
