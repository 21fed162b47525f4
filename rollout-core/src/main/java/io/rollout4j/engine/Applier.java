package io.rollout4j.engine;

import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.ClusterPort;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.PortException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a decision through the ports, stage by stage ({@link Action.Stage}), then writes the
 * status. The first port failure stops it: nothing after it is written, and the next reconcile
 * picks up from what was.
 */
final class Applier {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  private final ClusterPort cluster;
  private final MeshPort mesh;

  Applier(ClusterPort cluster, MeshPort mesh) {
    this.cluster = cluster;
    this.mesh = mesh;
  }

  RolloutEngine.Result apply(Rollout rollout, Decision decision) {
    List<Action> ordered = new ArrayList<>(decision.actions());
    ordered.sort(Comparator.comparing(Action::stage)); // stable: a stage keeps the decision's order
    int writes = 0;
    String who = rollout.namespace() + "/" + rollout.name();
    try {
      for (Action action : ordered) {
        if (action instanceof Action.Event event) {
          try {
            cluster.recordEvent(rollout, event.type(), event.reason(), event.message());
          } catch (PortException e) {
            LOG.debug("rollout {}: event not recorded: {}", who, e.getMessage());
          }
        } else if (perform(rollout, action)) {
          writes++;
        }
      }
      RolloutStatus next = StatusRules.without(decision.status(), RolloutEngine.RECONCILE_ERROR);
      if (!next.equals(rollout.status())) {
        cluster.updateStatus(rollout.withStatus(next));
        writes++;
      }
    } catch (RuntimeException e) {
      LOG.warn("rollout {}: reconcile stopped after {} writes: {}", who, writes, e.getMessage());
      return new RolloutEngine.Result(
          true, writes, null, RolloutEngine.asPortException(e), rollout.status());
    }
    return new RolloutEngine.Result(true, writes, decision.requeueAfter(), null, decision.status());
  }

  /** Performs one action; false when it turned out to change nothing. */
  private boolean perform(Rollout rollout, Action action) {
    if (action instanceof Action.CreateReplicaSet create) {
      cluster.create(create.replicaSet());
    } else if (action instanceof Action.UpdateReplicaSet update) {
      cluster.update(update.replicaSet());
    } else if (action instanceof Action.DeleteReplicaSet delete) {
      cluster.delete("ReplicaSet", delete.namespace(), delete.name());
    } else if (action instanceof Action.SetTraffic traffic) {
      return mesh.apply(rollout, traffic.split(), traffic.observed());
    } else if (action instanceof Action.UpdateService service) {
      cluster.update(service.service());
    } else if (action instanceof Action.UpdateWorkload workload) {
      cluster.update(workload.workload());
    } else if (action instanceof Action.CreateAnalysisRun create) {
      cluster.create(create.run());
    } else if (action instanceof Action.TerminateAnalysisRun terminate) {
      cluster.update(terminate.run());
    } else if (action instanceof Action.DeleteAnalysisRun delete) {
      cluster.delete(AnalysisRun.KIND, delete.namespace(), delete.name());
    } else if (action instanceof Action.EvictPod evict) {
      cluster.evict(evict.namespace(), evict.name());
    } else {
      throw new IllegalStateException("no port applies " + action);
    }
    return true;
  }
}
