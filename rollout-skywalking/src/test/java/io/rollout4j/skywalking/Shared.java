package io.rollout4j.skywalking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the shared conformance corpus beside the checkout, as CI lays it out. */
final class Shared {
  private Shared() {}

  static Path conformance(String relative) {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    return root.resolve("conformance").resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(conformance(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
