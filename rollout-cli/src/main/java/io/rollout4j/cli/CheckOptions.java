package io.rollout4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What lint and policy share: the paths, the output and when findings fail the run. */
final class CheckOptions {
  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Manifest files or folders (recursive: .yaml, .yml, .json).")
  List<Path> paths = List.of();

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description = "text (default), json or sarif (SARIF 2.1.0 for code-scanning tools).")
  Reports.Format format = Reports.Format.TEXT;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  @Nullable Path output;

  @Option(names = "--warnings-as-errors", description = "Warnings fail the run too (exit code 1).")
  boolean warningsAsErrors;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "The namespace of objects that name none (default: ${DEFAULT-VALUE}).")
  String namespace = "default";

  /** Prints the report and returns the exit code the findings call for. */
  int report(List<Finding> findings, PrintWriter out) {
    String text = Reports.render(findings, format, Rollout4jCli.version());
    if (output == null) {
      out.print(text);
      out.flush();
    } else {
      try {
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(output + ": cannot write: " + e.getMessage(), e);
      }
    }
    boolean failed =
        findings.stream()
            .anyMatch(
                f ->
                    f.severity() == Finding.Severity.ERROR
                        || (warningsAsErrors && f.severity() == Finding.Severity.WARNING));
    return failed ? Rollout4jCli.ERRORS : 0;
  }
}
