package io.rollout4j.skywalking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.expr.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the typed checks ask OAP and how their conditions judge MQE's time series. */
class SkyWalkingCheckTest {
  private static final SkyWalkingCheck.Builder REVIEWS =
      SkyWalkingCheck.service("canary|reviews|bookinfo|cluster-1|-")
          .address("http://oap.istio-system:12800");

  /** An MQE time series under {@code alias}; a null point is a minute without data. */
  private static Map<String, Object> series(String alias, String... values) {
    List<Map<String, Object>> points = new ArrayList<>();
    for (String v : values) {
      Map<String, Object> point = new HashMap<>();
      point.put("id", "1795563300000");
      point.put("value", v);
      points.add(point);
    }
    return Map.of(
        alias,
        Map.of(
            "type",
            "TIME_SERIES_VALUES",
            "results",
            List.of(Map.of("metric", Map.of("labels", List.of()), "values", points))));
  }

  private static boolean passes(SkyWalkingCheck check, Map<String, Object> result) {
    return Condition.compile(check.successCondition()).test(result);
  }

  @Test
  void apdexSkipsEmptyMinutesButNeedsOneWithData() {
    SkyWalkingCheck apdex = REVIEWS.apdexAtLeast(0.99);

    assertThat(apdex.successCondition())
        .isEqualTo(
            "len(filter(result.apdex.results[0].values, {.value != nil})) > 0 &&"
                + " all(filter(result.apdex.results[0].values, {.value != nil}), {asFloat(.value)"
                + " >= 9900})");
    assertThat(passes(apdex, series("apdex", "10000", "9950", null))).isTrue();
    assertThat(passes(apdex, series("apdex", "10000", "9850", null))).isFalse();
    assertThat(passes(apdex, series("apdex", null, null, null))).isFalse();
  }

  @Test
  void theQueryIsOneAliasedExecExpressionWithTheServiceEscaped() {
    assertThat(SkyWalkingCheck.service("a\"b").address("http://oap:12800").apdexAtLeast(1).query())
        .isEqualTo(
            "query rollout4j($duration: Duration!) {\n"
                + "  apdex: execExpression(expression: \"service_apdex\", entity: { serviceName:"
                + " \"a\\\"b\", normal: true }, duration: $duration) {\n"
                + "    type error results { metric { labels { key value } } values { id value }"
                + " }\n"
                + "  }\n"
                + "}\n");
    SkyWalkingCheck.Builder builder = SkyWalkingCheck.service("x").address("http://oap:12800");
    SkyWalkingCheck threeMinutes = builder.apdexAtLeast(0.9);
    SkyWalkingCheck fiveMinutes = builder.window(Duration.ofMinutes(5)).apdexAtLeast(0.9);
    assertThat(threeMinutes.provider().interval()).as("a check keeps its settings").isEqualTo("3m");
    assertThat(fiveMinutes.provider().interval()).isEqualTo("5m");
  }

  @Test
  void responseTimesAreUpperBoundsInMillisecondsAndTheSuccessRateIsInPercent() {
    SkyWalkingCheck p99 = REVIEWS.responseTimePercentileAtMost(99, Duration.ofMillis(250));
    assertThat(p99.query())
        .contains("p99: execExpression(expression: \"service_percentile{p='99'}\"");
    assertThat(passes(p99, series("p99", "240", "250"))).isTrue();
    assertThat(passes(p99, series("p99", "240", "251"))).isFalse();

    SkyWalkingCheck sla = REVIEWS.successRateAtLeast(99.5);
    assertThat(sla.successCondition()).endsWith("{asFloat(.value) >= 9950})");
    assertThat(passes(sla, series("sla", "10000", "9950"))).isTrue();
    assertThat(passes(sla, series("sla", "9949"))).isFalse();

    SkyWalkingCheck avg = REVIEWS.averageResponseTimeAtMost(Duration.ofSeconds(1));
    assertThat(passes(avg, series("resp_time", "1000"))).isTrue();
  }

  @Test
  void badSettingsNameTheFieldAndWhatWasExpected() {
    assertThatThrownBy(() -> REVIEWS.apdexAtLeast(99))
        .hasMessage("apdex: expected 0.0..1.0 but was 99.0");
    assertThatThrownBy(() -> REVIEWS.responseTimePercentileAtMost(98, Duration.ofSeconds(1)))
        .hasMessage(
            "percentile: expected one of 50, 75, 90, 95, 99 (OAP's service_percentile) but was 98");
    assertThatThrownBy(() -> REVIEWS.expression("service_cpm", "=>", 1))
        .hasMessage("comparison: expected >=, >, <=, < or == but was '=>'");
    assertThatThrownBy(() -> SkyWalkingCheck.service("x").apdexAtLeast(0.9))
        .hasMessage("address: required, e.g. http://oap.istio-system:12800");
    assertThatThrownBy(() -> SkyWalkingCheck.service("x").address("oap:12800"))
        .hasMessage("address: expected a URL such as http://oap:12800 but was 'oap:12800'");
    assertThatThrownBy(() -> REVIEWS.window(Duration.ofHours(9)))
        .hasMessageStartingWith("window: expected a duration from 1m to 8h");
    assertThatThrownBy(() -> REVIEWS.window(Duration.ofSeconds(30)))
        .hasMessageStartingWith("window: expected a duration from 1m to 8h");
  }
}
