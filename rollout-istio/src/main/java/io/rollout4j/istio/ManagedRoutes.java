package io.rollout4j.istio;

import io.rollout4j.istio.VirtualServiceRoutes.JsonTrees;
import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The header and mirror routes a rollout adds to a VirtualService's {@code spec.http} (Argo's
 * managedRoutes, as Argo's Istio reconciler does in SetHeaderRoute and SetMirrorRoute), written and
 * read back as pure functions over the JSON tree. Managed routes come first, in {@code
 * managedRoutes} order; the user's routes follow in their own order, untouched.
 */
final class ManagedRoutes {
  private ManagedRoutes() {}

  /**
   * Replaces every route named in {@code managedNames} in {@code spec.http} (modified in place) by
   * the header and mirror routes {@code split} asks for.
   *
   * @param weighted the route whose destinations the setWeight step moves (mirror routes copy its
   *     destinations and weights, header routes its port); null when this VirtualService has no
   *     HTTP route the rollout sets weights on, in which case managed routes are only removed
   * @param canaryDestination {@code host} (and {@code subset} in subset mode) of the canary
   */
  static void apply(
      Map<String, Object> spec,
      List<String> managedNames,
      TrafficSplit split,
      @Nullable Map<String, Object> weighted,
      Map<String, Object> canaryDestination) {
    if (managedNames.isEmpty() || !(spec.get("http") instanceof List<?>)) {
      return;
    }
    List<Object> userRoutes = new ArrayList<>();
    for (Object route : JsonTrees.list(spec.get("http"))) {
      if (!managedNames.contains(String.valueOf(JsonTrees.map(route).get("name")))) {
        userRoutes.add(route);
      }
    }
    List<Object> http = new ArrayList<>();
    if (weighted != null) {
      Map<String, Object> destination = withPort(canaryDestination, weighted);
      for (String name : managedNames) {
        for (TrafficSplit.HeaderRoute header : split.headerRoutes()) {
          if (header.name().equals(name)) {
            http.add(headerRoute(header, destination));
          }
        }
        for (TrafficSplit.MirrorRoute mirror : split.mirrorRoutes()) {
          if (mirror.name().equals(name)) {
            http.add(mirrorRoute(mirror, destination, weighted));
          }
        }
      }
    }
    http.addAll(userRoutes);
    spec.put("http", http);
  }

  /** Header routes present in {@code spec.http}, in {@code managedNames} order. */
  static List<TrafficSplit.HeaderRoute> headerRoutes(
      Map<String, ?> spec, List<String> managedNames) {
    List<TrafficSplit.HeaderRoute> out = new ArrayList<>();
    for (Map<String, Object> route : managed(spec, managedNames)) {
      if (route.containsKey("mirror")) {
        continue;
      }
      Map<String, Map<String, String>> headers = new TreeMap<>();
      for (Object match : JsonTrees.list(route.get("match"))) {
        JsonTrees.map(JsonTrees.map(match).get("headers"))
            .forEach((header, value) -> headers.put(header, strings(value)));
      }
      out.add(new TrafficSplit.HeaderRoute(String.valueOf(route.get("name")), headers));
    }
    return out;
  }

  /** Mirror routes present in {@code spec.http}, in {@code managedNames} order. */
  static List<TrafficSplit.MirrorRoute> mirrorRoutes(
      Map<String, ?> spec, List<String> managedNames) {
    List<TrafficSplit.MirrorRoute> out = new ArrayList<>();
    for (Map<String, Object> route : managed(spec, managedNames)) {
      if (!route.containsKey("mirror")) {
        continue;
      }
      List<Map<String, Object>> match = new ArrayList<>();
      for (Object m : JsonTrees.list(route.get("match"))) {
        Map<String, Object> entry = new LinkedHashMap<>();
        JsonTrees.map(m).forEach((k, v) -> entry.put(k.equals("uri") ? "path" : k, v));
        match.add(entry);
      }
      Object value = JsonTrees.map(route.get("mirrorPercentage")).get("value");
      int percentage = value instanceof Number n ? (int) Math.round(n.doubleValue()) : 100;
      out.add(new TrafficSplit.MirrorRoute(String.valueOf(route.get("name")), match, percentage));
    }
    return out;
  }

  private static List<Map<String, Object>> managed(Map<String, ?> spec, List<String> names) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Object route : JsonTrees.list(spec.get("http"))) {
      Map<String, Object> r = JsonTrees.map(route);
      Object name = r.get("name");
      if (name != null && names.contains(String.valueOf(name))) {
        byName.putIfAbsent(String.valueOf(name), r);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> route = byName.get(name);
      if (route != null) {
        out.add(route);
      }
    }
    return out;
  }

  private static Map<String, Object> headerRoute(
      TrafficSplit.HeaderRoute header, Map<String, Object> destination) {
    List<Object> match = new ArrayList<>();
    // One match block per header: Istio ORs match blocks, as Argo's header routes do.
    header.headers().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Map<String, Object> headers = new LinkedHashMap<>();
              headers.put(e.getKey(), new TreeMap<>(e.getValue()));
              match.add(Map.of("headers", headers));
            });
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("destination", JsonTrees.copy(destination));
    target.put("weight", 100);
    Map<String, Object> route = new LinkedHashMap<>();
    route.put("name", header.name());
    route.put("match", match);
    route.put("route", List.of(target));
    return JsonTrees.copy(route);
  }

  private static Map<String, Object> mirrorRoute(
      TrafficSplit.MirrorRoute mirror,
      Map<String, Object> destination,
      Map<String, Object> weighted) {
    List<Object> match = new ArrayList<>();
    for (Map<String, Object> m : mirror.match()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      m.forEach((k, v) -> entry.put(k.equals("path") ? "uri" : k, v));
      match.add(entry);
    }
    Map<String, Object> route = new LinkedHashMap<>();
    route.put("name", mirror.name());
    route.put("match", match);
    route.put("route", JsonTrees.list(JsonTrees.copy(weighted).get("route")));
    route.put("mirror", JsonTrees.copy(destination));
    route.put("mirrorPercentage", Map.of("value", mirror.percentage()));
    return JsonTrees.copy(route);
  }

  private static Map<String, Object> withPort(
      Map<String, Object> destination, Map<String, Object> weighted) {
    Map<String, Object> out = JsonTrees.copy(destination);
    List<Object> targets = JsonTrees.list(weighted.get("route"));
    if (!targets.isEmpty()) {
      Object port = JsonTrees.map(JsonTrees.map(targets.get(0)).get("destination")).get("port");
      Object number = JsonTrees.map(port).get("number");
      if (number != null) {
        out.put("port", Map.of("number", number));
      }
    }
    return out;
  }

  private static Map<String, String> strings(@Nullable Object value) {
    Map<String, String> out = new TreeMap<>();
    JsonTrees.map(value).forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }
}
