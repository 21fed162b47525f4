package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnswersTest {
  @TempDir Path dir;

  private Answers load(String yaml) throws Exception {
    Path file = dir.resolve("answers.yaml");
    Files.writeString(file, yaml);
    return Answers.load(file);
  }

  private static MetricRequest request(String metric, Map<String, Object> provider) {
    return new MetricRequest(metric, "web", provider, Instant.EPOCH);
  }

  @Test
  void theLastAnswerThatAppliesAtTheTimeWins() throws Exception {
    Answers answers =
        load(
            """
            metrics:
              rate:
                - value: 0.99
                - value: 0.5
                  from: 10m
                  until: 20m
                - error: provider down
                  from: 15m
                  until: 16m
            """);
    MetricRequest rate = request("rate", Map.of());

    assertThat(answers.measure(rate, Duration.ofMinutes(9))).isEqualTo(0.99);
    assertThat(answers.measure(rate, Duration.ofMinutes(10))).isEqualTo(0.5);
    assertThatThrownBy(() -> answers.measure(rate, Duration.ofMinutes(15)))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("provider down");
    assertThat(answers.measure(rate, Duration.ofMinutes(20))).isEqualTo(0.99);
  }

  @Test
  void aSequenceGivesOneValuePerMeasurementAndRepeatsItsLast() throws Exception {
    Answers answers = load("metrics:\n  '*':\n    sequence: [1, 2, 3]\n");
    MetricRequest any = request("anything", Map.of());

    assertThat(List.of(1, 2, 3, 3))
        .isEqualTo(
            List.of(
                answers.measure(any, Duration.ZERO),
                answers.measure(any, Duration.ZERO),
                answers.measure(any, Duration.ZERO),
                answers.measure(any, Duration.ZERO)));
  }

  @Test
  void skywalkingAnswersHaveTheShapeOfEachAliasedFieldOfTheQuery() {
    Map<String, Object> provider =
        Map.of(
            "interval",
            "4m",
            "query",
            "query q($duration: Duration!) { apdex: readMetricsValues(condition: {}, duration:"
                + " $duration) { values { values { value } } } sla: execExpression(expression:"
                + " \"x\", entity: {}, duration: $duration) { results { values { value } } } }");

    Map<String, Object> data = Answers.skywalking(request("m", provider), 9950);

    assertThat(data).containsKeys("apdex", "sla");
    @SuppressWarnings("unchecked")
    var values =
        (List<Map<String, Object>>)
            ((Map<String, Object>) ((Map<String, Object>) data.get("apdex")).get("values"))
                .get("values");
    assertThat(values).hasSize(4).allSatisfy(p -> assertThat(p.get("value")).isEqualTo(9950L));
    assertThat(data.get("sla").toString()).contains("TIME_SERIES_VALUES").contains("value=9950");
  }

  @Test
  void mistakesNameTheirField() {
    assertThatThrownBy(() -> load("metrics:\n  rate:\n    - value: 1\n      form: 10m\n"))
        .hasMessageContaining("metrics.rate[0].form: unknown field");
    assertThatThrownBy(() -> load("metrics:\n  rate:\n    value: 1\n    error: x\n"))
        .hasMessageContaining(
            "metrics.rate: expected exactly one of value, skywalking, sequence, error");
    assertThatThrownBy(
            () -> load("metrics:\n  rate:\n    value: 1\n    from: 10m\n    until: 5m\n"))
        .hasMessageContaining("metrics.rate.until: must be after from");
  }

  @Test
  void aMetricWithoutAnswerIsAnErrorMeasurementThatSaysSo() {
    assertThatThrownBy(
            () -> Answers.none().measure(request("rate", Map.of()), Duration.ofMinutes(3)))
        .isInstanceOf(UnavailableException.class)
        .hasMessage("no answer for metric rate at +03:00 in the answers file");
  }
}
