package io.rollout4j.k8s;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket for the controller's API requests: {@code qps} tokens a second, at most {@code
 * burst} saved up. A request without a token waits for one on the calling (worker) thread, which
 * keeps a controller from flooding the API server after a restart or a resync of a large fleet.
 */
final class RequestBudget {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long updated;

  RequestBudget(double qps, int burst) {
    this.perNano = qps / TimeUnit.SECONDS.toNanos(1);
    this.burst = burst;
    this.tokens = burst;
    this.updated = System.nanoTime();
  }

  /** Takes a token, waiting as long as the budget requires. */
  void acquire() {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - updated) * perNano);
      updated = now;
      tokens -= 1;
      wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }
    long deadline = System.nanoTime() + wait;
    while (wait > 0 && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(this, wait);
      wait = deadline - System.nanoTime();
    }
  }
}
