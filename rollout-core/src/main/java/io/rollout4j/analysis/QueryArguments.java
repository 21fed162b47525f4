package io.rollout4j.analysis;

import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code {{args.*}}} substitution into a query language's text that cannot change the query's
 * structure: the template is walked with the language's lexical contexts (document, string,
 * comment, ...) and each reference is placed as its context allows, or rejected with the argument's
 * name and the reason. GraphQL ({@link GraphQlArguments}) and PromQL ({@link PromQlArguments}) plug
 * in their lexicons.
 */
final class QueryArguments {
  private QueryArguments() {}

  /**
   * A query language's lexical contexts: the one a template starts in, how scanning text moves
   * between them, and how a value is placed in each.
   */
  record Language<C>(C start, Advance<C> advance, Place<C> place) {}

  /** The context at {@code to}, scanning {@code text} from {@code from} in context {@code at}. */
  @FunctionalInterface
  interface Advance<C> {
    C apply(String text, int from, int to, C at);
  }

  /**
   * The characters that stand for {@code value} in context {@code at}.
   *
   * <p>Throws IllegalArgumentException (from {@link #unsafe}) when no placement is safe.
   */
  @FunctionalInterface
  interface Place<C> {
    String apply(String value, C at, String name, String field);
  }

  /**
   * The template with every reference matched by {@code reference} (group 1 = the argument's name)
   * replaced by its safely placed value; references to {@code deferred} names are left in place.
   *
   * @throws IllegalArgumentException naming the argument when a value cannot be placed, or when a
   *     reference cannot be resolved
   */
  static <C> String substitute(
      Language<C> language,
      String template,
      Pattern reference,
      Function<String, @Nullable String> args,
      Set<String> deferred,
      String field) {
    Matcher m = reference.matcher(template);
    StringBuilder out = new StringBuilder();
    int scanned = 0;
    C context = language.start();
    while (m.find()) {
      context = language.advance().apply(template, scanned, m.start(), context);
      scanned = m.end();
      String name = m.group(1);
      String value = args.apply(name);
      if (value == null) {
        if (!deferred.contains(name)) {
          throw new IllegalArgumentException(
              "Unable to resolve metric arguments: failed to resolve " + m.group());
        }
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
        continue;
      }
      m.appendReplacement(
          out, Matcher.quoteReplacement(language.place().apply(value, context, name, field)));
    }
    m.appendTail(out);
    return out.toString();
  }

  static IllegalArgumentException unsafe(String name, String field, String why) {
    return new IllegalArgumentException(
        "Unable to resolve metric arguments: args." + name + " in " + field + ": " + why);
  }
}
