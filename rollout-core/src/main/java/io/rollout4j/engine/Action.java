package io.rollout4j.engine;

import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.GenericResource;
import io.rollout4j.port.TrafficSplit;
import org.jspecify.annotations.Nullable;

/**
 * One change the engine makes through a port. Each carries the {@link Stage} it is applied in, so
 * the order that keeps traffic safe is stated once, here.
 */
public sealed interface Action {

  /**
   * When an action is applied within a reconcile, stages in this order, actions of one stage in the
   * order the decision lists them; the status is written after all of them.
   */
  enum Stage {
    /** ReplicaSets that are created or grow: pods exist before traffic is sent to them. */
    GROW,
    /** Traffic and the Services that select revisions, once the pods are there. */
    ROUTE,
    /** ReplicaSets that shrink (traffic has left them), the workload, runs and pods. */
    SHRINK,
    /** Events, last: a failure to record one never stops the reconcile. */
    EVENT
  }

  Stage stage();

  /** Create a ReplicaSet for a new pod template. */
  record CreateReplicaSet(GenericResource replicaSet) implements Action {
    @Override
    public Stage stage() {
      return Stage.GROW;
    }
  }

  /** Write a changed ReplicaSet (replicas, annotations, ephemeral pod metadata). */
  record UpdateReplicaSet(GenericResource replicaSet, int fromReplicas, int toReplicas)
      implements Action {
    public boolean scalesUp() {
      return toReplicas > fromReplicas;
    }

    @Override
    public Stage stage() {
      return toReplicas >= fromReplicas ? Stage.GROW : Stage.SHRINK;
    }
  }

  /** Delete a ReplicaSet beyond the revision history limit. */
  record DeleteReplicaSet(String namespace, String name) implements Action {
    @Override
    public Stage stage() {
      return Stage.SHRINK;
    }
  }

  /** Point a Service at a pod-template hash (blue-green active/preview switching). */
  record UpdateService(GenericResource service) implements Action {
    @Override
    public Stage stage() {
      return Stage.ROUTE;
    }
  }

  /**
   * Tell the mesh to route as the split says; {@code observed} is the split the engine read from
   * the mesh for this decision (null when none could be read), so the port need not read it again.
   */
  record SetTraffic(TrafficSplit split, @Nullable TrafficSplit observed) implements Action {
    public SetTraffic(TrafficSplit split) {
      this(split, null);
    }

    @Override
    public Stage stage() {
      return Stage.ROUTE;
    }
  }

  /** Write the referenced workload (scaling a Deployment for {@code workloadRef.scaleDown}). */
  record UpdateWorkload(GenericResource workload) implements Action {
    @Override
    public Stage stage() {
      return Stage.SHRINK;
    }
  }

  /** Create an AnalysisRun for a step or background analysis. */
  record CreateAnalysisRun(AnalysisRun run) implements Action {
    @Override
    public Stage stage() {
      return Stage.SHRINK;
    }
  }

  /** Terminate an AnalysisRun that is no longer wanted ({@code spec.terminate: true}). */
  record TerminateAnalysisRun(AnalysisRun run) implements Action {
    @Override
    public Stage stage() {
      return Stage.SHRINK;
    }
  }

  /** Delete a finished AnalysisRun beyond the rollout's run history limits. */
  record DeleteAnalysisRun(String namespace, String name) implements Action {
    @Override
    public Stage stage() {
      return Stage.SHRINK;
    }
  }

  /** Evict a pod (restartAt): its ReplicaSet replaces it. */
  record EvictPod(String namespace, String name) implements Action {
    @Override
    public Stage stage() {
      return Stage.SHRINK;
    }
  }

  /** Record a Kubernetes Event on the rollout. */
  record Event(String type, String reason, String message) implements Action {
    @Override
    public Stage stage() {
      return Stage.EVENT;
    }
  }
}
