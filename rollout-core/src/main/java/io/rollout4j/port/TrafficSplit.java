package io.rollout4j.port;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the mesh is told for one rollout: the canary's weight (stable gets the rest), the
 * pod-template hashes the canary and stable destinations select (DestinationRule subsets in Istio's
 * subset mode, Service selectors in host mode), and the managed header and mirror routes in
 * precedence order.
 */
public record TrafficSplit(
    int canaryWeight,
    @Nullable String canaryHash,
    @Nullable String stableHash,
    List<HeaderRoute> headerRoutes,
    List<MirrorRoute> mirrorRoutes) {

  public TrafficSplit {
    if (canaryWeight < 0 || canaryWeight > 100) {
      throw new IllegalArgumentException("canary weight must be 0..100, was " + canaryWeight);
    }
    headerRoutes = List.copyOf(headerRoutes);
    mirrorRoutes = List.copyOf(mirrorRoutes);
  }

  public static TrafficSplit of(
      int canaryWeight, @Nullable String canaryHash, @Nullable String stableHash) {
    return new TrafficSplit(canaryWeight, canaryHash, stableHash, List.of(), List.of());
  }

  public int stableWeight() {
    return 100 - canaryWeight;
  }

  /** Requests whose headers match go to the canary. Values map header name to match. */
  public record HeaderRoute(String name, Map<String, Map<String, String>> headers) {
    public HeaderRoute {
      headers = Map.copyOf(headers);
    }
  }

  /** Requests matching are mirrored to the canary at the given percentage. */
  public record MirrorRoute(String name, List<Map<String, Object>> match, int percentage) {
    public MirrorRoute {
      match = List.copyOf(match);
    }
  }
}
