package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code spec.restartAt} for both strategies: pods started before it are evicted. */
final class Restart {
  private Restart() {}

  /**
   * {@code spec.restartAt}: once no update is in progress, pods started before it are evicted,
   * oldest first, at most {@code maxUnavailable} at a time and only while availability stays above
   * max(replicas, running pods) minus that number; when none is left, {@code status.restartedAt}
   * records it.
   */
  static void evictStalePods(Plan plan, Frame frame, int maxUnavailable) {
    Rollout rollout = frame.rollout();
    RolloutStatus status = plan.status;
    Instant now = plan.now;
    String restartAt = rollout.spec().restartAt();
    if (restartAt == null || restartAt.equals(plan.status.restartedAt())) {
      return;
    }
    if (!frame.hash().equals(status.stableRS())
        || status.isAborted()
        || rollout.spec().isPaused()) {
      // Evicting during an update would fight its surge and traffic arithmetic (a one-pod canary
      // would lose its only pod while it takes traffic); restart once the update is over.
      plan.wake(now.plusSeconds(30));
      return;
    }
    Instant at;
    try {
      at = Timestamps.parse(restartAt);
    } catch (DateTimeParseException e) {
      return; // the validator reports it
    }
    if (now.isBefore(at)) {
      plan.wake(at);
      return;
    }
    List<GenericResource> stale = new ArrayList<>();
    for (GenericResource pod : plan.observation.pods()) {
      String created = pod.metadata().creationTimestamp();
      if (created != null && Timestamps.parse(created).isBefore(at)) {
        stale.add(pod);
      }
    }
    if (stale.isEmpty()) {
      plan.status = status.toBuilder().restartedAt(restartAt).build();
      plan.event(
          "Normal", "RolloutRestarted", "Rollout restarted: all pods started after " + restartAt);
      return;
    }
    stale.sort(Comparator.comparing(p -> String.valueOf(p.metadata().creationTimestamp())));
    int running = 0;
    int available = 0;
    for (ReplicaSetView rs : frame.sets()) {
      running += rs.statusReplicas();
      available += rs.availableReplicas();
    }
    int floor = Math.max(rollout.spec().effectiveReplicas(), running) - maxUnavailable;
    int evictions = Math.min(maxUnavailable, Math.min(stale.size(), available - floor));
    for (int i = 0; i < evictions; i++) {
      GenericResource pod = stale.get(i);
      plan.actions.add(
          new Action.EvictPod(plan.namespace(), String.valueOf(pod.metadata().name())));
      plan.event(
          "Normal",
          "RestartingPod",
          "Evicted pod " + pod.metadata().name() + " started before " + restartAt);
    }
    plan.wake(now.plusSeconds(30));
  }
}
