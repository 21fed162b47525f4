package io.rollout4j.istio;

import io.rollout4j.model.IstioTrafficRouting;
import io.rollout4j.model.RolloutLabels;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The canary and stable subsets of a DestinationRule's {@code spec}, pointed at pod-template hashes
 * through their {@code rollouts-pod-template-hash} label. Pure: the input is not modified, every
 * other field (host, trafficPolicy, other labels, other subsets) is carried over, and an unchanged
 * rule comes back equal so the caller can skip the write.
 */
final class DestinationRuleSubsets {
  private DestinationRuleSubsets() {}

  /**
   * The spec with the canary subset selecting {@code canaryHash} and the stable subset selecting
   * {@code stableHash}; a null hash removes the label, as Argo does for an empty one.
   *
   * @throws IstioRouteException when either subset is missing from the rule
   */
  static Map<String, Object> withHashes(
      Map<String, ?> spec,
      IstioTrafficRouting.DestinationRule ref,
      @Nullable String canaryHash,
      @Nullable String stableHash) {
    Map<String, Object> copy = VirtualServiceRoutes.JsonTrees.copy(spec);
    List<Object> subsets = VirtualServiceRoutes.JsonTrees.list(copy.get("subsets"));
    Map<String, Object> canary = find(subsets, ref.canarySubsetName(), "Canary");
    Map<String, Object> stable = find(subsets, ref.stableSubsetName(), "Stable");
    label(canary, canaryHash);
    label(stable, stableHash);
    return copy;
  }

  /**
   * Checks that the rule has the canary and stable subsets the rollout names.
   *
   * @throws IstioRouteException naming the missing subset
   */
  static void requireSubsets(Map<String, ?> spec, IstioTrafficRouting.DestinationRule ref) {
    List<Object> subsets = VirtualServiceRoutes.JsonTrees.list(spec.get("subsets"));
    find(subsets, ref.canarySubsetName(), "Canary");
    find(subsets, ref.stableSubsetName(), "Stable");
  }

  /** The hash a subset selects now, or null when it has none. */
  static @Nullable String hashOf(Map<String, ?> spec, String subsetName) {
    for (Object subset : VirtualServiceRoutes.JsonTrees.list(spec.get("subsets"))) {
      Map<String, Object> s = VirtualServiceRoutes.JsonTrees.map(subset);
      if (subsetName.equals(s.get("name"))) {
        Object hash =
            VirtualServiceRoutes.JsonTrees.map(s.get("labels"))
                .get(RolloutLabels.POD_TEMPLATE_HASH);
        return hash == null ? null : String.valueOf(hash);
      }
    }
    return null;
  }

  private static Map<String, Object> find(List<Object> subsets, String name, String role) {
    for (Object subset : subsets) {
      Map<String, Object> s = VirtualServiceRoutes.JsonTrees.map(subset);
      if (name.equals(s.get("name"))) {
        return s;
      }
    }
    throw new IstioRouteException(
        role + " subset '" + name + "' not found in the DestinationRule's spec.subsets");
  }

  private static void label(Map<String, Object> subset, @Nullable String hash) {
    Object existing = subset.get("labels");
    Map<String, Object> labels =
        existing instanceof Map<?, ?>
            ? VirtualServiceRoutes.JsonTrees.map(existing)
            : new java.util.LinkedHashMap<>();
    if (hash == null) {
      labels.remove(RolloutLabels.POD_TEMPLATE_HASH);
    } else {
      labels.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    }
    if (existing != null || !labels.isEmpty()) {
      subset.put("labels", labels);
    }
  }
}
