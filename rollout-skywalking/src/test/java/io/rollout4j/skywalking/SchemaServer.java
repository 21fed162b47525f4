package io.rollout4j.skywalking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.execution.CoercedVariables;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetcherFactories;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A GraphQL server on 127.0.0.1 that serves one version of SkyWalking's real query protocol (the
 * {@code *.graphqls} files of a conformance folder) with graphql-java: every query is parsed,
 * validated and executed against that schema, so a query OAP would reject is rejected here too
 * (validation errors with HTTP 400 as OAP does). Results come from canned data looked up by each
 * field's alias.
 */
final class SchemaServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as served: the query, its Authorization header, and the errors found in it. */
  record Served(String query, @Nullable String authorization, List<String> errors) {}

  private final GraphQL graphql;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicReference<Map<String, Object>> data = new AtomicReference<>(Map.of());
  private final List<Served> served = new CopyOnWriteArrayList<>();

  private SchemaServer(GraphQLSchema schema) throws IOException {
    this.graphql = GraphQL.newGraphQL(schema).build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/graphql",
        exchange -> {
          try (exchange) {
            @SuppressWarnings("unchecked")
            Map<String, Object> request = JSON.readValue(exchange.getRequestBody(), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> variables =
                (Map<String, Object>) request.getOrDefault("variables", Map.of());
            String query = String.valueOf(request.get("query"));
            ExecutionResult result =
                graphql.execute(
                    ExecutionInput.newExecutionInput(query)
                        .variables(variables == null ? Map.of() : variables)
                        .root(data.get())
                        .build());
            served.add(
                new Served(
                    query,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    result.getErrors().stream().map(GraphQLError::getMessage).toList()));
            boolean invalid =
                result.getErrors().stream().anyMatch(ValidationError.class::isInstance);
            byte[] body = JSON.writeValueAsBytes(result.toSpecification());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(invalid ? 400 : 200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
  }

  /** Serves the schema in {@code conformance/skywalking-query-protocol/<folder>}. */
  static SchemaServer serving(String folder) throws IOException {
    return new SchemaServer(schema(folder));
  }

  static GraphQLSchema schema(String folder) {
    Path dir = Shared.conformance("skywalking-query-protocol/" + folder);
    TypeDefinitionRegistry types = new TypeDefinitionRegistry();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".graphqls")).sorted().toList()) {
        types.merge(new SchemaParser().parse(Files.readString(file, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DataFetcher<Object> byAlias =
        env -> {
          if (env.getSource() instanceof Map<?, ?> source) {
            String key = env.getField().getResultKey();
            return source.containsKey(key) ? source.get(key) : source.get(env.getField().getName());
          }
          return null;
        };
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .scalar(LONG)
            .codeRegistry(
                GraphQLCodeRegistry.newCodeRegistry()
                    .defaultDataFetcher(DataFetcherFactories.useDataFetcher(byAlias)))
            .build();
    return new SchemaGenerator().makeExecutableSchema(types, wiring);
  }

  /** The data the next queries are answered from, keyed by field alias. */
  void answerWith(Map<String, Object> canned) {
    data.set(canned);
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Served> served() {
    return List.copyOf(served);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** SkyWalking's {@code scalar Long}: a JSON number, 64 bits. */
  private static final GraphQLScalarType LONG =
      GraphQLScalarType.newScalar()
          .name("Long")
          .coercing(
              new Coercing<Long, Long>() {
                @Override
                public Long serialize(Object value, GraphQLContext context, Locale locale) {
                  if (value instanceof Number n) {
                    return n.longValue();
                  }
                  try {
                    return Long.parseLong(String.valueOf(value));
                  } catch (NumberFormatException e) {
                    throw new CoercingSerializeException("not a Long: " + value);
                  }
                }

                @Override
                public Long parseValue(Object input, GraphQLContext context, Locale locale) {
                  if (input instanceof Number n) {
                    return n.longValue();
                  }
                  throw new CoercingParseValueException("not a Long: " + input);
                }

                @Override
                public Long parseLiteral(
                    Value<?> input, CoercedVariables variables, GraphQLContext context, Locale l) {
                  if (input instanceof IntValue i) {
                    return i.getValue().longValueExact();
                  }
                  if (input instanceof StringValue s) {
                    return Long.parseLong(s.getValue());
                  }
                  throw new CoercingParseLiteralException("not a Long: " + input);
                }
              })
          .build();
}
