package io.rollout4j.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes manifests in Argo Rollouts' format.
 *
 * <pre>{@code
 * List<Resource> resources = Manifests.parse(Files.readString(path));
 * Rollout rollout = Manifests.parseOne(yaml, Rollout.class);
 * String yaml = Manifests.toYaml(rollout);      // parse(toYaml(r)) equals r
 * List<Problem> problems = Manifests.lint(yaml); // errors, unknown fields, Argo quirks
 * }</pre>
 */
public final class Manifests {
  private Manifests() {}

  /**
   * Parses YAML (multi-document) or JSON; {@code kind: List} and {@code *List} kinds are unwrapped
   * into their items. Argo's kinds become typed resources, every other kind a {@link
   * io.rollout4j.model.GenericResource}. Empty documents are skipped.
   *
   * @throws ManifestException with every problem found, each naming its document and path
   */
  public static List<Resource> parse(String yamlOrJson) {
    Result result = read(yamlOrJson);
    if (result.problems.stream().anyMatch(Problem::isError)) {
      throw new ManifestException(sorted(result.problems));
    }
    return result.resources;
  }

  /**
   * Parses input that must hold exactly one resource of the given type.
   *
   * @throws ManifestException when the input is invalid, empty, or holds something else
   */
  public static <T extends Resource> T parseOne(String yamlOrJson, Class<T> type) {
    List<Resource> resources = parse(yamlOrJson);
    if (resources.size() != 1 || !type.isInstance(resources.get(0))) {
      String found =
          resources.stream()
              .map(r -> r.kind() + " (" + r.apiVersion() + ")")
              .collect(Collectors.joining(", ", "[", "]"));
      throw new ManifestException(
          List.of(
              Problem.error(
                  "", "expected exactly one " + type.getSimpleName() + ", found " + found)));
    }
    return type.cast(resources.get(0));
  }

  /**
   * Every problem in the input, never throwing: decoding errors, unknown fields (warnings, with a
   * suggestion for likely typos), Argo quirks worth knowing (warnings) and, for each Rollout that
   * decodes, {@link RolloutValidator}'s InvalidSpec problems.
   */
  public static List<Problem> lint(String yamlOrJson) {
    return check(yamlOrJson).problems();
  }

  /** One resource of a stream and where it is: its document and, inside a List, its item path. */
  public record Placed(Resource resource, int document, String path) {
    /** A path inside this resource as a path inside its document ({@code items[2].spec...}). */
    public String inDocument(String relative) {
      if (path.isEmpty()) {
        return relative;
      }
      return relative.isEmpty() ? path : path + "." + relative;
    }
  }

  /** What {@link #check} found: every resource that decoded, and every problem. */
  public record Checked(List<Placed> resources, List<Problem> problems) {
    public Checked {
      resources = List.copyOf(resources);
      problems = List.copyOf(problems);
    }
  }

  /**
   * {@link #lint} that also hands back the resources that decoded, with their place in the stream,
   * so a tool can check references across files and point at lines. The problems of a resource
   * inside a {@code List} carry its item path ({@code items[2].spec.replicas}).
   */
  public static Checked check(String yamlOrJson) {
    Result result = read(yamlOrJson);
    List<Problem> problems = new ArrayList<>(result.problems);
    List<Placed> placed = new ArrayList<>();
    for (int i = 0; i < result.resources.size(); i++) {
      Resource resource = result.resources.get(i);
      int document = result.documentOf.get(i);
      Placed here = new Placed(resource, document, result.pathOf.get(i));
      placed.add(here);
      List<Problem> found = new ArrayList<>();
      if (resource instanceof Rollout rollout) {
        found.addAll(RolloutValidator.validate(rollout));
        found.addAll(quirks(rollout));
      } else if (resource instanceof AnalysisTemplate t) {
        found.addAll(AnalysisValidator.validate(t));
      } else if (resource instanceof ClusterAnalysisTemplate t) {
        found.addAll(AnalysisValidator.validate(t));
      } else if (resource instanceof AnalysisRun r) {
        found.addAll(AnalysisValidator.validate(r));
      }
      for (Problem p : found) {
        problems.add(new Problem(document, here.inDocument(p.path()), p.message(), p.severity()));
      }
    }
    return new Checked(placed, sorted(problems));
  }

  /** YAML as {@code kubectl get -o yaml} prints it; {@code parse(toYaml(r))} equals {@code r}. */
  public static String toYaml(Resource resource) {
    return Trees.writeYaml(Codec.encodeResource(resource));
  }

  /** Several resources as one multi-document YAML stream. */
  public static String toYaml(List<? extends Resource> resources) {
    return resources.stream().map(Manifests::toYaml).collect(Collectors.joining("---\n"));
  }

  /** Pretty-printed JSON; {@code parse(toJson(r))} equals {@code r}. */
  public static String toJson(Resource resource) {
    return Trees.writeJson(Codec.encodeResource(resource));
  }

  /** The resource as a JSON-like tree (maps, lists, scalars), as a Kubernetes client sends it. */
  public static Map<String, Object> toMap(Resource resource) {
    return Codec.encodeResource(resource);
  }

  /**
   * One resource from the JSON-like tree a Kubernetes client returns (the inverse of {@link
   * #toMap}): Argo's kinds typed, every other kind a {@link io.rollout4j.model.GenericResource}.
   *
   * @throws ManifestException naming every problem with its path
   */
  public static Resource fromMap(Map<String, Object> object) {
    Codec codec = new Codec();
    Resource resource = codec.decodeResource(Trees.toNode(object), "");
    if (codec.hasErrors() || resource == null) {
      throw new ManifestException(codec.problems().stream().filter(Problem::isError).toList());
    }
    return resource;
  }

  /**
   * Any model value (a record such as a pod template, a list, a scalar) as the JSON-like tree it is
   * written as in a manifest.
   */
  public static @Nullable Object toTree(Object modelValue) {
    return Codec.encodeValue(modelValue);
  }

  /**
   * Decodes a JSON-like tree (maps, lists, scalars) into a model type, such as a {@code Metric}
   * after argument substitution.
   *
   * @throws ManifestException naming every problem with its path
   */
  public static <T> T fromTree(@Nullable Object tree, Class<T> type) {
    Codec codec = new Codec();
    Object value = codec.decodeValue(Trees.toNode(tree), type);
    if (codec.hasErrors() || value == null) {
      throw new ManifestException(codec.problems().stream().filter(Problem::isError).toList());
    }
    return type.cast(value);
  }

  private record Result(
      List<Resource> resources,
      List<Integer> documentOf,
      List<String> pathOf,
      List<Problem> problems) {}

  private static Result read(String text) {
    List<Problem> problems = new ArrayList<>();
    List<Resource> resources = new ArrayList<>();
    List<Integer> documentOf = new ArrayList<>();
    List<String> pathOf = new ArrayList<>();
    for (Trees.Document document : Trees.read(text, problems)) {
      JsonNode tree = document.tree();
      if (tree == null || tree.isNull() || tree.isMissingNode()) {
        continue;
      }
      Codec codec = new Codec();
      if (isList(tree)) {
        JsonNode items = tree.get("items");
        if (items != null && items.isArray()) {
          for (int i = 0; i < items.size(); i++) {
            add(
                codec.decodeResource(items.get(i), "items[" + i + "]"),
                document,
                "items[" + i + "]",
                resources,
                documentOf,
                pathOf);
          }
        } else if (items != null && !items.isNull()) {
          codec
              .problems()
              .add(Problem.error("items", "expected a list, found " + Codec.describe(items)));
        }
      } else {
        add(codec.decodeResource(tree, ""), document, "", resources, documentOf, pathOf);
      }
      for (Problem p : codec.problems()) {
        problems.add(p.inDocument(document.index()));
      }
    }
    return new Result(
        List.copyOf(resources), List.copyOf(documentOf), List.copyOf(pathOf), problems);
  }

  private static void add(
      @Nullable Resource resource,
      Trees.Document document,
      String path,
      List<Resource> resources,
      List<Integer> documentOf,
      List<String> pathOf) {
    if (resource != null) {
      resources.add(resource);
      documentOf.add(document.index());
      pathOf.add(path);
    }
  }

  private static boolean isList(JsonNode tree) {
    JsonNode kind = tree.get("kind");
    return tree.isObject()
        && kind != null
        && kind.isTextual()
        && kind.asText().endsWith("List")
        && tree.has("items");
  }

  /** Argo behaviours that are legal but rarely what the author meant. */
  static List<Problem> quirks(Rollout rollout) {
    List<Problem> problems = new ArrayList<>();
    if (rollout.spec().strategy() instanceof CanaryStrategy canary) {
      bareStringPercent(canary.maxSurge(), "spec.strategy.canary.maxSurge", problems);
      bareStringPercent(canary.maxUnavailable(), "spec.strategy.canary.maxUnavailable", problems);
    }
    var blueGreen = rollout.spec().blueGreen();
    if (blueGreen != null) {
      bareStringPercent(
          blueGreen.maxUnavailable(), "spec.strategy.blueGreen.maxUnavailable", problems);
    }
    return problems;
  }

  private static void bareStringPercent(
      @Nullable IntOrString value, String path, List<Problem> problems) {
    if (value != null && value.stringValue() != null && !value.stringValue().endsWith("%")) {
      problems.add(
          Problem.warning(
              path,
              "the string \""
                  + value.stringValue()
                  + "\" is read as "
                  + value.stringValue()
                  + "% (Argo Rollouts reads every string as a percentage); write "
                  + value.stringValue()
                  + " without quotes for a number of pods, or \""
                  + value.stringValue()
                  + "%\" to say percent"));
    }
  }

  private static List<Problem> sorted(List<Problem> problems) {
    return problems.stream()
        .sorted(
            Comparator.comparing((Problem p) -> p.isError() ? 0 : 1)
                .thenComparingInt(Problem::document))
        .toList();
  }
}
