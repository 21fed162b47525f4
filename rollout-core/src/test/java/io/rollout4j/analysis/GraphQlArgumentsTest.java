package io.rollout4j.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.model.Argument;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.model.RolloutAnalysis;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * {@code {{args.*}}} values in a SkyWalking query are placed by where the reference stands, so no
 * value can add query text (the schema-level check of the same queries is in rollout-skywalking).
 */
class GraphQlArgumentsTest {
  private static final String SEED_QUERY =
      """
      query queryData($duration: Duration!) {
        service_apdex: readMetricsValues(
          condition: { name: "service_apdex", entity: { scope: Service, serviceName: "{{ args.service-name }}", normal: true } },
          duration: $duration) {
            label values { values { value } }
        }
      }
      """;

  private static String query(String template, String name, String value) {
    return query(template, Map.of(name, value));
  }

  private static String query(String template, Map<String, String> args) {
    Metric metric = metric(new MetricProvider.SkyWalking("http://oap:12800", template, "3m"));
    return ((MetricProvider.SkyWalking) AnalysisRuns.substitute(metric, args).provider()).query();
  }

  private static Metric metric(MetricProvider provider) {
    return new Metric("m", null, null, null, "true", null, null, null, null, null, provider);
  }

  @Test
  void aServiceNameIsWrittenAsIsWhenItNeedsNoEscaping() {
    assertThat(query(SEED_QUERY, "service-name", "canary|reviews|bookinfo|cluster-1|-"))
        .contains("serviceName: \"canary|reviews|bookinfo|cluster-1|-\", normal: true");
  }

  @Test
  void aValueThatWouldCloseTheStringIsEscapedInsideIt() {
    String attack =
        "x\" } } , duration: $duration) { label } leak: readMetricsValues(condition: {name: \"y";

    String query = query(SEED_QUERY, "service-name", attack);

    assertThat(query)
        .contains(
            "serviceName: \"x\\\" } } , duration: $duration) { label } leak: readMetricsValues(condition: {name: \\\"y\", normal: true");
  }

  @Test
  void backslashesNewlinesAndControlCharactersAreEscaped() {
    assertThat(query(SEED_QUERY, "service-name", "a\\\"b\nc\u0001"))
        .contains("serviceName: \"a\\\\\\\"b\\nc\\u0001\"");
  }

  @Test
  void insideABlockStringOnlyTheClosingDelimiterIsEscaped() {
    String template = "query { version(note: \"\"\"{{args.x}}\"\"\") }";
    assertThat(query(template, "x", "a \"\"\" b \\ \""))
        .isEqualTo("query { version(note: \"\"\"a \\\"\"\" b \\ \"\"\"\") }");
  }

  @Test
  void outsideAStringOnlyASingleNameOrNumberIsAccepted() {
    String template = "query { a: readMetricsValue(limit: {{args.n}}) }";
    assertThat(query(template, "n", "42")).contains("limit: 42)");
    assertThat(query(template, "n", "MINUTE")).contains("limit: MINUTE)");
    assertThatThrownBy(() -> query(template, "n", "1) leak: version(x: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unable to resolve metric arguments: args.n in provider.skywalking.query: outside a"
                + " string literal the value must be a single name or number, but was \"1) leak:"
                + " version(x: 1\"; put the reference inside quotes");
  }

  @Test
  void aLineBreakCannotEndAComment() {
    String template = "# service {{args.x}}\nquery { version }";
    assertThat(query(template, "x", "reviews")).startsWith("# service reviews\n");
    assertThatThrownBy(() -> query(template, "x", "r\nquery { leak }"))
        .hasMessageContaining(
            "args.x in provider.skywalking.query: a line break inside a # comment");
  }

  @Test
  void quotesInsideStringsAndEscapedQuotesDoNotConfuseTheContext() {
    String template =
        "query { a(s: \"say \\\"hi\\\" {{args.x}}\", t: {{args.n}}, u: \"\"\"b \\\"\"\" {{args.x}}\"\"\") }";
    assertThat(query(template, Map.of("x", "\"", "n", "7")))
        .isEqualTo("query { a(s: \"say \\\"hi\\\" \\\"\", t: 7, u: \"\"\"b \\\"\"\" \"\"\"\") }");
  }

  @Test
  void otherFieldsAndOtherProvidersKeepArgosPlainSubstitution() {
    Metric web =
        metric(
            new MetricProvider.SkyWalking("http://{{args.host}}:12800", "query { version }", "3m"));
    assertThat(
            ((MetricProvider.SkyWalking)
                    AnalysisRuns.substitute(web, Map.of("host", "a\"b")).provider())
                .address())
        .isEqualTo("http://a\"b:12800");
  }

  @Test
  void theRunSpecFromTheSeedTemplateEscapesTheArgument() throws Exception {
    var spec =
        AnalysisRuns.spec(
            List.of(AnalysisRunsTest.seedTemplate().spec()),
            new RolloutAnalysis(
                List.of(),
                List.of(Argument.of("service-name", "a\"b")),
                List.of(),
                List.of(),
                null),
            new AnalysisRuns.ArgumentSources(null, null, path -> null));
    assertThat(((MetricProvider.SkyWalking) spec.metrics().get(0).provider()).query())
        .contains("serviceName: \"a\\\"b\"");
  }

  /** Reading the escaped characters back as GraphQL does gives the value, whatever it is. */
  @Property
  void escapingRoundTripsEveryString(@ForAll String value) {
    assertThat(unescape(GraphQlArguments.escapeString(value))).isEqualTo(value);
    assertThat(GraphQlArguments.escapeString(value)).doesNotContain("\n").doesNotContain("\r");
    assertThat(GraphQlArguments.escapeString(value).replace("\\\\", "").replace("\\\"", ""))
        .doesNotContain("\"");
  }

  private static String unescape(String escaped) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = escaped.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          out.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(e);
      }
    }
    return out.toString();
  }
}
