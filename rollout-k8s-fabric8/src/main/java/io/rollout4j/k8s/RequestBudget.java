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

  /**
   * One budget per client, as Argo's rollouts-controller has them: it builds a Kubernetes
   * clientset, an argoproj.io clientset and a dynamic client (Istio and other custom resources) on
   * one configuration, and client-go gives each its own token bucket of {@code --qps} and {@code
   * --burst}. Splitting ours the same way makes the same flags allow the same traffic.
   */
  static final class PerClient {
    /**
     * Kubernetes' own API groups with a dot in their name (the others, apps or batch, have none).
     * Custom resource groups may end in .k8s.io too (gateway.networking.k8s.io), hence a list.
     */
    private static final java.util.Set<String> BUILT_IN_GROUPS =
        java.util.Set.of(
            "admissionregistration.k8s.io",
            "apiextensions.k8s.io",
            "apiregistration.k8s.io",
            "authentication.k8s.io",
            "authorization.k8s.io",
            "certificates.k8s.io",
            "coordination.k8s.io",
            "discovery.k8s.io",
            "events.k8s.io",
            "flowcontrol.apiserver.k8s.io",
            "internal.apiserver.k8s.io",
            "networking.k8s.io",
            "node.k8s.io",
            "rbac.authorization.k8s.io",
            "resource.k8s.io",
            "scheduling.k8s.io",
            "storage.k8s.io",
            "storagemigration.k8s.io");

    private final RequestBudget kubernetes;
    private final RequestBudget argo;
    private final RequestBudget customResources;

    PerClient(double qps, int burst) {
      this(
          new RequestBudget(qps, burst),
          new RequestBudget(qps, burst),
          new RequestBudget(qps, burst));
    }

    PerClient(RequestBudget kubernetes, RequestBudget argo, RequestBudget customResources) {
      this.kubernetes = kubernetes;
      this.argo = argo;
      this.customResources = customResources;
    }

    /** The budget a request to this URL path draws on. */
    RequestBudget forPath(String path) {
      if (!path.startsWith("/apis/")) {
        return kubernetes; // the core group (/api/v1/...) and anything outside the groups
      }
      int end = path.indexOf('/', "/apis/".length());
      String group = path.substring("/apis/".length(), end < 0 ? path.length() : end);
      if (group.equals("argoproj.io")) {
        return argo;
      }
      return group.indexOf('.') < 0 || BUILT_IN_GROUPS.contains(group)
          ? kubernetes
          : customResources;
    }
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
