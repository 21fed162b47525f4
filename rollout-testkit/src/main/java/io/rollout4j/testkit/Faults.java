package io.rollout4j.testkit;

import io.rollout4j.port.ConflictException;
import io.rollout4j.port.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Fault injection for a fake port's writes: make the Nth write fail, or every write with a
 * probability, with a conflict (409), an unavailable backend (5xx) or a timeout.
 */
public final class Faults {
  private final List<Integer> failing = new ArrayList<>();
  private Function<String, ? extends RuntimeException> failure =
      what -> new UnavailableException("injected HTTP 503 on " + what);
  private double probability;
  private @Nullable Random random;
  private int calls;
  private int injected;
  private boolean suspended;
  private boolean reads;
  private boolean inEngine;
  private @Nullable String lastInjected;

  /** The {@code n}th write from now (1 = the next one) fails. */
  public Faults failCall(int n) {
    failing.add(calls + n);
    return this;
  }

  /** Every write fails with this probability, drawn from a seeded random source. */
  public Faults failWithProbability(double p, long seed) {
    this.probability = p;
    this.random = new Random(seed);
    return this;
  }

  public Faults withConflicts() {
    failure =
        what ->
            new ConflictException(
                "injected HTTP 409 on " + what + ": the object has been modified");
    return this;
  }

  public Faults withTimeouts() {
    failure = what -> new UnavailableException("injected timeout on " + what);
    return this;
  }

  public Faults withUnavailable() {
    failure = what -> new UnavailableException("injected HTTP 503 on " + what);
    return this;
  }

  /**
   * Failures are exceptions that are not port exceptions at all, as a buggy adapter or a client
   * library's own runtime exception would throw.
   */
  public Faults withExceptions() {
    failure = what -> new IllegalStateException("injected exception in " + what);
    return this;
  }

  /**
   * Reads fail too (get, list, the mesh's current split), while the harness's engine reconciles;
   * the harness's and the test's own reads never fail.
   */
  public Faults onReadsToo() {
    reads = true;
    return this;
  }

  /** What the newest injected failure hit, such as {@code update status of Rollout ns/name}. */
  public @Nullable String lastInjected() {
    return lastInjected;
  }

  public Faults clear() {
    reads = false;
    failing.clear();
    probability = 0;
    random = null;
    return this;
  }

  /** How many failures were injected so far. */
  public int injected() {
    return injected;
  }

  /** Runs writes that are not the engine's (GitOps, users) with faults switched off. */
  void suspendDuring(Runnable writes) {
    boolean was = suspended;
    suspended = true;
    try {
      writes.run();
    } finally {
      suspended = was;
    }
  }

  /** Runs one engine reconcile: only then do read faults apply. */
  <T> T duringEngine(java.util.function.Supplier<T> reconcile) {
    boolean was = inEngine;
    inEngine = true;
    try {
      return reconcile.get();
    } finally {
      inEngine = was;
    }
  }

  void beforeRead(String what) {
    if (reads && inEngine) {
      beforeWrite("read " + what);
    }
  }

  void beforeWrite(String what) {
    if (suspended) {
      return;
    }
    calls++;
    boolean fail = failing.remove(Integer.valueOf(calls));
    if (!fail && random != null && random.nextDouble() < probability) {
      fail = true;
    }
    if (fail) {
      injected++;
      lastInjected = what;
      throw failure.apply(what);
    }
  }
}
