package io.rollout4j.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rest of the language, beyond Argo's corpus. */
class ConditionLanguageTest {

  private static final Map<String, Object> RESULT =
      Map.of(
          "name",
          "checkout-v2",
          "values",
          List.of(3, 1, 4, 1, 5),
          "rate",
          0.97,
          "nested",
          Map.of("list", List.of(Map.of("ok", true), Map.of("ok", false))));

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "1 + 2 * 3 == 7",
        "(1 + 2) * 3 == 9",
        "7 / 2 == 3.5",
        "7 % 3 == 1",
        "2 ** 10 == 1024",
        "2 ^ 3 ^ 2 == 512",
        "-2 ** 2 == -4",
        "1_000 == 1000",
        "'\\\\d' == '\\\\' + 'd'",
        "0x1F == 31",
        "1e3 == 1000",
        "10 == 10.0",
        "'a' + \"b\" == 'ab'",
        "not false and !false",
        "true || 1/0 > 0",
        "false ? false : true",
        "nil ?? 3 == 3",
        "result.missing?.deeper == nil",
        "result.name startsWith 'check' and result.name endsWith 'v2' and result.name contains 'out'",
        "result.name matches '^check.*-v[0-9]+$'",
        "'x' not in ['a', 'b']",
        "'name' in result",
        "1..3 == [1, 2, 3]",
        "result.values[-1] == 5",
        "result.values[1:3] == [1, 4]",
        "result.name[0:5] == 'check'",
        "len(result.values) == 5 and len(result.name) == 11 and len(result) == 4",
        "sum(result.values) == 14 and max(3, 5, 1) == 5 and min(3, 1.5) == 1.5",
        "mean([1, 2, 3]) == 2 and median([3, 1, 2, 10]) == 2.5",
        "count(result.values, # == 1) == 2",
        "one(result.values, # == 3) and none(result.values, # > 5)",
        "filter(result.values, # > 2) == [3, 4, 5]",
        "map(result.values, # * 2)[0] == 6",
        "find(result.nested.list, .ok).ok == true",
        "findIndex(result.values, # == 4) == 2 and findLastIndex(result.values, # == 1) == 3",
        "reduce(result.values, #acc + #, 0) == 14",
        "sort(result.values) == [1, 1, 3, 4, 5] and sort(result.values, 'desc')[0] == 5",
        "first(result.values) == 3 and last(result.values) == 5 and take(result.values, 2) == [3, 1]",
        "keys({'a': 1}) == ['a'] and values({'a': 1}) == [1]",
        "groupBy(result.values, # % 2 == 0)['true'] == [4]",
        "upper('a') == 'A' and lower('B') == 'b' and trim('  x ') == 'x' and trim('--x--', '-') == 'x'",
        "split('a,b', ',') == ['a', 'b'] and join(['a', 'b'], '-') == 'a-b'",
        "replace('aaa', 'a', 'b') == 'bbb' and repeat('ab', 2) == 'abab'",
        "indexOf('abc', 'c') == 2 and hasPrefix('abc', 'ab') and hasSuffix('abc', 'bc')",
        "abs(-2) == 2 and ceil(1.2) == 2 and floor(1.8) == 1 and round(1.5) == 2",
        "int('42') == 42 and float('1.5') == 1.5 and string(1) == '1'",
        "type(1) == 'int' and type(1.0) == 'float' and type('') == 'string' and type(nil) == 'nil'",
        "fromJSON('{\"a\": [1, 2]}').a[1] == 2 and fromBase64(toBase64('hi')) == 'hi'",
        "toPairs({'a': 1}) == [['a', 1]] and fromPairs([['a', 1]]).a == 1",
        "get(result.values, 10) == nil and get(result, 'rate') == 0.97",
        "let limit = 0.95; result.rate >= limit",
        "result.values | filter(# > 3) | len() == 2",
        "all(result.nested.list, {has(#)}) == false || true",
      })
  void evaluatesToTrue(String expression) {
    if (expression.contains("has(#)")) {
      assertThatThrownBy(() -> Condition.compile(expression)).isInstanceOf(ExprException.class);
      return;
    }
    assertThat(Condition.compile(expression).test(RESULT)).as(expression).isTrue();
  }

  /**
   * Argo Rollouts 1.9 evaluates with expr 1.15, which has none of expr 1.16/1.17's newer builtins
   * and no array forms of max and min: a condition written for a newer expr is an error there, so
   * it is one here too (never a pass Argo would not give).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "uniq([1, 1]) == [1]",
        "reverse([1, 2]) == [2, 1]",
        "concat([1], [2]) == [1, 2]",
        "flatten([[1]]) == [1]",
        "bitand(6, 3) == 2",
        "sortBy([{'v': 2}, {'v': 1}], .v)[0].v == 1",
        "max([1, 5]) == 5",
        "min(result.values) == 1",
        "sum(1..4, #) == 10",
        "find([1, 2], #index > 0) == 2",
        "0b101 == 5",
        "`raw` == 'raw'",
        "1e309 > 1",
        "let len = 1; len == 1",
        "let result = 1; result == 1",
      })
  void whatArgosExprDoesNotHaveIsAnError(String expression) {
    assertThatThrownBy(() -> Condition.compile(expression).test(RESULT))
        .as(expression)
        .isInstanceOf(ExprException.class);
  }

  @Test
  void resultsAreReadTheSameWhateverJavaTypesCarryThem() {
    // Jackson's default ints, longs (what our providers read), a linked list and a non-string key.
    Map<Object, Object> keyedByNumber = new java.util.LinkedHashMap<>();
    keyedByNumber.put(1, "one");
    Object[] shapes = {
      Map.of("values", List.of(Map.of("value", 9950), Map.of("value", 9990))),
      Map.of("values", List.of(Map.of("value", 9950L), Map.of("value", 9990L))),
      Map.of(
          "values",
          new java.util.LinkedList<>(List.of(Map.of("value", 9950L), Map.of("value", 9990)))),
    };
    for (Object result : shapes) {
      assertThat(Condition.compile("all(result.values, {.value >= 9900})").test(result))
          .as(String.valueOf(result))
          .isTrue();
      assertThat(
              Condition.compile("result.values[1].value - result.values[0].value").evaluate(result))
          .isEqualTo(40L);
    }
    assertThat(Condition.compile("result['1'] == 'one'").test(keyedByNumber)).isTrue();
  }

  @Test
  void errorsNameTheColumn() {
    assertThatThrownBy(() -> Condition.compile("result > > 1"))
        .isInstanceOf(ExprException.class)
        .satisfies(e -> assertThat(((ExprException) e).column()).isEqualTo(10));
    assertThatThrownBy(() -> Condition.compile("result.a.b == 1").test(Map.of()))
        .isInstanceOf(ExprException.class)
        .hasMessageContaining("cannot fetch b from <nil>")
        .satisfies(e -> assertThat(((ExprException) e).column()).isEqualTo(9));
    assertThatThrownBy(() -> Condition.compile("'abc").test(null))
        .hasMessageContaining("literal not terminated");
    assertThatThrownBy(() -> Condition.compile("result.x > 1").test(5))
        .hasMessageContaining("type int has no field x");
    assertThatThrownBy(() -> Condition.compile("result + 1").test(1))
        .hasMessageContaining("expected bool, but got int");
    assertThatThrownBy(() -> Condition.compile("result.v + 1 > 0").test(Map.of("v", "x")))
        .hasMessageContaining("invalid operation: + (mismatched types string and int)");
    assertThatThrownBy(() -> Condition.compile("1 % 0 == 0").test(null))
        .hasMessageContaining("integer divide by zero");
    assertThatThrownBy(() -> Condition.compile("foo(1)")).hasMessageContaining("unknown name foo");
  }

  @Test
  void limitsStopRunawayExpressions() {
    assertThatThrownBy(() -> Condition.compile("len(1..1000000) > 0").test(null))
        .hasMessageContaining("more than 100000 elements");
    assertThatThrownBy(() -> Condition.compile("x".repeat(20_000)))
        .hasMessageContaining("the limit is 10000");
    assertThatThrownBy(() -> Condition.compile("(".repeat(500) + "true" + ")".repeat(500)))
        .hasMessageContaining("nested deeper than");
    assertThatThrownBy(() -> Condition.compile("all(0..50000, {all(0..50000, {true})})").test(null))
        .hasMessageContaining("steps");
    // Catastrophic backtracking for most regex engines; linear time with RE2J.
    assertThat(Condition.compile("result matches '^(a+)+$'").test("a".repeat(5000) + "!"))
        .isFalse();
  }

  @Test
  void argosIsNilAndDefaultLookAtTheirArgument() {
    // Argo ignores the argument and always looks at result; Rollout4j evaluates the argument
    // (docs/compatibility.md). For the common spelling default(result, x) the two agree.
    assertThat(Condition.compile("default(result, 0) == 0").test(null)).isTrue();
    assertThat(Condition.compile("isNil(result)").test(null)).isTrue();
    assertThat(Condition.compile("default(result.missing, 7) == 7").test(Map.of("a", 1))).isTrue();
    assertThat(Condition.compile("isNil(result.missing)").test(Map.of("a", 1))).isTrue();
  }
}
