package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.port.TrafficSplit;

/** One change the engine makes through a port. */
public sealed interface Action {

  /** Create a ReplicaSet for a new pod template. */
  record CreateReplicaSet(GenericResource replicaSet) implements Action {}

  /** Write a changed ReplicaSet (replicas, annotations, ephemeral pod metadata). */
  record UpdateReplicaSet(GenericResource replicaSet, int fromReplicas, int toReplicas)
      implements Action {
    public boolean scalesUp() {
      return toReplicas > fromReplicas;
    }
  }

  /** Delete a ReplicaSet beyond the revision history limit. */
  record DeleteReplicaSet(String namespace, String name) implements Action {}

  /** Point a Service at a pod-template hash (blue-green active/preview switching). */
  record UpdateService(GenericResource service) implements Action {}

  /** Tell the mesh to route as the split says. */
  record SetTraffic(TrafficSplit split) implements Action {}

  /** Write the referenced workload (scaling a Deployment for {@code workloadRef.scaleDown}). */
  record UpdateWorkload(GenericResource workload) implements Action {}

  /** Create an AnalysisRun for a step or background analysis. */
  record CreateAnalysisRun(io.rollout4j.model.AnalysisRun run) implements Action {}

  /** Terminate an AnalysisRun that is no longer wanted ({@code spec.terminate: true}). */
  record TerminateAnalysisRun(io.rollout4j.model.AnalysisRun run) implements Action {}

  /** Delete a finished AnalysisRun beyond the rollout's run history limits. */
  record DeleteAnalysisRun(String namespace, String name) implements Action {}

  /** Evict a pod (restartAt): its ReplicaSet replaces it. */
  record EvictPod(String namespace, String name) implements Action {}

  /** Record a Kubernetes Event on the rollout. */
  record Event(String type, String reason, String message) implements Action {}
}
