package io.rollout4j.benchmarks;

import io.rollout4j.manifest.ManifestException;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing every manifest of the conformance corpus that is a Kubernetes manifest (151 files, the
 * ones that parse): one operation reads all of them; MB/s = {@link #corpusBytes} × ops/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CorpusParseBenchmark {
  private final List<String> documents = parseable();

  static List<String> parseable() {
    List<String> texts = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Seed.conformance())) {
      for (Path file :
          walk.filter(
                  p ->
                      p.toString().endsWith(".yaml")
                          || p.toString().endsWith(".yml")
                          || p.toString().endsWith(".json"))
              .sorted()
              .toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
          Manifests.parse(text);
          texts.add(text);
        } catch (ManifestException e) {
          // not a Kubernetes manifest (Helm templates, captures): not part of the corpus measured
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return texts;
  }

  /** UTF-8 bytes parsed per operation. */
  static long corpusBytes() {
    long bytes = 0;
    for (String text : parseable()) {
      bytes += text.getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes;
  }

  @Benchmark
  public int parseCorpus() {
    int resources = 0;
    for (String text : documents) {
      List<Resource> parsed = Manifests.parse(text);
      resources += parsed.size();
    }
    return resources;
  }
}
