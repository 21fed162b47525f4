package io.rollout4j.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark and prints one table of figures against the targets: the JMH benchmarks (one
 * fork each, with the GC profiler for bytes allocated per operation) and the fleet simulation in
 * fresh JVMs for each fleet size given (default 1000 and 10000).
 */
public final class BenchmarkSuite {
  private BenchmarkSuite() {}

  private record Row(String what, String measured, String target) {}

  public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
    List<Integer> fleets = new ArrayList<>();
    for (String arg : args) {
      fleets.add(Integer.parseInt(arg));
    }
    if (fleets.isEmpty()) {
      fleets = List.of(1000, 10000);
    }
    String shared = System.getProperty("rollout4j.shared.dir", "../shared");
    Options options =
        new OptionsBuilder()
            .include(DecideBenchmark.class.getSimpleName())
            .include(ConditionBenchmark.class.getSimpleName())
            .include(CorpusParseBenchmark.class.getSimpleName())
            .forks(1)
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(2))
            .measurementIterations(5)
            .measurementTime(TimeValue.seconds(2))
            .jvmArgsAppend("-Drollout4j.shared.dir=" + shared, "-Xmx1g")
            .addProfiler(GCProfiler.class)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, RunResult> byName = new LinkedHashMap<>();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      byName.put(label.substring(label.lastIndexOf('.') + 1), result);
    }
    List<Row> rows = new ArrayList<>();
    RunResult decide = byName.get("decideMidCanary");
    if (decide != null) {
      rows.add(
          new Row(
              "decide, seed mid-canary: median / p99",
              String.format(
                  Locale.ROOT,
                  "%.0f ns / %.0f ns",
                  decide.getPrimaryResult().getStatistics().getPercentile(50),
                  decide.getPrimaryResult().getStatistics().getPercentile(99)),
              "< 2,000 ns median"));
      rows.add(new Row("decide: allocated per call", allocated(decide), "< 1 KB"));
    }
    RunResult evaluate = byName.get("evaluateSeedCondition");
    if (evaluate != null) {
      rows.add(
          new Row(
              "seed condition, evaluate (compiled): median",
              String.format(
                  Locale.ROOT,
                  "%.0f ns",
                  evaluate.getPrimaryResult().getStatistics().getPercentile(50)),
              "< 1,000 ns"));
      rows.add(new Row("seed condition, evaluate: allocated", allocated(evaluate), "—"));
    }
    RunResult compile = byName.get("compileSeedCondition");
    if (compile != null) {
      rows.add(
          new Row(
              "seed condition, compile: median",
              String.format(
                  Locale.ROOT,
                  "%.0f ns",
                  compile.getPrimaryResult().getStatistics().getPercentile(50)),
              "—"));
    }
    RunResult parse = byName.get("parseCorpus");
    if (parse != null) {
      double bytes = CorpusParseBenchmark.corpusBytes();
      rows.add(
          new Row(
              String.format(Locale.ROOT, "parse conformance corpus (%.0f KB)", bytes / 1024),
              String.format(
                  Locale.ROOT,
                  "%.1f MB/s",
                  parse.getPrimaryResult().getScore() * bytes / 1_000_000),
              "—"));
    }
    for (int n : fleets) {
      Map<String, String> fleet = fleet(n, shared);
      rows.add(
          new Row(
              "fleet " + n + ": full seed canary, wall (2 cores)",
              fleet.getOrDefault("canary_wall_s", "?")
                  + " s ("
                  + fleet.getOrDefault("promoted", "?")
                  + " promoted)",
              n >= 10000 ? "< 60 s" : "—"));
      rows.add(
          new Row(
              "fleet " + n + ": reconciles / reconciles per s",
              fleet.getOrDefault("reconciles", "?")
                  + " / "
                  + fleet.getOrDefault("reconciles_per_s", "?"),
              "—"));
      rows.add(
          new Row(
              "fleet " + n + ": peak heap / retained per idle rollout",
              fleet.getOrDefault("peak_heap_mb", "?")
                  + " MB / "
                  + fleet.getOrDefault("retained_kb_per_rollout", "?")
                  + " KB",
              "< 50 KB per rollout"));
    }
    Map<String, String> cache = inFreshJvm(CacheFootprint.class, "20", "cache ", 1024, shared);
    rows.add(
        new Row(
            "informer cache: heap per object, decoded / compact",
            cache.getOrDefault("decoded_bytes_per_object", "?")
                + " B / "
                + cache.getOrDefault("compact_bytes_per_object", "?")
                + " B",
            "—"));
    System.out.println();
    System.out.printf(
        Locale.ROOT, "| %-52s | %-26s | %-20s |%n", "benchmark", "measured", "target");
    System.out.printf(Locale.ROOT, "|%s|%s|%s|%n", "-".repeat(54), "-".repeat(28), "-".repeat(22));
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT, "| %-52s | %-26s | %-20s |%n", row.what(), row.measured(), row.target());
    }
  }

  private static String allocated(RunResult result) {
    Result<?> norm = result.getSecondaryResults().get("gc.alloc.rate.norm");
    return norm == null ? "?" : String.format(Locale.ROOT, "%.0f B", norm.getScore());
  }

  /** The fleet simulation in a fresh JVM; its key=value line. */
  private static Map<String, String> fleet(int n, String shared)
      throws IOException, InterruptedException {
    long heapMb = Math.max(2048, 2048L + n / 10000L * 10240);
    return inFreshJvm(FleetSimulation.class, Integer.toString(n), "fleet ", heapMb, shared);
  }

  /** Runs {@code main} in a fresh JVM; the key=value pairs of its line that starts with prefix. */
  private static Map<String, String> inFreshJvm(
      Class<?> main, String argument, String prefix, long heapMb, String shared)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Xmx" + heapMb + "m",
                "-Drollout4j.shared.dir=" + shared,
                "-cp",
                System.getProperty("java.class.path"),
                main.getName(),
                argument)
            .redirectErrorStream(true)
            .start();
    Map<String, String> values = new LinkedHashMap<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(prefix)) {
          System.out.println(line);
          for (String pair : line.substring(prefix.length()).split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
              values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
          }
        }
      }
    }
    process.waitFor();
    return values;
  }
}
