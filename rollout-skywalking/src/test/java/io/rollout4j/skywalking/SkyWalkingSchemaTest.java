package io.rollout4j.skywalking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import graphql.ExecutionInput;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.NodeUtil;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.schema.GraphQLSchema;
import io.rollout4j.analysis.AnalysisRuns;
import io.rollout4j.analysis.providers.MeasurementProvider;
import io.rollout4j.expr.Condition;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.Metric;
import io.rollout4j.model.MetricProvider;
import io.rollout4j.port.MetricRequest;
import io.rollout4j.port.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every query the provider sends, checked against SkyWalking's real schema files by graphql-java:
 * the captured OAP exchanges replayed through a schema-validating server, the seed's query on every
 * schema generation, the typed MQE checks and the opt-in template where their fields exist, and
 * arbitrary argument values that must stay one string.
 */
class SkyWalkingSchemaTest {
  private static final Instant CAPTURED_AT = Instant.parse("2026-11-24T23:38:41Z");
  private static final Map<String, GraphQLSchema> SCHEMAS = new ConcurrentHashMap<>();
  private static final String SEED_SERVICE = "canary|reviews|bookinfo|cluster-1|-";
  private static SchemaServer oap1010;

  @BeforeAll
  static void serveOap1010Schema() throws IOException {
    oap1010 = SchemaServer.serving("v10.1.0");
  }

  @AfterAll
  static void stop() {
    oap1010.close();
  }

  /** "." is the newest schema (main, 2026), v10.1.0 the OAP we run, v9.4.0 the seed's era. */
  private static GraphQLSchema schema(String folder) {
    return SCHEMAS.computeIfAbsent(folder, SchemaServer::schema);
  }

  private static List<String> errors(String folder, String query) {
    ParseAndValidateResult result =
        ParseAndValidate.parseAndValidate(
            schema(folder), ExecutionInput.newExecutionInput(query).build());
    List<String> errors = new ArrayList<>();
    if (result.getSyntaxException() != null) {
      errors.add(result.getSyntaxException().getMessage());
    }
    result.getValidationErrors().forEach(e -> errors.add(e.getMessage()));
    return errors;
  }

  private static String seedQuery(String serviceName) {
    return query(Shared.read("tse-gitops-demo/argo/rollout/analysis.yaml"), serviceName);
  }

  private static String query(String templateYaml, String serviceName) {
    Metric metric =
        AnalysisRuns.substitute(
            Manifests.parseOne(templateYaml, AnalysisTemplate.class).spec().metrics().get(0),
            Map.of("service-name", serviceName));
    return ((MetricProvider.SkyWalking) metric.provider()).query();
  }

  private static Object send(String query) {
    return new SkyWalkingMetricProvider()
        .measure(
            new MetricRequest(
                "m",
                "skywalking",
                Map.of("address", oap1010.address(), "query", query, "interval", "3m"),
                CAPTURED_AT));
  }

  @ParameterizedTest
  @MethodSource("io.rollout4j.skywalking.SkyWalkingCapturesTest#dataCaptures")
  @SuppressWarnings("unchecked")
  void aCapturedQueryPassesTheSchemaAndItsDataComesBackAsTheResult(String name) {
    Map<String, Object> capture = SkyWalkingCapturesTest.capture(name);
    Map<String, Object> request = (Map<String, Object>) capture.get("request");
    String query = (String) ((Map<String, Object>) request.get("body")).get("query");
    Map<String, Object> response = (Map<String, Object>) capture.get("response");
    Map<String, Object> data =
        (Map<String, Object>) ((Map<String, Object>) response.get("body")).get("data");
    oap1010.answerWith(data);

    Object result = send(query);

    assertThat(oap1010.served()).last().satisfies(s -> assertThat(s.errors()).isEmpty());
    assertThat(result).isEqualTo(MeasurementProvider.withGoNumbers(data));
  }

  @Test
  void theSeedConditionHoldsOnDataServedThroughTheSchema() {
    Map<String, Object> healthy =
        castMap(
            castMap(
                    castMap(SkyWalkingCapturesTest.capture("01-seed-query-healthy-canary.json"))
                        .get("response"))
                .get("body"));
    oap1010.answerWith(castMap(healthy.get("data")));

    Object result = send(seedQuery(SEED_SERVICE));

    assertThat(
            Condition.compile("all(result.service_apdex.values.values, {asFloat(.value) >= 9900})")
                .test(result))
        .isTrue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void queriesTheSchemaRejectsAreRejectedHereAsOapRejectedThem() {
    assertThatThrownBy(() -> send("query q($duration: Duration!) { version"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageStartingWith("graphql: Invalid syntax");
    assertThatThrownBy(() -> send("query q($duration: Duration!) { noSuchField }"))
        .isInstanceOf(UnavailableException.class)
        .hasMessageStartingWith(
            "graphql: Validation error (FieldUndefined@[noSuchField]) : Field 'noSuchField' in"
                + " type 'Query' is undefined");
  }

  @Test
  void theSeedQueryIsValidOnEverySchemaGeneration() {
    for (String folder : List.of("v9.4.0", "v10.1.0", ".")) {
      assertThat(errors(folder, seedQuery(SEED_SERVICE))).as(folder).isEmpty();
    }
  }

  @Test
  void typedChecksAreValidFromOap10AndNamedAsUnsupportedBefore() {
    SkyWalkingCheck.Builder service =
        SkyWalkingCheck.service("{{args.service-name}}").address("http://oap:12800");
    List<SkyWalkingCheck> checks =
        List.of(
            service.apdexAtLeast(0.99),
            service.successRateAtLeast(99.5),
            service.responseTimePercentileAtMost(99, Duration.ofMillis(500)),
            service.averageResponseTimeAtMost(Duration.ofMillis(200)),
            service.expression("service_cpm", ">", 0));
    for (SkyWalkingCheck check : checks) {
      String query = query(templateOf(check), SEED_SERVICE);
      assertThat(errors("v10.1.0", query)).as(query).isEmpty();
      assertThat(errors(".", query)).as(query).isEmpty();
      assertThat(errors("v9.4.0", query))
          .as("OAP 9.4 has no MQE")
          .anySatisfy(e -> assertThat(e).contains("'execExpression' in type 'Query' is undefined"));
    }
  }

  /** The check's metric inside a template with the seed's service-name argument. */
  private static String templateOf(SkyWalkingCheck check) {
    return Manifests.toYaml(
        io.rollout4j.api.Rollouts.analysisTemplate("t")
            .arg("service-name")
            .metric("m", check::configure)
            .build());
  }

  @Test
  void theOptInTemplateNeedsOap95ForIsEmptyValue() throws IOException {
    String query =
        query(
            Files.readString(
                Path.of("..", "examples", "skywalking", "apdex-skip-empty-minutes.yaml")),
            SEED_SERVICE);
    assertThat(errors("v10.1.0", query)).isEmpty();
    assertThat(errors(".", query)).isEmpty();
    assertThat(errors("v9.4.0", query))
        .anySatisfy(e -> assertThat(e).contains("'isEmptyValue' in type 'KVInt' is undefined"));
  }

  /**
   * Whatever an argument holds, the substituted seed query is valid, has one field, and its
   * serviceName reads back as exactly that value.
   */
  @Property(tries = 300)
  void anyArgumentValueStaysOneServiceNameString(@ForAll @StringLength(max = 80) String value) {
    String query = seedQuery(value);

    assertThat(errors("v10.1.0", query)).isEmpty();
    Document document =
        ParseAndValidate.parse(ExecutionInput.newExecutionInput(query).build()).getDocument();
    OperationDefinition operation = NodeUtil.getOperation(document, null).operationDefinition;
    assertThat(operation.getSelectionSet().getSelections()).hasSize(1);
    Field field = (Field) operation.getSelectionSet().getSelections().get(0);
    Argument condition = field.getArguments().get(0);
    ObjectValue entity =
        (ObjectValue)
            ((ObjectValue) condition.getValue())
                .getObjectFields().stream()
                    .filter(f -> f.getName().equals("entity"))
                    .findFirst()
                    .map(ObjectField::getValue)
                    .orElseThrow();
    StringValue serviceName =
        (StringValue)
            entity.getObjectFields().stream()
                .filter(f -> f.getName().equals("serviceName"))
                .findFirst()
                .map(ObjectField::getValue)
                .orElseThrow();
    assertThat(serviceName.getValue()).isEqualTo(value);
  }
}
