package io.rollout4j.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the shared conformance corpus beside the checkout, as CI lays it out. */
final class SharedFiles {
  private SharedFiles() {}

  static Path root() {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    if (!Files.isDirectory(root.resolve("conformance"))) {
      root = Path.of("..", "shared");
    }
    if (!Files.isDirectory(root.resolve("conformance"))) {
      throw new IllegalStateException(
          "shared/conformance not found beside the checkout (looked at "
              + root.toAbsolutePath()
              + ")");
    }
    return root.normalize();
  }

  static Path conformance(String relative) {
    return root().resolve("conformance").resolve(relative);
  }

  static String read(String relative) {
    return read(conformance(relative));
  }

  static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every manifest-like file (YAML and JSON) under conformance/, sorted. */
  static List<Path> manifests() {
    try (Stream<Path> files = Files.walk(root().resolve("conformance"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
