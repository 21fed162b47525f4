package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The controller's queue in virtual time: once per key, never twice at a time, backoff. */
class WorkQueueTest {
  private final ManualClock clock = ManualClock.startingAtEpochOfTests();
  private final WorkQueue queue =
      new WorkQueue(clock, Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Test
  void aKeyAddedTwiceIsReconciledOnce() {
    queue.add("ns/a");
    queue.add("ns/a");

    assertThat(queue.poll()).isEqualTo("ns/a");
    assertThat(queue.poll()).isNull();
  }

  @Test
  void aKeyAddedWhileBeingReconciledWaitsUntilThatReconcileIsDone() {
    queue.add("ns/a");
    String key = queue.poll();
    queue.add("ns/a");

    assertThat(queue.poll()).as("not twice at a time").isNull();
    queue.done(key);
    assertThat(queue.poll()).isEqualTo("ns/a");
  }

  @Test
  void theEarliestDueTimeWins() {
    queue.addAfter("ns/a", Duration.ofMinutes(5));
    queue.addAfter("ns/a", Duration.ofSeconds(30));
    queue.addAfter("ns/a", Duration.ofMinutes(10));

    clock.advance(Duration.ofSeconds(29));
    assertThat(queue.poll()).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(queue.poll()).isEqualTo("ns/a");
    assertThat(queue.nextDue()).isNull();
  }

  @Test
  void failuresBackOffExponentiallyUpToTheMaximumAndForgetResets() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      delays.add(queue.addRateLimited("ns/a"));
      clock.advance(delays.get(i));
      queue.done(queue.poll());
    }
    queue.forget("ns/a");

    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    assertThat(queue.addRateLimited("ns/a")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void keysComeOutInDueOrder() {
    queue.addAfter("ns/late", Duration.ofSeconds(20));
    queue.addAfter("ns/early", Duration.ofSeconds(10));
    queue.add("ns/now");
    clock.advance(Duration.ofMinutes(1));

    assertThat(List.of(queue.poll(), queue.poll(), queue.poll()))
        .containsExactly("ns/now", "ns/early", "ns/late");
  }
}
