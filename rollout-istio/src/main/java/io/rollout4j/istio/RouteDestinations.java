package io.rollout4j.istio;

import java.util.Set;

/**
 * How the canary and stable destinations of a route are recognised: by Service host (host-level
 * splitting: the text before the first dot of {@code destination.host}) or by DestinationRule
 * subset (subset-level splitting). Destinations whose subset is one of {@code additionalSubsets}
 * are kept and their weights left alone.
 */
record RouteDestinations(
    boolean bySubset, String canary, String stable, Set<String> additionalSubsets) {

  public RouteDestinations {
    additionalSubsets = Set.copyOf(additionalSubsets);
  }

  static RouteDestinations bySubset(String canarySubset, String stableSubset) {
    return new RouteDestinations(true, canarySubset, stableSubset, Set.of());
  }

  static RouteDestinations byHost(String canaryService, String stableService) {
    return new RouteDestinations(false, canaryService, stableService, Set.of());
  }

  Role roleOf(@org.jspecify.annotations.Nullable Object destination) {
    if (!(destination instanceof java.util.Map<?, ?> d)) {
      return Role.OTHER;
    }
    if (bySubset) {
      Object subset = d.get("subset");
      if (canary.equals(subset)) {
        return Role.CANARY;
      }
      if (stable.equals(subset)) {
        return Role.STABLE;
      }
      return subset != null && additionalSubsets.contains(subset) ? Role.ADDITIONAL : Role.OTHER;
    }
    Object host = d.get("host");
    String shortHost = host == null ? "" : String.valueOf(host);
    int dot = shortHost.indexOf('.');
    if (dot >= 0) {
      shortHost = shortHost.substring(0, dot);
    }
    if (canary.equals(shortHost)) {
      return Role.CANARY;
    }
    return stable.equals(shortHost) ? Role.STABLE : Role.OTHER;
  }

  enum Role {
    CANARY,
    STABLE,
    ADDITIONAL,
    OTHER
  }
}
