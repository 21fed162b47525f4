package io.rollout4j.engine;

/** A traffic split as the router reports it: canary and stable percentages. */
record TrafficWeights(int canaryWeight, int stableWeight) {

  public TrafficWeights {
    if (canaryWeight < 0 || stableWeight < 0) {
      throw new IllegalArgumentException(
          "weights must not be negative: " + canaryWeight + "/" + stableWeight);
    }
  }

  static TrafficWeights of(int canaryWeight, int stableWeight) {
    return new TrafficWeights(canaryWeight, stableWeight);
  }
}
