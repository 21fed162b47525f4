package io.rollout4j.skywalking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real SkyWalking OAP for the whole e2e run (rollout-skywalking's test OAP: Maven Central jars,
 * H2, loopback), and live traffic for it: every second, each service a test registered gets an
 * entry span at the latency the test sets, as its sidecars would report. Started on first use,
 * stopped when the test JVM exits.
 */
public final class LiveOap {
  private static final Logger LOG = LoggerFactory.getLogger(LiveOap.class);
  private static LiveOap shared;

  private final RealOap oap;
  private final Map<String, Duration> latencies = new ConcurrentHashMap<>();
  private Instant prefilled = Instant.EPOCH;
  private final ScheduledExecutorService feeder =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "oap-traffic");
            t.setDaemon(true);
            return t;
          });

  private LiveOap(RealOap oap) {
    this.oap = oap;
    feeder.scheduleAtFixedRate(this::reportSecond, 1, 1, TimeUnit.SECONDS);
  }

  /** The run's OAP, started (about 20 s) by the first caller. */
  public static synchronized LiveOap shared() {
    if (shared == null) {
      try {
        shared = new LiveOap(RealOap.start());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared.feeder::shutdownNow));
    }
    return shared;
  }

  /** Where the analysis reaches OAP's GraphQL: {@code http://127.0.0.1:<port>}. */
  public String address() {
    return oap.address().toString();
  }

  /**
   * From now on {@code service} serves every call in {@code latency}; the first time also fills the
   * five minutes before and the current minute up to now, as a service that ran before the canary
   * began would have.
   */
  public void traffic(String service, Duration latency) {
    if (latencies.put(service, latency) == null) {
      Instant now = Instant.now();
      Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
      List<Map<String, Object>> segments = new ArrayList<>();
      for (int m = 5; m >= 1; m--) {
        Instant minute = thisMinute.minus(Duration.ofMinutes(m));
        if (!minute.truncatedTo(ChronoUnit.DAYS).equals(thisMinute.truncatedTo(ChronoUnit.DAYS))) {
          continue; // OAP's H2 storage has no table for the day before the one it started on
        }
        for (int call = 0; call < 4; call++) {
          segments.add(
              RealOap.call(service, minute.plusSeconds(5 + 12L * call), latency.toMillis(), false));
        }
      }
      // The feeder's first call can fall in the next minute when this one is about to end; without
      // a call now, this minute would have no data, its apdex would read 0, and every analysis
      // whose window covers it (three minutes) would fail.
      segments.add(RealOap.call(service, now.minus(latency), latency.toMillis(), false));
      oap.segments(segments);
    }
  }

  /** No more calls for {@code service}. */
  public void stop(String service) {
    latencies.remove(service);
  }

  private void reportSecond() {
    if (latencies.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    List<Map<String, Object>> segments = new ArrayList<>();
    latencies.forEach(
        (service, latency) ->
            segments.add(RealOap.call(service, now.minus(latency), latency.toMillis(), false)));
    // OAP persists a minute's metrics a few seconds after its first call, so a query in the first
    // seconds of a minute reads apdex 0 for it, and the demo's "every minute >= 9900" fails a
    // healthy canary on either controller at random. One call for the next minute, sent in the
    // last seconds of this one (OAP takes calls stamped ahead), has that minute's data in place
    // when it begins; against the second-by-second calls that follow it is one call in sixty.
    Instant nextMinute = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    if (Duration.between(now, nextMinute).compareTo(Duration.ofSeconds(6)) <= 0
        && !nextMinute.equals(prefilled)) {
      prefilled = nextMinute;
      latencies.forEach(
          (service, latency) ->
              segments.add(RealOap.call(service, nextMinute, latency.toMillis(), false)));
    }
    try {
      oap.segments(segments);
    } catch (RuntimeException e) {
      // A missed second is a gap in traffic, as with a real agent; the next second reports again.
      LOG.warn("OAP did not take a second of traffic: {}", e.toString());
    }
  }
}
