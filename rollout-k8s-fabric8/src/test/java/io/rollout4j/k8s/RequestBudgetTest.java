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

  @Test
  void eachOfArgosThreeClientsHasItsOwnBudget() {
    RequestBudget kubernetes = budget(10, 1);
    RequestBudget argo = budget(10, 1);
    RequestBudget custom = budget(10, 1);
    RequestBudget.PerClient clients = new RequestBudget.PerClient(kubernetes, argo, custom);

    assertThat(clients.forPath("/api/v1/namespaces/shop/events")).isSameAs(kubernetes);
    assertThat(clients.forPath("/apis/apps/v1/namespaces/shop/replicasets")).isSameAs(kubernetes);
    assertThat(clients.forPath("/apis/events.k8s.io/v1/namespaces/shop/events"))
        .isSameAs(kubernetes);
    assertThat(clients.forPath("/apis/coordination.k8s.io/v1/namespaces/x/leases/l"))
        .isSameAs(kubernetes);
    assertThat(clients.forPath("/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/r/status"))
        .isSameAs(argo);
    assertThat(clients.forPath("/apis/networking.istio.io/v1/namespaces/shop/virtualservices"))
        .isSameAs(custom);
    assertThat(clients.forPath("/apis/gateway.networking.k8s.io/v1/httproutes"))
        .as("Gateway API's group ends in .k8s.io but is a custom resource group")
        .isSameAs(custom);
  }

  @Test
  void aClientWaitingForItsBudgetDoesNotHoldUpAnother() {
    RequestBudget kubernetes = budget(10, 1);
    RequestBudget argo = budget(10, 1);
    RequestBudget.PerClient clients = new RequestBudget.PerClient(kubernetes, argo, budget(10, 1));

    clients.forPath("/api/v1/namespaces/shop/events").acquire();
    clients.forPath("/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts").acquire();
    assertThat(waits).as("one token each, no wait").isEmpty();

    clients.forPath("/api/v1/namespaces/shop/events").acquire();
    assertThat(waits).containsExactly(TimeUnit.MILLISECONDS.toNanos(100));
  }
}
