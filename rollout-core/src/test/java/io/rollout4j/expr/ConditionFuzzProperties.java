package io.rollout4j.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Random text and random syntax trees, against random results: nothing escapes but {@link
 * ExprException}; no hang (a generous guard, not a timing claim) and no stack overflow.
 */
class ConditionFuzzProperties {

  private static final String ALPHABET =
      "result.#[](){}<>=!&|?:,'\"+-*/%^~ 0123456789abcxyz_\\\n\t.";
  private static final List<String> FUNCTIONS =
      List.of(
          "len", "all", "any", "filter", "map", "sum", "max", "min", "asInt", "asFloat", "isNaN",
          "default", "isNil", "string", "upper", "split", "first", "last", "keys", "count", "sort",
          "abs");
  private static final List<String> BINARY =
      List.of(
          "+",
          "-",
          "*",
          "/",
          "%",
          "**",
          "==",
          "!=",
          "<",
          ">=",
          "&&",
          "||",
          "and",
          "or",
          "in",
          "??",
          "matches",
          "contains",
          "..",
          "not in");

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings().withChars(ALPHABET).ofMaxLength(60);
  }

  @Property(tries = 2000)
  void randomTextOnlyFailsWithExprException(@ForAll("junk") String text, @ForAll long seed) {
    outcome(text, randomValue(new Random(seed), 3));
  }

  @Property(tries = 2000)
  void randomTreesOnlyFailWithExprException(@ForAll long seed) {
    Random random = new Random(seed);
    outcome(tree(random, 0), randomValue(random, 3));
  }

  @Property(tries = 50)
  void deepNestingIsRefusedNotOverflowed(@ForAll("depths") int depth) {
    outcome("(".repeat(depth) + "true" + ")".repeat(depth), null);
    outcome("!".repeat(depth) + "true", null);
    outcome("[".repeat(depth) + "]".repeat(depth) + " == nil", null);
    outcome("-".repeat(depth) + "1 > 0", null);
    outcome("result" + ".a".repeat(depth) + " == nil", Map.of());
  }

  @Provide
  Arbitrary<Integer> depths() {
    return Arbitraries.integers().between(50, 5_000);
  }

  private static void outcome(String expression, Object result) {
    String label =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> {
              try {
                Condition.compile(expression).test(result);
                return "evaluated";
              } catch (ExprException e) {
                assertThat(e.getMessage()).isNotBlank();
                return "rejected";
              }
            });
    Statistics.collect(label);
  }

  private static String tree(Random random, int depth) {
    if (depth > 6 || random.nextInt(4) == 0) {
      return leaf(random);
    }
    return switch (random.nextInt(9)) {
      case 0 ->
          tree(random, depth + 1)
              + " "
              + BINARY.get(random.nextInt(BINARY.size()))
              + " "
              + tree(random, depth + 1);
      case 1 -> "(" + tree(random, depth + 1) + ")";
      case 2 -> "!" + tree(random, depth + 1);
      case 3 ->
          tree(random, depth + 1)
              + " ? "
              + tree(random, depth + 1)
              + " : "
              + tree(random, depth + 1);
      case 4 -> {
        String f = FUNCTIONS.get(random.nextInt(FUNCTIONS.size()));
        yield f
            + "("
            + tree(random, depth + 1)
            + (random.nextBoolean() ? ", {" + predicate(random, depth) + "}" : "")
            + ")";
      }
      case 5 -> tree(random, depth + 1) + "[" + (random.nextInt(7) - 3) + "]";
      case 6 ->
          tree(random, depth + 1)
              + (random.nextBoolean() ? "." : "?.")
              + "abc".charAt(random.nextInt(3));
      case 7 -> "[" + tree(random, depth + 1) + ", " + tree(random, depth + 1) + "]";
      default ->
          "let v = "
              + tree(random, depth + 1)
              + "; "
              + tree(random, depth + 1).replace("result", "v");
    };
  }

  private static String predicate(Random random, int depth) {
    return random.nextBoolean()
        ? "# > " + random.nextInt(5)
        : tree(random, depth + 2).replace("result", "#");
  }

  private static String leaf(Random random) {
    return switch (random.nextInt(8)) {
      case 0 -> "result";
      case 1 -> Integer.toString(random.nextInt(100) - 50);
      case 2 -> random.nextInt(10) / 3.0 + "";
      case 3 -> "'" + "xyz".charAt(random.nextInt(3)) + "'";
      case 4 -> random.nextBoolean() ? "true" : "false";
      case 5 -> "nil";
      case 6 -> "result.a";
      default -> "[1, 2, 3]";
    };
  }

  private static Object randomValue(Random random, int depth) {
    int choice = depth <= 0 ? random.nextInt(6) : random.nextInt(8);
    return switch (choice) {
      case 0 -> random.nextInt(20) - 10;
      case 1 -> random.nextDouble() * 10;
      case 2 -> "xyz".substring(random.nextInt(3));
      case 3 -> random.nextBoolean();
      case 4 -> Double.NaN;
      case 5 -> Long.MAX_VALUE;
      case 6 -> List.of(randomValue(random, depth - 1), randomValue(random, depth - 1));
      default -> Map.of("a", randomValue(random, depth - 1), "b", randomValue(random, depth - 1));
    };
  }
}
