package io.rollout4j.cli;

import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each field of a YAML (or JSON) file is: document index and field path ({@code
 * spec.strategy.canary.steps[2].setWeight}, the paths problems carry) to line and column, 1-based,
 * of the key that names it. A path not in the file (a default, a missing field) is found at its
 * nearest ancestor that is.
 */
final class SourceMap {
  /** A 1-based line and column. */
  record Position(int line, int column) {}

  private final Map<String, Position> positions = new HashMap<>();

  private SourceMap() {}

  /** The positions of every field; a file that does not compose yields an empty map. */
  static SourceMap of(String text) {
    SourceMap map = new SourceMap();
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(true);
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(Integer.MAX_VALUE);
    try {
      int document = 0;
      for (Node node : new Yaml(options).composeAll(new StringReader(text))) {
        if (node != null) {
          map.put(document, "", node.getStartMark());
          map.walk(document, "", node, 0);
        }
        document++;
      }
    } catch (YAMLException e) {
      // The file's syntax error is reported by the manifest reader, with its own position.
    }
    return map;
  }

  /** The position of {@code path} in {@code document}, or of its nearest ancestor. */
  @Nullable Position find(int document, String path) {
    String p = path;
    while (true) {
      Position hit = positions.get(document + "|" + p);
      if (hit != null || p.isEmpty()) {
        return hit;
      }
      p = parent(p);
    }
  }

  private static String parent(String path) {
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    int cut = Math.max(dot, bracket);
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  private void walk(int document, String path, Node node, int depth) {
    if (depth > 200) {
      return;
    }
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
          put(document, child, key.getStartMark());
          walk(document, child, tuple.getValueNode(), depth + 1);
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        String child = path + "[" + i + "]";
        put(document, child, items.get(i).getStartMark());
        walk(document, child, items.get(i), depth + 1);
      }
    }
  }

  private void put(int document, String path, @Nullable Mark mark) {
    if (mark != null) {
      positions.putIfAbsent(
          document + "|" + path, new Position(mark.getLine() + 1, mark.getColumn() + 1));
    }
  }
}
