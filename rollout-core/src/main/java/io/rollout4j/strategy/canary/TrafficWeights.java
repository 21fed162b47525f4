package io.rollout4j.strategy.canary;

/** A traffic split as the router reports it: canary and stable percentages. */
public record TrafficWeights(int canaryWeight, int stableWeight) {

  public TrafficWeights {
    if (canaryWeight < 0 || stableWeight < 0) {
      throw new IllegalArgumentException(
          "weights must not be negative: " + canaryWeight + "/" + stableWeight);
    }
  }

  public static TrafficWeights of(int canaryWeight, int stableWeight) {
    return new TrafficWeights(canaryWeight, stableWeight);
  }
}
