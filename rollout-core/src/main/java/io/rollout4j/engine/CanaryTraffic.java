package io.rollout4j.engine;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where a canary's traffic goes in one reconcile: the split the router should carry (by step,
 * readiness, abort and the stable revision's capacity), the header and mirror routes of the steps
 * so far, and what the stable and canary Services select.
 */
final class CanaryTraffic {
  private final Plan plan;
  private final Frame frame;
  private final CanaryStrategy canary;

  CanaryTraffic(Plan plan, Frame frame, CanaryStrategy canary) {
    this.plan = plan;
    this.frame = frame;
    this.canary = canary;
  }

  /** The split the rollout last reported, or what the router reports when it has reported none. */
  @Nullable TrafficSplit observedWeights() {
    RolloutStatus status = plan.status;
    RolloutStatus.Weights weights = status.canary() == null ? null : status.canary().weights();
    if (weights != null) {
      return TrafficSplit.of(
          weights.canary().weight(),
          weights.canary().podTemplateHash(),
          weights.stable().podTemplateHash());
    }
    return plan.observation.traffic();
  }

  /**
   * The split the mesh should carry (Argo's {@code CalculateReplicaCountsForTrafficRoutedCanary}
   * weights), or null to leave it as it is. Traffic only moves to the canary once its ReplicaSet is
   * fully available at its current target, and the canary subset only switches to a new hash then.
   */
  @Nullable TrafficSplit desiredSplit(int canaryTarget) {
    Rollout rollout = frame.rollout();
    String hash = frame.hash();
    ReplicaSetView newRs = frame.newRs();
    ReplicaSetView stableRs = frame.stableRs();
    RolloutStatus status = plan.status;
    TrafficSplit current = plan.observation.traffic();
    if (frame.initial() || frame.promoted()) {
      if (newRs == null || !newRs.fullyAvailable()) {
        return null;
      }
      return TrafficSplit.of(0, hash, hash);
    }
    String stableHash = stableRs == null ? status.stableRS() : stableRs.hash();
    boolean canaryReady =
        newRs != null && newRs.fullyAvailable() && newRs.replicas() >= canaryTarget;
    String canaryHash =
        canaryReady
            ? hash
            : current != null && current.canaryHash() != null ? current.canaryHash() : stableHash;
    if (newRs == null || newRs.availableReplicas() == 0) {
      // The new revision cannot serve yet. If an older canary (an interrupted update) still
      // carries traffic, it keeps what stable cannot take yet (Argo issue #3372: all traffic to
      // a stable that dynamic stable scale had shrunk); otherwise everything goes to stable.
      int carried = currentWeight(current);
      ReplicaSetView serving =
          current == null || current.canaryHash() == null ? null : frame.find(current.canaryHash());
      if (carried > 0
          && serving != null
          && serving.availableReplicas() > 0
          && !serving.hash().equals(hash)
          && !serving.hash().equals(stableHash)) {
        int weight = withinStableCapacity(rollout, stableRs, 0, carried);
        return withRoutes(TrafficSplit.of(weight, serving.hash(), stableHash), List.of());
      }
      return withRoutes(TrafficSplit.of(0, canaryHash, stableHash), List.of());
    }
    if (frame.aborted()) {
      // Abort: traffic returns to stable as fast as stable can carry it; the canary subset
      // keeps its hash until the canary is scaled down. Managed routes go at once.
      int weight =
          stableRs != null && CanaryReplicas.abortsStepByStep(rollout, newRs, stableRs)
              ? stepwiseAbortWeight(rollout, newRs, stableRs, current)
              : withinStableCapacity(rollout, stableRs, 0, currentWeight(current));
      return withRoutes(TrafficSplit.of(weight, hash, stableHash), List.of());
    }
    int weight;
    if (Boolean.TRUE.equals(status.promoteFull())) {
      weight =
          canaryReady && newRs.availableReplicas() >= rollout.spec().effectiveReplicas()
              ? 100
              : currentWeight(current);
    } else {
      int index = CanarySteps.currentStepIndex(rollout);
      List<Step> steps = canary.steps();
      if (index >= steps.size()) {
        weight =
            canaryReady && newRs.availableReplicas() >= rollout.spec().effectiveReplicas()
                ? 100
                : previousWeight(steps.size());
      } else {
        weight = canaryReady ? CanarySteps.currentSetWeight(rollout) : previousWeight(index);
      }
    }
    if (!canaryReady) {
      // Never point more traffic at a ReplicaSet than it had before it was ready.
      weight = Math.min(weight, currentWeight(current));
    }
    weight = withinStableCapacity(rollout, stableRs, weight, currentWeight(current));
    return withRoutes(
        TrafficSplit.of(weight, canaryHash, stableHash),
        headerRoutes(rollout),
        mirrorRoutes(rollout));
  }

  /**
   * Argo's {@code calculateDesiredWeightOnAbortOrStableRollback} with dynamic stable scale: traffic
   * steps back through the setWeight steps as stable's available pods grow to carry each one, and
   * never rises again because stable availability flaps.
   */
  private static int stepwiseAbortWeight(
      Rollout rollout,
      ReplicaSetView newRs,
      ReplicaSetView stableRs,
      @Nullable TrafficSplit current) {
    int replicas = rollout.spec().effectiveReplicas();
    if (replicas == 0) {
      return 0;
    }
    int desired = CanaryReplicas.abortStepWeight(rollout, newRs, stableRs);
    int stableCarries = 100 * stableRs.availableReplicas() / replicas;
    int expected = Math.max(0, 100 - stableCarries);
    if (current == null) {
      return Math.max(expected, desired);
    }
    int now = current.canaryWeight();
    if (desired <= 0) {
      return Math.min(expected, now);
    }
    if (stableCarries < 100 - desired) {
      return now; // stable is still scaling up to carry the next step
    }
    return Math.min(desired, now);
  }

  /**
   * Moving traffic back to stable never gives it more than its available pods can carry (they may
   * still be scaling up under dynamic stable scale, or some were lost): the canary keeps the
   * difference, but never more than it has now.
   */
  private static int withinStableCapacity(
      Rollout rollout, @Nullable ReplicaSetView stableRs, int weight, int current) {
    if (stableRs == null || weight >= current) {
      return weight;
    }
    int replicas = rollout.spec().effectiveReplicas();
    if (replicas == 0) {
      return weight;
    }
    int stableCanCarry = (int) Math.min(100, (long) stableRs.availableReplicas() * 100 / replicas);
    return Math.min(current, Math.max(weight, 100 - stableCanCarry));
  }

  /**
   * {@code stableService} selects the stable ReplicaSet and {@code canaryService} the canary once
   * its pods are ready to serve (with traffic routing: whatever the split's canary destination
   * selects, so host-level and subset-level splitting switch together); an aborted canary's Service
   * goes back to stable once no traffic is routed to the canary.
   */
  void pointServices(@Nullable TrafficSplit traffic) {
    String hash = frame.hash();
    ReplicaSetView newRs = frame.newRs();
    boolean newIsStable = frame.initial() || frame.promoted();
    boolean aborted = frame.aborted();
    boolean routed = canary.trafficRouting() != null;
    ReplicaSetView stable = newIsStable ? newRs : frame.stableRs();
    String stableHash = stable != null && stable.fullyAvailable() ? stable.hash() : null;
    plan.point(plan.service(canary.stableService()), stableHash);
    String canaryHash;
    if (newIsStable) {
      canaryHash = stableHash;
    } else if (routed) {
      canaryHash =
          aborted && traffic != null && traffic.canaryWeight() == 0
              ? stableHash
              : traffic == null ? null : traffic.canaryHash();
    } else if (aborted) {
      canaryHash = stableHash;
    } else {
      canaryHash = newRs != null && newRs.fullyAvailable() ? hash : null;
    }
    plan.point(plan.service(canary.canaryService()), canaryHash);
  }

  private static int currentWeight(@Nullable TrafficSplit current) {
    return current == null ? 0 : current.canaryWeight();
  }

  /** The last setWeight strictly before the given step index (0 if none). */
  int previousWeight(int index) {
    List<Step> steps = canary.steps();
    for (int i = Math.min(index, steps.size()) - 1; i >= 0; i--) {
      Optional<Integer> w = CanarySteps.setWeightOf(steps.get(i));
      if (w.isPresent()) {
        return w.get();
      }
    }
    return 0;
  }

  private static TrafficSplit withRoutes(
      TrafficSplit split, List<TrafficSplit.HeaderRoute> routes) {
    return withRoutes(split, routes, List.of());
  }

  private static TrafficSplit withRoutes(
      TrafficSplit split,
      List<TrafficSplit.HeaderRoute> headers,
      List<TrafficSplit.MirrorRoute> mirrors) {
    return new TrafficSplit(
        split.canaryWeight(), split.canaryHash(), split.stableHash(), headers, mirrors);
  }

  /** Mirror routes set by steps up to the current one, the latest per route name winning. */
  private List<TrafficSplit.MirrorRoute> mirrorRoutes(Rollout rollout) {
    return routesSoFar(
        rollout,
        Step.SetMirrorRoute.class,
        Step.SetMirrorRoute::name,
        m -> m.match().isEmpty() ? null : mirrorRoute(m));
  }

  private static TrafficSplit.MirrorRoute mirrorRoute(Step.SetMirrorRoute m) {
    List<Map<String, Object>> match = new ArrayList<>();
    for (Step.RouteMatch r : m.match()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      if (r.method() != null) {
        entry.put("method", Manifests.toTree(r.method()));
      }
      if (r.path() != null) {
        entry.put("path", Manifests.toTree(r.path()));
      }
      if (!r.headers().isEmpty()) {
        entry.put("headers", Manifests.toTree(r.headers()));
      }
      match.add(entry);
    }
    int percentage = m.percentage() == null ? 100 : m.percentage();
    return new TrafficSplit.MirrorRoute(String.valueOf(m.name()), match, percentage);
  }

  /** Header routes set by steps up to the current one, the latest per route name winning. */
  private List<TrafficSplit.HeaderRoute> headerRoutes(Rollout rollout) {
    return routesSoFar(
        rollout,
        Step.SetHeaderRoute.class,
        Step.SetHeaderRoute::name,
        h -> h.match().isEmpty() ? null : headerRoute(h));
  }

  private static TrafficSplit.HeaderRoute headerRoute(Step.SetHeaderRoute h) {
    Map<String, Map<String, String>> headers = new TreeMap<>();
    for (Step.HeaderRoutingMatch m : h.match()) {
      Map<String, String> value = new TreeMap<>();
      if (m.headerValue().exact() != null) {
        value.put("exact", m.headerValue().exact());
      }
      if (m.headerValue().regex() != null) {
        value.put("regex", m.headerValue().regex());
      }
      if (m.headerValue().prefix() != null) {
        value.put("prefix", m.headerValue().prefix());
      }
      headers.put(m.headerName(), value);
    }
    return new TrafficSplit.HeaderRoute(String.valueOf(h.name()), headers);
  }

  /**
   * The routes of one kind that steps up to the current one set, by name, the latest step winning;
   * a step whose route is null (no match) removes that name.
   */
  private <S extends Step, T> List<T> routesSoFar(
      Rollout rollout,
      Class<S> kind,
      Function<S, @Nullable String> nameOf,
      Function<S, @Nullable T> routeOf) {
    Map<String, T> routes = new LinkedHashMap<>();
    List<Step> steps = canary.steps();
    int index = Math.min(CanarySteps.currentStepIndex(rollout), steps.size() - 1);
    for (int i = 0; i <= index; i++) {
      Step step = steps.get(i);
      for (int a = 0, n = CanarySteps.actionCount(step); a < n; a++) {
        Step action = CanarySteps.actionAt(step, a);
        if (!kind.isInstance(action)) {
          continue;
        }
        S typed = kind.cast(action);
        String name = nameOf.apply(typed);
        if (name == null) {
          continue;
        }
        T route = routeOf.apply(typed);
        if (route == null) {
          routes.remove(name);
        } else {
          routes.put(name, route);
        }
      }
    }
    return inManagedOrder(routes);
  }

  /**
   * Routes in {@code managedRoutes} order, which is their precedence in the mesh (validation makes
   * every step's route name one of them), so a split read back from the mesh compares equal.
   */
  private <T> List<T> inManagedOrder(Map<String, T> routesByName) {
    if (routesByName.isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    var routing = canary.trafficRouting();
    if (routing != null) {
      for (var managed : routing.managedRoutes()) {
        T route = routesByName.get(managed.name());
        if (route != null) {
          out.add(route);
        }
      }
    }
    return List.copyOf(out);
  }

  /** Whether {@code status.canary.weights} already reports this split. */
  boolean reports(RolloutStatus.@Nullable Weights weights, TrafficSplit traffic) {
    return weights != null
        && weights.additional().isEmpty()
        && weights.verified() == null
        && reports(
            weights.canary(), traffic.canaryWeight(), canary.canaryService(), traffic.canaryHash())
        && reports(
            weights.stable(), traffic.stableWeight(), canary.stableService(), traffic.stableHash());
  }

  private static boolean reports(
      RolloutStatus.WeightDestination destination,
      int weight,
      @Nullable String service,
      @Nullable String hash) {
    return destination.weight() == weight
        && Objects.equals(destination.serviceName(), service)
        && Objects.equals(destination.podTemplateHash(), hash);
  }
}
