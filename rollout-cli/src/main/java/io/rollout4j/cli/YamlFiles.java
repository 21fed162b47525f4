package io.rollout4j.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Reading the tool's own small YAML files (answers, actions), with errors that name the field. */
final class YamlFiles {
  private YamlFiles() {}

  /** The file's top-level map. */
  static Map<?, ?> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(new StringReader(text));
    } catch (YAMLException e) {
      throw new IllegalArgumentException(file + ": invalid YAML: " + e.getMessage(), e);
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(file + ": expected a map at the top");
    }
    return map;
  }

  static void onlyKeys(Map<?, ?> map, Set<String> allowed, String at) {
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        throw new IllegalArgumentException(
            at
                + (at.isEmpty() ? "" : ".")
                + key
                + ": unknown field; expected one of "
                + new java.util.TreeSet<>(allowed));
      }
    }
  }

  /** A Go duration ({@code 90s}, {@code 12m}, {@code 1h30m}) or null when absent. */
  static @Nullable Duration duration(Map<?, ?> map, String key, String at) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    return io.rollout4j.model.DurationStrings.parseGo(String.valueOf(value))
        .filter(d -> !d.isNegative())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    at + "." + key + ": expected a duration such as 12m or 90s, found " + value));
  }
}
