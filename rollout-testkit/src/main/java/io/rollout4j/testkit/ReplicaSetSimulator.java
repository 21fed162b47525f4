package io.rollout4j.testkit;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.PortException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Plays the ReplicaSet controller for an API server that has none (the fabric8 mock server, a test
 * cluster without kube-controller-manager): through any {@link ClusterPort}, each ReplicaSet's
 * {@code status} follows its {@code spec.replicas} as pods would, in virtual time. New pods become
 * ready and available {@link #readyAfter} after they start; scaling down removes the newest pods at
 * once. Call {@link #step} whenever the clock moves.
 */
public final class ReplicaSetSimulator {
  private final ClusterPort cluster;
  private final Clock clock;
  private final Set<String> namespaces;
  private Duration readyAfter = Duration.ofSeconds(10);
  private final Map<String, List<Instant>> pods = new HashMap<>();
  private int writes;

  /** Simulates the ReplicaSets of these namespaces. */
  public ReplicaSetSimulator(ClusterPort cluster, Clock clock, Set<String> namespaces) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.namespaces = Set.copyOf(namespaces);
  }

  /**
   * The same pods, reached through another port: for a controller restart or failover, where the
   * pods keep running while the controller (and its cache) is replaced.
   */
  public ReplicaSetSimulator through(ClusterPort other) {
    ReplicaSetSimulator moved = new ReplicaSetSimulator(other, clock, namespaces);
    moved.readyAfter = readyAfter;
    pods.forEach((key, started) -> moved.pods.put(key, new ArrayList<>(started)));
    return moved;
  }

  /** Status writes so far: a change the rollout's controller should look at. */
  public int writes() {
    return writes;
  }

  /** How long a new pod takes to become available (10 s by default). */
  public ReplicaSetSimulator readyAfter(Duration readyAfter) {
    if (readyAfter.isNegative()) {
      throw new IllegalArgumentException("readyAfter: expected zero or positive");
    }
    this.readyAfter = readyAfter;
    return this;
  }

  /**
   * Starts and stops pods for every ReplicaSet's desired count and writes each status that changed;
   * returns when the next pod becomes available, or null when nothing is pending. A write that
   * conflicts is left for the next step.
   */
  public @Nullable Instant step() {
    Instant now = clock.instant();
    Instant next = null;
    java.util.Set<String> present = new java.util.HashSet<>();
    for (String namespace : namespaces) {
      for (Resource resource : cluster.list("ReplicaSet", namespace)) {
        if (!(resource instanceof GenericResource rs)) {
          continue;
        }
        String key = namespace + "/" + rs.name() + "/" + rs.metadata().uid();
        present.add(key);
        List<Instant> started = pods.computeIfAbsent(key, k -> new ArrayList<>());
        int desired = rs.path("spec", "replicas") instanceof Number n ? n.intValue() : 1;
        while (started.size() < desired) {
          started.add(now);
        }
        while (started.size() > desired) {
          started.remove(started.size() - 1);
        }
        int available = 0;
        for (Instant start : started) {
          Instant ready = start.plus(readyAfter);
          if (!ready.isAfter(now)) {
            available++;
          } else if (next == null || ready.isBefore(next)) {
            next = ready;
          }
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("replicas", started.size());
        status.put("fullyLabeledReplicas", started.size());
        status.put("readyReplicas", available);
        status.put("availableReplicas", available);
        Long generation = rs.metadata().generation();
        status.put("observedGeneration", generation == null ? 1L : generation);
        if (!same(status, rs.get("status"))) {
          try {
            cluster.update(rs.withBodyField("status", status));
            writes++;
          } catch (PortException e) {
            // changed meanwhile (the engine scaled it): the next step sees the new spec
          }
        }
      }
    }
    // The pods of a deleted ReplicaSet are gone with it.
    pods.keySet().retainAll(present);
    return next;
  }

  /** Whether the stored status already says this (numbers compared by value, int or long). */
  private static boolean same(Map<String, Object> desired, @Nullable Object current) {
    if (!(current instanceof Map<?, ?> stored)) {
      return false;
    }
    for (Map.Entry<String, Object> entry : desired.entrySet()) {
      if (!(stored.get(entry.getKey()) instanceof Number n)
          || n.longValue() != ((Number) entry.getValue()).longValue()) {
        return false;
      }
    }
    return true;
  }
}
