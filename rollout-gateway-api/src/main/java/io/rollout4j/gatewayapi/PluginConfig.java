package io.rollout4j.gatewayapi;

import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.TrafficRouting;
import io.rollout4j.port.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A rollout's {@code trafficRouting.plugins["argoproj-labs/gatewayAPI"]}, read as Argo's Gateway
 * API plugin reads it: {@code httpRoute}/{@code httpRoutes}, {@code grpcRoute}/{@code grpcRoutes},
 * {@code tcpRoute}/{@code tcpRoutes}, {@code tlsRoute}/{@code tlsRoutes} (a list entry is {@code
 * {name, useHeaderRoutes}}) and {@code namespace}; fields this port does not need ({@code
 * configMap}, ...) are ignored.
 */
record PluginConfig(
    String namespace,
    List<RouteRef> routes,
    String canaryService,
    String stableService,
    List<String> managedRouteNames) {

  static final String PLUGIN = "argoproj-labs/gatewayAPI";
  static final String FIELD = "spec.strategy.canary.trafficRouting.plugins[" + PLUGIN + "]";

  /** One route the rollout names, and whether its header and mirror routes go there. */
  record RouteRef(RouteKind kind, String name, boolean useHeaderRoutes, String field) {

    /**
     * In Argo's words for a missing object: {@code Invalid value: "x": httproute.<group> "ns/x" not
     * found}.
     */
    String notFound(String namespace) {
      return "Invalid value: \""
          + name
          + "\": "
          + kind.kind().toLowerCase(Locale.ROOT)
          + "."
          + GatewayApiMeshPort.GROUP
          + " \""
          + namespace
          + "/"
          + name
          + "\" not found";
    }

    /** A route that exists but cannot take the split ({@code detail} says which rule and why). */
    String unusable(@Nullable String detail) {
      return "Invalid value: \"" + name + "\": " + kind.kind() + " \"" + name + "\": " + detail;
    }
  }

  static PluginConfig of(Rollout rollout) {
    CanaryStrategy canary = rollout.spec().canary();
    TrafficRouting routing = canary == null ? null : canary.trafficRouting();
    Map<String, Object> plugins = routing == null ? null : routing.plugins();
    Object config = plugins == null ? null : plugins.get(PLUGIN);
    if (canary == null || routing == null || !(config instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "rollout " + rollout.namespace() + "/" + rollout.name() + " has no " + FIELD);
    }
    Object namespace = map.get("namespace");
    String ns =
        namespace instanceof String s && !s.isEmpty() ? s : String.valueOf(rollout.namespace());
    List<RouteRef> routes = new ArrayList<>();
    for (RouteKind kind : RouteKind.values()) {
      Object single = map.get(kind.singleField());
      if (single != null) {
        if (!(single instanceof String name) || name.isEmpty()) {
          throw invalid(kind.singleField(), "expected the name of a " + kind.kind());
        }
        routes.add(new RouteRef(kind, name, true, FIELD + "." + kind.singleField()));
      }
      Object list = map.get(kind.listField());
      if (list != null) {
        if (!(list instanceof List<?> entries)) {
          throw invalid(kind.listField(), "expected a list of {name, useHeaderRoutes}");
        }
        for (int i = 0; i < entries.size(); i++) {
          String field = kind.listField() + "[" + i + "]";
          if (!(entries.get(i) instanceof Map<?, ?> entry)
              || !(entry.get("name") instanceof String name)
              || name.isEmpty()) {
            throw invalid(field + ".name", "expected the name of a " + kind.kind());
          }
          Object header = entry.get("useHeaderRoutes");
          if (header != null && !(header instanceof Boolean)) {
            throw invalid(field + ".useHeaderRoutes", "expected true or false");
          }
          routes.add(new RouteRef(kind, name, Boolean.TRUE.equals(header), FIELD + "." + field));
        }
      }
    }
    if (routes.isEmpty()) {
      throw new InvalidReferenceException(
          FIELD,
          "names no route: expected one of httpRoute(s), grpcRoute(s), tcpRoute(s), tlsRoute(s)");
    }
    String canaryService = canary.canaryService();
    String stableService = canary.stableService();
    if (canaryService == null
        || canaryService.isEmpty()
        || stableService == null
        || stableService.isEmpty()) {
      throw new InvalidReferenceException(
          "spec.strategy.canary",
          "the Gateway API router sends traffic to canaryService and stableService: both are"
              + " required");
    }
    List<String> managed = new ArrayList<>();
    routing.managedRoutes().forEach(r -> managed.add(r.name()));
    return new PluginConfig(ns, List.copyOf(routes), canaryService, stableService, managed);
  }

  private static InvalidReferenceException invalid(String field, String expected) {
    return new InvalidReferenceException(FIELD + "." + field, expected);
  }

  /** Whether a route of this kind takes header and mirror routes (HTTP and gRPC only). */
  static boolean takesManagedRoutes(RouteRef ref) {
    return ref.useHeaderRoutes() && ref.kind().matchesRequests();
  }
}
