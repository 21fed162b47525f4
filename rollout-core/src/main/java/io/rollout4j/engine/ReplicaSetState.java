package io.rollout4j.engine;

/**
 * What the arithmetic needs to know about a ReplicaSet: its name, pod-template hash, desired
 * replicas ({@code spec.replicas}) and available replicas ({@code status.availableReplicas}).
 */
record ReplicaSetState(String name, String podTemplateHash, int replicas, int availableReplicas) {

  public ReplicaSetState {
    if (replicas < 0 || availableReplicas < 0) {
      throw new IllegalArgumentException(
          "replica counts must not be negative: " + replicas + ", " + availableReplicas);
    }
  }

  static ReplicaSetState of(
      String name, String podTemplateHash, int replicas, int availableReplicas) {
    return new ReplicaSetState(name, podTemplateHash, replicas, availableReplicas);
  }

  /** Available pods that will remain once the ReplicaSet reaches its spec. */
  int availableWithinSpec() {
    return Math.min(replicas, availableReplicas);
  }
}
