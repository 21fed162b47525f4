package io.rollout4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code rollout4j} as a process, as CI and people run it, and keeps what it printed. */
final class Cli {
  private Cli() {}

  /** What a run printed and how it ended. */
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-XX:TieredStopAtLevel=1");
    command.add(Rollout4jCli.class.getName());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      var out = process.getInputStream();
      var err = process.getErrorStream();
      byte[][] streams = new byte[2][];
      Thread errReader =
          new Thread(
              () -> {
                try {
                  streams[1] = err.readAllBytes();
                } catch (IOException e) {
                  streams[1] = new byte[0];
                }
              });
      errReader.start();
      streams[0] = out.readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("rollout4j " + String.join(" ", args) + " did not end");
      }
      errReader.join();
      return new Run(
          process.exitValue(),
          new String(streams[0], StandardCharsets.UTF_8),
          new String(streams[1], StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A folder of the shared conformance corpus beside the checkout. */
  static Path conformance(String relative) {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    return root.resolve("conformance").resolve(relative);
  }

  /** The repository's examples folder. */
  static Path examples(String relative) {
    return Path.of("..", "examples").resolve(relative);
  }
}
