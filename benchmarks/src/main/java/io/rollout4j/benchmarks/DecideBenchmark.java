package io.rollout4j.benchmarks;

import io.rollout4j.engine.Decision;
import io.rollout4j.engine.Observation;
import io.rollout4j.engine.Reconciler;
import io.rollout4j.engine.RolloutEngine;
import io.rollout4j.model.Rollout;
import io.rollout4j.testkit.RolloutHarness;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@code Reconciler.decide} for the seed rollout in the middle of its canary. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecideBenchmark {
  private final Rollout rollout;
  private final Observation observation;
  private final Instant now;

  public DecideBenchmark() {
    RolloutHarness harness = Seed.midCanary();
    rollout = harness.rollout("bookinfo", "reviews-rollout");
    observation =
        new RolloutEngine(harness.cluster(), harness.mesh(), harness.metrics(), harness.clock())
            .observe(rollout);
    now = harness.clock().instant();
  }

  @Setup
  public void check() {
    if (rollout.status() == null || rollout.status().currentStepIndex() == null) {
      throw new IllegalStateException("the seed rollout is not mid-canary");
    }
  }

  @Benchmark
  public Decision decideMidCanary() {
    return Reconciler.decide(rollout, observation, now);
  }
}
