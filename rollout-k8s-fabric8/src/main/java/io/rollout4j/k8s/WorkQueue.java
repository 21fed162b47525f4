package io.rollout4j.k8s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Rollout keys waiting to be reconciled, each at most once and never by two workers at a time (a
 * key added while it is being reconciled waits until that reconcile is done), due now or after a
 * delay, with per-key exponential backoff after failures. Time comes from the injected clock, so
 * tests drive it with virtual time through {@link #poll}.
 */
final class WorkQueue {
  private record Due(Instant at, String key) {}

  private static final Comparator<Due> ORDER =
      Comparator.comparing(Due::at).thenComparing(Due::key);

  private final Clock clock;
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final TreeSet<Due> queue = new TreeSet<>(ORDER);
  private final Map<String, Instant> dueAt = new HashMap<>();
  private final Set<String> processing = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean shuttingDown;

  WorkQueue(Clock clock, Duration baseBackoff, Duration maxBackoff) {
    this.clock = clock;
    this.baseBackoff = baseBackoff;
    this.maxBackoff = maxBackoff;
  }

  synchronized void add(String key) {
    addAfter(key, Duration.ZERO);
  }

  /** Due after {@code delay}; an earlier due time already queued wins. */
  synchronized void addAfter(String key, Duration delay) {
    if (shuttingDown) {
      return;
    }
    Instant at = clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay);
    Instant current = dueAt.get(key);
    if (current != null && !current.isAfter(at)) {
      return;
    }
    if (current != null) {
      queue.remove(new Due(current, key));
    }
    dueAt.put(key, at);
    queue.add(new Due(at, key));
    notifyAll();
  }

  /** Due after the key's backoff, which doubles with each failure until {@link #forget}. */
  synchronized Duration addRateLimited(String key) {
    int failed = failures.merge(key, 1, Integer::sum);
    Duration delay = baseBackoff.multipliedBy(1L << Math.min(failed - 1, 30));
    if (delay.compareTo(maxBackoff) > 0 || delay.isNegative()) {
      delay = maxBackoff;
    }
    addAfter(key, delay);
    return delay;
  }

  synchronized void forget(String key) {
    failures.remove(key);
  }

  /** A key that is due now and not being reconciled, marked as being reconciled; else null. */
  synchronized @Nullable String poll() {
    Instant now = clock.instant();
    for (Due due : queue) {
      if (due.at().isAfter(now)) {
        return null;
      }
      if (!processing.contains(due.key())) {
        queue.remove(due);
        dueAt.remove(due.key());
        processing.add(due.key());
        return due.key();
      }
    }
    return null;
  }

  /**
   * Waits (on the real clock, at most {@code max}) for a due key; null when shutting down or when
   * nothing became due in time.
   */
  synchronized @Nullable String take(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!shuttingDown) {
      String key = poll();
      if (key != null) {
        return key;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Instant next = nextDue();
      long wait =
          next == null
              ? left
              : Math.min(left, Math.max(1, Duration.between(clock.instant(), next).toNanos()));
      TimeUnit.NANOSECONDS.timedWait(this, wait);
    }
    return null;
  }

  /** The key's reconcile finished; a re-add that came meanwhile becomes pollable. */
  synchronized void done(String key) {
    processing.remove(key);
    notifyAll();
  }

  /** The earliest due time of a key not being reconciled. */
  synchronized @Nullable Instant nextDue() {
    for (Due due : queue) {
      if (!processing.contains(due.key())) {
        return due.at();
      }
    }
    return null;
  }

  synchronized int size() {
    return queue.size();
  }

  synchronized int inFlight() {
    return processing.size();
  }

  synchronized void shutDown() {
    shuttingDown = true;
    notifyAll();
  }
}
