package io.rollout4j.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Text to JSON trees and back, with limits that keep hostile input cheap: at most {@link
 * #MAX_INPUT_CHARS} characters, {@link #MAX_DEPTH} levels of nesting, {@link #MAX_ALIASES} aliases
 * per document and {@link #MAX_DOCUMENTS} documents.
 */
final class Trees {
  static final int MAX_INPUT_CHARS = 16 * 1024 * 1024;
  static final int MAX_DEPTH = 100;
  static final int MAX_ALIASES = 50;
  static final int MAX_DOCUMENTS = 10_000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .build();

  private Trees() {}

  /** One document of a stream: its index in the stream and its tree (null when empty). */
  record Document(int index, @Nullable JsonNode tree) {}

  /**
   * Reads every document of a YAML stream or one JSON document. Syntax errors are reported as
   * problems with line and column; documents before the error are still returned.
   */
  static List<Document> read(String text, List<Problem> problems) {
    if (text.length() > MAX_INPUT_CHARS) {
      problems.add(
          Problem.error(
              "", "input is " + text.length() + " characters; the limit is " + MAX_INPUT_CHARS));
      return List.of();
    }
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try (JsonParser parser = JSON.createParser(text)) {
        JsonNode tree = JSON.readTree(parser);
        if (parser.nextToken() == null) {
          return List.of(new Document(0, tree));
        }
      } catch (JsonProcessingException e) {
        // Not JSON after all: YAML flow style also starts with a brace; let YAML decide.
        List<Document> yaml = readYaml(text, new ArrayList<>());
        if (!yaml.isEmpty()) {
          return yaml;
        }
        problems.add(Problem.error("", "invalid JSON: " + e.getOriginalMessage() + at(e)));
        return List.of();
      } catch (IOException e) {
        problems.add(Problem.error("", "cannot read JSON: " + e.getMessage()));
        return List.of();
      }
    }
    return readYaml(text, problems);
  }

  private static String at(JsonProcessingException e) {
    var location = e.getLocation();
    return location == null
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static List<Document> readYaml(String text, List<Problem> problems) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(MAX_INPUT_CHARS);
    options.setAllowRecursiveKeys(false);
    Yaml yaml =
        new Yaml(
            new SafeConstructor(options),
            new Representer(new DumperOptions()),
            new DumperOptions(),
            options,
            new CoreSchemaResolver());
    List<Document> documents = new ArrayList<>();
    int index = 0;
    try {
      for (Node node : yaml.composeAll(new StringReader(text))) {
        if (index >= MAX_DOCUMENTS) {
          problems.add(Problem.error("", "more than " + MAX_DOCUMENTS + " documents"));
          break;
        }
        List<Problem> docProblems = new ArrayList<>();
        JsonNode tree = node == null ? null : toTree(node, "", 0, docProblems);
        for (Problem p : docProblems) {
          problems.add(p.inDocument(index));
        }
        documents.add(new Document(index, docProblems.isEmpty() ? tree : null));
        index++;
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where =
          mark == null
              ? ""
              : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      String what = e.getProblem() == null ? e.getMessage() : e.getProblem();
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      problems.add(
          new Problem(
              index, "", "invalid YAML: " + what + context + where, Problem.Severity.ERROR));
    } catch (YAMLException e) {
      problems.add(
          new Problem(index, "", "invalid YAML: " + e.getMessage(), Problem.Severity.ERROR));
    }
    return documents;
  }

  private static JsonNode toTree(Node node, String path, int depth, List<Problem> problems) {
    if (depth > MAX_DEPTH) {
      throw new YAMLException(
          "nesting deeper than " + MAX_DEPTH + " levels (or a recursive alias)");
    }
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = NODES.arrayNode(sequence.getValue().size());
      int i = 0;
      for (Node item : sequence.getValue()) {
        array.add(toTree(item, path + "[" + i++ + "]", depth + 1, problems));
      }
      return array;
    }
    MappingNode mapping = (MappingNode) node;
    ObjectNode object = NODES.objectNode();
    Map<String, JsonNode> merged = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (keyNode.getTag().equals(Tag.MERGE)) {
        collectMerge(tuple.getValueNode(), path, depth, problems, merged);
        continue;
      }
      if (!(keyNode instanceof ScalarNode keyScalar)) {
        problems.add(
            Problem.error(path, "a mapping key must be a plain value, found a nested structure"));
        continue;
      }
      String key = keyScalar.getValue();
      String childPath = Codec.child(path, key);
      if (object.has(key)) {
        problems.add(Problem.error(childPath, "duplicate key '" + key + "'"));
        continue;
      }
      object.set(key, toTree(tuple.getValueNode(), childPath, depth + 1, problems));
    }
    // Explicit keys win over merged ones (YAML merge-key semantics).
    merged.forEach(
        (k, v) -> {
          if (!object.has(k)) {
            object.set(k, v);
          }
        });
    return object;
  }

  private static void collectMerge(
      Node value, String path, int depth, List<Problem> problems, Map<String, JsonNode> into) {
    List<Node> sources = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
    for (Node source : sources) {
      JsonNode tree = toTree(source, path, depth + 1, problems);
      if (!tree.isObject()) {
        problems.add(Problem.error(path, "a merge key ('<<') must refer to a mapping"));
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        into.putIfAbsent(e.getKey(), e.getValue());
      }
    }
  }

  private static JsonNode scalar(ScalarNode scalar) {
    String value = scalar.getValue();
    Tag tag = scalar.getTag();
    if (tag.equals(Tag.NULL)) {
      return NODES.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      return NODES.booleanNode(value.equalsIgnoreCase("true"));
    }
    if (tag.equals(Tag.INT)) {
      BigInteger number = parseInt(value);
      if (number != null) {
        if (number.bitLength() < 32) {
          return NODES.numberNode(number.intValue());
        }
        if (number.bitLength() < 64) {
          return NODES.numberNode(number.longValue());
        }
        return NODES.numberNode(number);
      }
      return NODES.textNode(value);
    }
    if (tag.equals(Tag.FLOAT)) {
      String v = value.toLowerCase(java.util.Locale.ROOT).replace("_", "");
      if (v.endsWith(".inf")) {
        return NODES.numberNode(
            v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
      }
      if (v.equals(".nan")) {
        return NODES.numberNode(Double.NaN);
      }
      try {
        double d = Double.parseDouble(v);
        if (Double.isInfinite(d)) {
          return NODES.numberNode(new BigDecimal(v));
        }
        return NODES.numberNode(d);
      } catch (NumberFormatException e) {
        return NODES.textNode(value);
      }
    }
    if (tag.equals(Tag.BINARY)) {
      return NODES.textNode(value.replaceAll("\\s", ""));
    }
    // Strings, and any explicit tag we do not interpret (e.g. !!timestamp), keep their text.
    return NODES.textNode(value);
  }

  private static @Nullable BigInteger parseInt(String text) {
    String v = text.replace("_", "");
    boolean negative = v.startsWith("-");
    if (v.startsWith("-") || v.startsWith("+")) {
      v = v.substring(1);
    }
    try {
      BigInteger result;
      if (v.startsWith("0x")) {
        result = new BigInteger(v.substring(2), 16);
      } else if (v.startsWith("0o")) {
        result = new BigInteger(v.substring(2), 8);
      } else {
        result = new BigInteger(v);
      }
      return negative ? result.negate() : result;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Plain Java values (maps, lists, scalars) as a JSON tree. */
  static JsonNode toNode(@Nullable Object value) {
    return JSON.valueToTree(value);
  }

  /** A JSON tree as plain Java values: LinkedHashMap, ArrayList, String, Number, Boolean, null. */
  static @Nullable Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<@Nullable Object> list = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        list.add(toJava(item));
      }
      return list;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isInt()) {
      return node.intValue();
    }
    if (node.isLong()) {
      return node.longValue();
    }
    if (node.isBigInteger()) {
      return node.bigIntegerValue();
    }
    if (node.isBigDecimal()) {
      return node.decimalValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBinary()) {
      try {
        return Base64.getEncoder().encodeToString(node.binaryValue());
      } catch (IOException e) {
        return node.asText();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- writing

  /** YAML as {@code kubectl get -o yaml} prints it: block style, lists flush with their key. */
  static String writeYaml(Object tree) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(0);
    options.setSplitLines(false);
    options.setWidth(Integer.MAX_VALUE);
    options.setAllowUnicode(true);
    return new Yaml(
            new SafeConstructor(new LoaderOptions()),
            new StringStyleRepresenter(options),
            options,
            new QuotingResolver())
        .dump(tree);
  }

  static String writeJson(Object tree) {
    try {
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      return JSON.writer(printer).writeValueAsString(tree) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Multi-line strings (queries, scripts) as literal blocks, like people write them. */
  /**
   * Strings are always written as strings: multi-line text (queries, scripts) as a literal block,
   * like people write them; text with control characters or YAML 1.1 line breaks (NEL, LS, PS)
   * double-quoted with escapes, never as {@code !!binary} nor as a block that would not read back.
   */
  private static final class StringStyleRepresenter extends Representer {
    StringStyleRepresenter(DumperOptions options) {
      super(options);
      Represent plain = java.util.Objects.requireNonNull(this.representers.get(String.class));
      this.representers.put(
          String.class,
          data -> {
            String s = (String) data;
            if (s.chars().anyMatch(Trees::needsEscape)) {
              return representScalar(Tag.STR, s, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
            }
            if (s.indexOf('\n') >= 0) {
              return representScalar(Tag.STR, s, DumperOptions.ScalarStyle.LITERAL);
            }
            return plain.representData(data);
          });
    }
  }

  private static boolean needsEscape(int c) {
    return (c < 0x20 && c != '\n' && c != '\t')
        || c == 0x7f
        || (c >= 0x80 && c < 0xa0)
        || c == 0x2028
        || c == 0x2029
        || c == 0xfeff
        || Character.isSurrogate((char) c);
  }

  /**
   * On output, a string is written plain only if neither YAML 1.1 (SnakeYAML, PyYAML, go-yaml v2)
   * nor YAML 1.2 (our reader) would read it as something else: "yes", "on", "2024-01-01", "1:30"
   * and "0o17" all get quotes.
   */
  private static final class QuotingResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      super.addImplicitResolvers();
      CoreSchemaResolver.addCoreSchema(this);
    }
  }

  /**
   * YAML 1.2 core schema: only {@code true/false}, {@code null/~}, decimal, octal ({@code 0o}) and
   * hex integers and floats are typed; {@code yes}, {@code on}, dates and {@code 1:30} stay
   * strings, as Kubernetes' JSON-compatible reading expects.
   */
  private static final class CoreSchemaResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addCoreSchema(this);
    }

    static void addCoreSchema(Resolver resolver) {
      resolver.addImplicitResolver(
          Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
      resolver.addImplicitResolver(
          Tag.INT, Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789");
      resolver.addImplicitResolver(
          Tag.FLOAT,
          Pattern.compile(
              "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"),
          "-+0123456789.");
      resolver.addImplicitResolver(Tag.MERGE, Pattern.compile("^(?:<<)$"), "<");
      resolver.addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| )$"), "~nN\0");
      resolver.addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
    }
  }
}
