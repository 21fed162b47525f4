package io.rollout4j.engine;

/** Desired {@code spec.replicas} for the canary and the stable ReplicaSet. */
record ReplicaCounts(int canary, int stable) {

  public ReplicaCounts {
    if (canary < 0 || stable < 0) {
      throw new IllegalArgumentException(
          "replica counts must not be negative: " + canary + "/" + stable);
    }
  }

  public int total() {
    return canary + stable;
  }
}
