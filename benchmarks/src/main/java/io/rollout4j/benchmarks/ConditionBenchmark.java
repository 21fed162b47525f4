package io.rollout4j.benchmarks;

import io.rollout4j.expr.Condition;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The seed's success condition: compiling it, and evaluating it on SkyWalking's result. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConditionBenchmark {
  static final String SEED_CONDITION =
      "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})";

  private final Condition compiled = Condition.compile(SEED_CONDITION);
  private final Map<String, Object> result = Seed.healthyApdex();

  @Benchmark
  public Condition compileSeedCondition() {
    return Condition.compile(SEED_CONDITION);
  }

  @Benchmark
  public boolean evaluateSeedCondition() {
    return compiled.test(result);
  }
}
