package io.rollout4j.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * {@code {{args.*}}} values in a Prometheus query are placed by where the reference stands, so no
 * value can add a matcher, an operator or a second expression to the query.
 */
class PromQlArgumentsTest {
  /** The success-rate query of Argo's Istio examples. */
  private static final String SUCCESS_RATE =
      """
      sum(irate(istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}",response_code!~"5.*"}[{{args.window}}])) /
      sum(irate(istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}"}[{{args.window}}]))
      """;

  private static String query(String template, Map<String, String> args) {
    Metric metric =
        new Metric(
            "m",
            null,
            null,
            null,
            "true",
            null,
            null,
            null,
            null,
            null,
            new MetricProvider.Prometheus(
                "http://prometheus:9090", template, null, null, null, List.of(), null));
    return ((MetricProvider.Prometheus) AnalysisRuns.substitute(metric, args).provider()).query();
  }

  @Test
  void ordinaryValuesAreWrittenAsTheyAre() {
    assertThat(
            query(
                SUCCESS_RATE,
                Map.of(
                    "service-name", "reviews-canary.bookinfo.svc.cluster.local", "window", "5m")))
        .contains("destination_service=~\"reviews-canary.bookinfo.svc.cluster.local\"")
        .contains("[5m]");
  }

  @Test
  void aValueThatWouldCloseItsStringIsEscapedInsideIt() {
    String attack = "x\"} or vector(1) or up{a=\"";

    String query = query(SUCCESS_RATE, Map.of("service-name", attack, "window", "5m"));

    assertThat(query)
        .contains("destination_service=~\"x\\\"} or vector(1) or up{a=\\\"\",response_code")
        .doesNotContain("=~\"x\"}");
    assertThat(query("job='{{args.job}}'", Map.of("job", "a'b\\c\nd")))
        .isEqualTo("job='a\\'b\\\\c\\nd'");
  }

  @Test
  void outsideAStringOnlyOneNumberDurationOrNameIsAccepted() {
    assertThat(query("rate(x[{{args.w}}]) > {{args.t}}", Map.of("w", "1h30m", "t", "0.95")))
        .isEqualTo("rate(x[1h30m]) > 0.95");
    assertThat(query("{{args.metric}} > -{{args.t}}", Map.of("metric", "up", "t", "1e-3")))
        .isEqualTo("up > -1e-3");

    assertThatThrownBy(
            () -> query(SUCCESS_RATE, Map.of("service-name", "s", "window", "5m]) or vector(1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("args.window in provider.prometheus.query")
        .hasMessageContaining("single number, duration or name")
        .hasMessageContaining("put the reference inside quotes");
  }

  @Test
  void rawStringsAndCommentsRejectWhatWouldEndThem() {
    assertThat(query("x{a=`{{args.v}}`}", Map.of("v", "b\"c"))).isEqualTo("x{a=`b\"c`}");
    assertThatThrownBy(() -> query("x{a=`{{args.v}}`}", Map.of("v", "b`} or up")))
        .hasMessageContaining("backquote");
    assertThatThrownBy(() -> query("up # {{args.v}}\n", Map.of("v", "a\nor vector(1)")))
        .hasMessageContaining("line break");
  }

  @Test
  void aReferenceAfterAnEscapedQuoteIsStillInsideTheString() {
    assertThat(query("x{a=\"say \\\"{{args.v}}\\\"\"}", Map.of("v", "\"")))
        .isEqualTo("x{a=\"say \\\"\\\"\\\"\"}");
  }

  @Property(tries = 300)
  void anyValueReadsBackFromTheDoubleQuotedStringItWasPlacedIn(@ForAll String value) {
    String query = query("x{a=\"{{args.v}}\"}", Map.of("v", value));

    assertThat(query).startsWith("x{a=\"").endsWith("\"}");
    String literal = query.substring(5, query.length() - 2);
    assertThat(unquote(literal)).isEqualTo(value);
  }

  /** Go's unquoting of a double-quoted string's characters, as PromQL's lexer does it. */
  private static String unquote(String literal) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      assertThat(c).as("an unescaped quote or line break would end the string").isNotIn('"', '\n');
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = literal.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'x' -> {
          out.append((char) Integer.parseInt(literal.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }
}
