package io.rollout4j.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/** A clock that only moves when told to. Not thread-safe: one test drives it. */
public final class ManualClock extends Clock {
  private Instant now;
  private final ZoneId zone;

  public ManualClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  private ManualClock(Instant start, ZoneId zone) {
    this.now = Objects.requireNonNull(start, "start");
    this.zone = zone;
  }

  /** A clock at 2026-01-01T00:00:00Z, so test output is stable. */
  public static ManualClock startingAtEpochOfTests() {
    return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time does not go backwards: " + duration);
    }
    now = now.plus(duration);
  }

  public void set(Instant instant) {
    if (instant.isBefore(now)) {
      throw new IllegalArgumentException("time does not go backwards: " + instant + " < " + now);
    }
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    ManualClock view = new ManualClock(now, newZone);
    return view;
  }
}
