package io.rollout4j.k8s;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket for the controller's API requests: {@code qps} tokens a second, at most {@code
 * burst} saved up. A request without a token waits for one on the calling (worker) thread, which
 * keeps a controller from flooding the API server after a restart or a resync of a large fleet.
 */
final class RequestBudget {
  /** Waits the given nanoseconds (possibly less, if interrupted). */
  interface Waiter {
    void park(long nanos);
  }

  private final double perNano;
  private final double burst;
  private final java.util.function.LongSupplier nanoTime;
  private final Waiter waiter;
  private double tokens;
  private long updated;

  RequestBudget(double qps, int burst) {
    this(qps, burst, System::nanoTime, nanos -> LockSupport.parkNanos(RequestBudget.class, nanos));
  }

  RequestBudget(double qps, int burst, java.util.function.LongSupplier nanoTime, Waiter waiter) {
    this.perNano = qps / TimeUnit.SECONDS.toNanos(1);
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.waiter = waiter;
    this.tokens = burst;
    this.updated = nanoTime.getAsLong();
  }

  /** Takes a token, waiting as long as the budget requires. */
  void acquire() {
    long wait;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      tokens = Math.min(burst, tokens + (now - updated) * perNano);
      updated = now;
      tokens -= 1;
      wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }
    long deadline = nanoTime.getAsLong() + wait;
    while (wait > 0 && !Thread.currentThread().isInterrupted()) {
      waiter.park(wait);
      wait = deadline - nanoTime.getAsLong();
    }
  }
}
