package io.rollout4j.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conditions as Argo's documentation, examples and users write them, each against a result, with
 * Argo's outcome. A pair (success and failure condition) appears as two rows; the phase they make
 * is the analysis issue's concern.
 */
class ConditionCorpusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Object json(String text) {
    try {
      return JSON.readValue(text, Object.class);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static Arguments ok(int row, String condition, Object result, boolean expected) {
    return Arguments.of(row, condition, result, expected);
  }

  private static Arguments error(int row, String condition, Object result, String message) {
    return Arguments.of(row, condition, result, "error: " + message);
  }

  static Stream<Arguments> corpus() {
    Object apdex = json("{\"service_apdex\":{\"label\":null,\"values\":{\"values\":[2,2]}}}");
    Object web = json("{\"a\":1,\"b\":true,\"c\":[1,2,3,4],\"d\":null}");
    Object nested = json("{\"num\":1.2,\"bool\":true,\"mapfield\":{\"foo\":\"bar\"}}");
    Object seed =
        json(
            "{\"service_apdex\":{\"label\":null,\"values\":{\"values\":[{\"value\":\"10000\"},{\"value\":\"9950\"}]}}}");
    Object seedBad =
        json(
            "{\"service_apdex\":{\"label\":null,\"values\":{\"values\":[{\"value\":\"10000\"},{\"value\":\"9800\"}]}}}");
    List<Arguments> rows = new ArrayList<>();
    rows.add(ok(1, "result == true", true, true));
    rows.add(ok(2, "result == false", true, false));
    rows.add(error(3, "1", true, "expected bool, but got int"));
    rows.add(error(4, "invalidVariable", true, "unknown name invalidVariable"));
    rows.add(ok(5, "all(result.service_apdex.values.values, {# > 1})", apdex, true));
    rows.add(ok(6, "2 in result", List.of(2.0, 2.0), true));
    rows.add(ok(7, "result > 1", 5.0, true));
    rows.add(error(8, "result.Name() == 'hi'", true, "has no method Name"));
    rows.add(ok(9, "asInt(result) == 1", "1", true));
    rows.add(ok(9, "asInt(result) == 1", 1, true));
    rows.add(ok(9, "asInt(result) == 1", 1.123, true));
    rows.add(error(10, "asInt(result) == 1.1", "1.1", "invalid syntax"));
    rows.add(ok(11, "asFloat(result) == 1.1", "1.1", true));
    rows.add(ok(11, "asFloat(result) >= 1.1", "1.1", true));
    rows.add(ok(11, "asFloat(result) <= 1.1", "1.1", true));
    rows.add(
        error(
            12,
            "asFloat(result) == 1.1",
            "NotANum",
            "strconv.ParseFloat: parsing \"NotANum\": invalid syntax"));
    rows.add(
        error(
            13,
            "asFloat(result) == \"1.1\"",
            "1.1",
            "invalid operation: == (mismatched types float64 and string)"));
    rows.add(error(15, "result[0] >= 0.95", null, "type <nil>[int] is undefined"));
    rows.add(error(15, "result[0] >= 0.95", List.of(), "index out of range"));
    rows.add(ok(16, "result == 10", 10.0, true));
    rows.add(ok(16, "result != 10", 10.0, false));
    rows.add(ok(17, "all(result, # > 10)", List.of(11.0, 12.0, 13.0, 14.0), true));
    rows.add(ok(17, "all(result, # < 10)", List.of(11.0, 12.0, 13.0, 14.0), false));
    rows.add(ok(18, "result >= 0.9", Double.NaN, false));
    rows.add(ok(18, "result < 0.9", Double.NaN, false));
    rows.add(ok(19, "result >= 0.9 || isNaN(result)", Double.NaN, true));
    rows.add(ok(21, "result >= 0.9", Double.POSITIVE_INFINITY, true));
    rows.add(ok(22, "isInf(result)", Double.POSITIVE_INFINITY, true));
    rows.add(ok(23, "10 in result", List.of(10.0, 11.0), true));
    rows.add(ok(23, "len(result) != 2", List.of(10.0, 11.0), false));
    rows.add(
        ok(24, "result.a > 0 && result.b && all(result.c, {# < 5}) && result.d == nil", web, true));
    rows.add(
        ok(
            25,
            "result.a >= 2 && result.b && all(result.c, {# < 5}) && result.d == nil",
            web,
            false));
    rows.add(
        ok(
            25,
            "result.a <= 0 && result.b && all(result.c, {# < 5}) && result.d == nil",
            web,
            false));
    rows.add(ok(26, "asInt(result) > 0", "1", true));
    rows.add(ok(26, "asInt(result) <= 0", "0", true));
    rows.add(ok(27, "asFloat(result) > 1.1", "1.2", true));
    rows.add(ok(27, "asFloat(result) <= 0", "1.2", false));
    rows.add(ok(28, "asFloat(result) < 1.3", "1.2", true));
    rows.add(ok(29, "result > 0", 1, true));
    rows.add(ok(29, "result <= 0", 0, true));
    rows.add(ok(29, "result > 0", 1.1, true));
    rows.add(ok(29, "result <= 0", -1.1, true));
    rows.add(ok(30, "result == \"true\"", "true", true));
    rows.add(ok(30, "result == \"false\"", "true", false));
    rows.add(ok(31, "result == true", true, true));
    rows.add(ok(31, "result == false", false, true));
    rows.add(ok(32, "any(result, {# > 5})", List.of(1, 2, 3, 4, 5, 6), true));
    rows.add(ok(32, "any(result, {# > 6})", List.of(1, 2, 3, 4, 5, 6), false));
    rows.add(
        ok(33, "result.num > 1.1 && result.bool && result.mapfield.foo == \"bar\"", nested, true));
    rows.add(ok(34, "result == 'fail123'", "", false));
    rows.add(ok(34, "result == 'fail123'", "OK", false));
    rows.add(ok(35, "result == 'test: notJson'", "test: notJson", true));
    rows.add(ok(36, "result < 0.001", 0.0003332881882246533, true));
    rows.add(ok(36, "result >= 0.001", 0.006121378742186943, true));
    rows.add(ok(37, "default(result, 0) < 0.05", null, true));
    rows.add(ok(37, "default(result, 1) < 0.05", null, false));
    rows.add(error(37, "result < 0.05", null, "mismatched types <nil> and float64"));
    // The reference row comes from a newer Argo (expr 1.17); Argo 1.9's expr 1.15 has no array
    // form of max, so the measurement is an error there (tools/expr-oracle).
    rows.add(
        error(38, "max(result) < 0.05", List.of(0.01, 0.087, 0.04), "invalid argument for max"));
    rows.add(ok(38, "all(result, # < 0.05)", List.of(0.01, 0.02, 0.03), true));
    rows.add(ok(39, "result.count == 10", Map.of("count", 10), true));
    rows.add(ok(39, "result.count != 10", Map.of("count", 10), false));
    rows.add(
        ok(
            40,
            "result[0].count == 10",
            List.of(Map.of("count", 10), Map.of("count", 20), Map.of("count", 30)),
            true));
    rows.add(
        ok(
            40,
            "result[2].count < 20",
            List.of(Map.of("count", 10), Map.of("count", 20), Map.of("count", 30)),
            false));
    rows.add(
        ok(
            41,
            "result.count == 10 and result['average.duration'] < 15.0",
            json("{\"average.duration\":12.34,\"count\":10}"),
            true));
    rows.add(
        ok(
            41,
            "!(result.count == 10 and result['average.duration'] < 15.0)",
            json("{\"average.duration\":12.34,\"count\":10}"),
            false));
    rows.add(ok(42, "len(result) == 0 || result[0] >= 0.95", List.of(), true));
    rows.add(ok(42, "len(result) > 0 && result[0] >= 0.95", List.of(), false));
    rows.add(ok(43, "isNaN(result) || result >= 0.95", Double.NaN, true));
    rows.add(
        ok(44, "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})", seed, true));
    rows.add(
        ok(
            44,
            "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})",
            seedBad,
            false));
    rows.add(
        ok(
            45,
            "len(result[0].Values) >= 5 and all(result[0].Values, {# <= 0.01})",
            json("[{\"Values\":[0.001,0.002,0.0,0.01,0.003]}]"),
            true));
    rows.add(ok(46, "result == 'It worked!'", "It worked!", true));
    rows.add(
        ok(
            46,
            "result.ok && result.successPercent >= 0.90",
            json("{\"ok\":true,\"successPercent\":0.93}"),
            true));
    rows.add(error(47, "results[0] >= 90.000000", List.of(91.0), "unknown name results"));
    return rows.stream();
  }

  @ParameterizedTest(name = "f.1 #{0}: {1} with {2}")
  @MethodSource("corpus")
  void conditionHasArgosOutcome(int row, String condition, Object result, Object expected) {
    if (expected instanceof String message) {
      String fragment = message.substring("error: ".length());
      assertThatThrownBy(() -> Condition.compile(condition).test(result))
          .isInstanceOf(ExprException.class)
          .hasMessageContaining(fragment);
    } else {
      assertThat(Condition.compile(condition).test(result)).isEqualTo(expected);
    }
  }
}
