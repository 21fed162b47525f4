package io.rollout4j.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The request budget on a fake nano clock: waits are computed, never slept. */
class RequestBudgetTest {
  private long now = 1_000_000_000L;
  private final List<Long> waits = new ArrayList<>();

  private RequestBudget budget(double qps, int burst) {
    return new RequestBudget(
        qps,
        burst,
        () -> now,
        nanos -> {
          waits.add(nanos);
          now += nanos;
        });
  }

  @Test
  void aBurstGoesThroughAtOnceThenRequestsAreSpacedByTheRate() {
    RequestBudget budget = budget(10, 3);

    for (int i = 0; i < 5; i++) {
      budget.acquire();
    }

    assertThat(waits)
        .containsExactly(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void idleTimeRefillsTheBurstButNoMore() {
    RequestBudget budget = budget(10, 2);
    budget.acquire();
    budget.acquire();

    now += TimeUnit.SECONDS.toNanos(60);
    budget.acquire();
    budget.acquire();
    budget.acquire();

    assertThat(waits).containsExactly(TimeUnit.MILLISECONDS.toNanos(100));
  }
}
