package io.rollout4j.istio;

import io.rollout4j.model.IstioTrafficRouting;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Weights in a VirtualService's {@code spec}, as pure functions over its JSON tree: which HTTP, TLS
 * and TCP routes a rollout manages (Argo's route selection), the weights written into them, and the
 * weight read back. Everything else in the spec (matches, retries, timeouts, fault injection, other
 * routes, field order) is carried over untouched.
 */
final class VirtualServiceRoutes {
  private VirtualServiceRoutes() {}

  /** A managed route: its section ({@code http}, {@code tls}, {@code tcp}) and index. */
  record Selected(String section, int index) {
    /** The route itself, in {@code spec} (a view: changes to it change the spec). */
    Map<String, Object> route(Map<String, ?> spec) {
      return JsonTrees.map(JsonTrees.list(spec.get(section)).get(index));
    }

    /**
     * The route's destinations, after checking it has the canary and stable ones and nothing the
     * rollout would have to delete.
     */
    List<Object> checkedTargets(Map<String, ?> spec, RouteDestinations destinations) {
      Map<String, Object> route = route(spec);
      List<Object> targets = JsonTrees.list(route.get("route"));
      Object name = route.get("name");
      check(
          targets,
          destinations,
          section + "[" + index + "]" + (name == null ? "" : " '" + name + "'"));
      return targets;
    }
  }

  /**
   * The spec with {@code canaryWeight} on the canary destination and the rest (less any additional
   * subsets' weights, never below 0) on the stable one, in every route the rollout manages. The
   * input is not modified; an unchanged spec comes back equal to it, so a caller can skip the
   * write.
   *
   * @param managedRouteNames names of header and mirror routes the rollout itself creates, which
   *     never count as the user's route
   * @throws IstioRouteException when a route or destination the rollout needs is missing, or a
   *     managed route has a destination that is neither canary, stable nor an additional subset
   */
  static Map<String, Object> withCanaryWeight(
      Map<String, ?> spec,
      IstioTrafficRouting.VirtualService ref,
      RouteDestinations destinations,
      int canaryWeight,
      Set<String> managedRouteNames) {
    if (canaryWeight < 0 || canaryWeight > 100) {
      throw new IllegalArgumentException("canary weight must be 0..100, was " + canaryWeight);
    }
    Map<String, Object> copy = JsonTrees.copy(spec);
    for (Selected selected : select(copy, ref, managedRouteNames)) {
      List<Object> targets = selected.checkedTargets(copy, destinations);
      int additional = 0;
      for (Object target : targets) {
        Map<String, Object> t = JsonTrees.map(target);
        if (destinations.roleOf(t.get("destination")) == RouteDestinations.Role.ADDITIONAL) {
          additional += weightOf(t);
        }
      }
      int stableWeight = Math.max(0, 100 - canaryWeight - additional);
      for (Object target : targets) {
        Map<String, Object> t = JsonTrees.map(target);
        switch (destinations.roleOf(t.get("destination"))) {
          case CANARY -> setWeight(t, canaryWeight);
          case STABLE -> setWeight(t, stableWeight);
          default -> {}
        }
      }
    }
    return copy;
  }

  /**
   * The canary weight of every route the rollout manages, in selection order, after checking each
   * route has both destinations and nothing else it would have to delete.
   *
   * @throws IstioRouteException when a route or destination the rollout needs is missing
   */
  static List<Integer> canaryWeights(
      Map<String, ?> spec,
      IstioTrafficRouting.VirtualService ref,
      RouteDestinations destinations,
      Set<String> managedRouteNames) {
    List<Integer> weights = new ArrayList<>();
    for (Selected selected : select(spec, ref, managedRouteNames)) {
      for (Object target : selected.checkedTargets(spec, destinations)) {
        Map<String, Object> t = JsonTrees.map(target);
        if (destinations.roleOf(t.get("destination")) == RouteDestinations.Role.CANARY) {
          weights.add(weightOf(t));
          break;
        }
      }
    }
    return weights;
  }

  /**
   * Argo's route selection ({@code getHttpRouteIndexesToPatch} and its TLS/TCP twins), never empty.
   */
  static List<Selected> select(
      Map<String, ?> spec, IstioTrafficRouting.VirtualService ref, Set<String> managedRouteNames) {
    List<Object> http = JsonTrees.list(spec.get("http"));
    List<Object> tls = JsonTrees.list(spec.get("tls"));
    List<Object> tcp = JsonTrees.list(spec.get("tcp"));
    if (http.isEmpty() && tls.isEmpty() && tcp.isEmpty()) {
      throw new IstioRouteException(
          "Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService");
    }
    List<Selected> out = new ArrayList<>();
    boolean httpManaged =
        !ref.routes().isEmpty() || (ref.tlsRoutes().isEmpty() && ref.tcpRoutes().isEmpty());
    // As in Argo, a kind of route the VirtualService has no section for is skipped (Argo's own
    // TLS-only example names an HTTP route); a selection that finds nothing at all is an error.
    if (httpManaged && spec.get("http") instanceof List<?>) {
      if (ref.routes().isEmpty()) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < http.size(); i++) {
          Object name = JsonTrees.map(http.get(i)).get("name");
          if (name == null || !managedRouteNames.contains(String.valueOf(name))) {
            candidates.add(i);
          }
        }
        if (candidates.size() != 1) {
          throw new IstioRouteException(
              "spec.http[] should be set in VirtualService and it must have exactly one route when"
                  + " omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes");
        }
        out.add(new Selected("http", candidates.get(0)));
      } else {
        for (String name : ref.routes()) {
          int index = -1;
          for (int i = 0; i < http.size(); i++) {
            if (name.equals(JsonTrees.map(http.get(i)).get("name"))) {
              index = i;
              break;
            }
          }
          if (index < 0) {
            throw new IstioRouteException(
                "HTTP Route '" + name + "' is not found in the defined Virtual Service.");
          }
          out.add(new Selected("http", index));
        }
      }
    }
    for (IstioTrafficRouting.TlsRoute wanted :
        spec.get("tls") instanceof List<?>
            ? ref.tlsRoutes()
            : List.<IstioTrafficRouting.TlsRoute>of()) {
      List<Integer> matches = matching(tls, wanted.port(), wanted.sniHosts());
      if (matches.isEmpty()) {
        throw new IstioRouteException(
            "No matching TLS routes found in the defined Virtual Service.");
      }
      matches.forEach(i -> out.add(new Selected("tls", i)));
    }
    for (IstioTrafficRouting.TcpRoute wanted :
        spec.get("tcp") instanceof List<?>
            ? ref.tcpRoutes()
            : List.<IstioTrafficRouting.TcpRoute>of()) {
      List<Integer> matches = matching(tcp, wanted.port(), List.of());
      if (matches.isEmpty()) {
        throw new IstioRouteException(
            "No matching TCP routes found in the defined Virtual Service.");
      }
      matches.forEach(i -> out.add(new Selected("tcp", i)));
    }
    if (out.isEmpty()) {
      throw new IstioRouteException(
          "None of the routes the rollout names (routes, tlsRoutes, tcpRoutes) is in the defined"
              + " Virtual Service.");
    }
    return out;
  }

  /**
   * TLS and TCP routes whose match blocks name exactly one distinct port, equal to {@code port},
   * and (TLS) whose SNI hosts are exactly {@code sniHosts} in any order.
   */
  private static List<Integer> matching(
      List<Object> routes, @Nullable Long port, List<String> sniHosts) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      Set<Long> ports = new HashSet<>();
      Set<String> snis = new HashSet<>();
      for (Object match : JsonTrees.list(JsonTrees.map(routes.get(i)).get("match"))) {
        Map<String, Object> m = JsonTrees.map(match);
        if (m.get("port") instanceof Number n) {
          ports.add(n.longValue());
        }
        JsonTrees.list(m.get("sniHosts")).forEach(h -> snis.add(String.valueOf(h)));
      }
      boolean portMatches = port == null || (ports.size() == 1 && ports.contains(port));
      boolean sniMatches = sniHosts.isEmpty() || snis.equals(new HashSet<>(sniHosts));
      if (portMatches && sniMatches) {
        out.add(i);
      }
    }
    return out;
  }

  private static void check(List<Object> targets, RouteDestinations destinations, String route) {
    boolean canary = false;
    boolean stable = false;
    for (Object target : targets) {
      Object destination = JsonTrees.map(target).get("destination");
      switch (destinations.roleOf(destination)) {
        case CANARY -> canary = true;
        case STABLE -> stable = true;
        case ADDITIONAL -> {}
        case OTHER ->
            // Argo deletes such a destination; a route the user wrote is not ours to shrink.
            throw new IstioRouteException(
                "Route "
                    + route
                    + " has destination "
                    + describe(destination)
                    + ", which is neither the canary nor the stable"
                    + (destinations.bySubset()
                        ? " subset; list it in destinationRule.additionalSubsetNames or remove it"
                        : " Service; remove it from the route"));
      }
    }
    String kind = destinations.bySubset() ? "DestinationRule subset" : "Service";
    if (!canary) {
      throw new IstioRouteException(
          "Canary " + kind + " '" + destinations.canary() + "' not found in route");
    }
    if (!stable) {
      throw new IstioRouteException(
          "Stable " + kind + " '" + destinations.stable() + "' not found in route");
    }
  }

  private static String describe(@Nullable Object destination) {
    Map<String, Object> d = JsonTrees.map(destination);
    return "'"
        + d.get("host")
        + (d.get("subset") == null ? "" : "' subset '" + d.get("subset"))
        + "'";
  }

  private static int weightOf(Map<String, Object> target) {
    return target.get("weight") instanceof Number n ? n.intValue() : 0;
  }

  private static void setWeight(Map<String, Object> target, int weight) {
    if (!Objects.equals(target.get("weight"), weight)) {
      target.put("weight", weight);
    }
  }

  /** Mutable deep copies of JSON trees and lenient views of their nodes. */
  static final class JsonTrees {
    private JsonTrees() {}

    static Map<String, Object> copy(Map<String, ?> tree) {
      Map<String, Object> out = new LinkedHashMap<>();
      tree.forEach((k, v) -> out.put(k, copyValue(v)));
      return out;
    }

    private static @Nullable Object copyValue(@Nullable Object value) {
      if (value instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), copyValue(v)));
        return out;
      }
      if (value instanceof List<?> l) {
        List<Object> out = new ArrayList<>();
        l.forEach(v -> out.add(copyValue(v)));
        return out;
      }
      return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(@Nullable Object node) {
      return node instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(@Nullable Object node) {
      return node instanceof List<?> l ? (List<Object>) l : new ArrayList<>();
    }
  }
}
