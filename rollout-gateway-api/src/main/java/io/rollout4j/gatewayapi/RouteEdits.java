package io.rollout4j.gatewayapi;

import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The edits a rollout makes to a route's {@code spec}, as pure functions over its JSON tree, the
 * way Argo's Gateway API plugin makes them:
 *
 * <ul>
 *   <li>every rule that sends traffic to the stable or canary Service (a <em>weighted rule</em>)
 *       gets the canary's weight on the canary backendRef and the rest on the stable one; other
 *       backendRefs of the rule are left alone;
 *   <li>a header route becomes one rule per weighted rule, named after the route ({@code name},
 *       then {@code name-1}, {@code name-2}, ...), with that rule's matches plus the route's
 *       headers and the canary Service as its only backend; a mirror route (HTTPRoute only) a rule
 *       with its matches that goes to stable and mirrors to the canary; managed rules follow the
 *       route's own rules;
 *   <li>nothing else changes: other rules, fields, filters and backends stay as they are.
 * </ul>
 *
 * The input is never modified.
 */
final class RouteEdits {
  private RouteEdits() {}

  /** Gateway API's weight when a backendRef has none. */
  static final int DEFAULT_WEIGHT = 1;

  /** A route's spec with the split's weights and managed rules. */
  static Map<String, Object> withSplit(
      Map<String, Object> spec,
      RouteKind kind,
      String stable,
      String canary,
      Set<String> managedNames,
      TrafficSplit split,
      boolean managedRoutes) {
    List<Object> rules = new ArrayList<>();
    List<Map<String, Object>> weighted = new ArrayList<>();
    List<Object> given = list(spec.get("rules"));
    for (int i = 0; i < given.size(); i++) {
      Object rule = given.get(i);
      Map<String, Object> r = map(rule);
      if (isManaged(r, managedNames)) {
        continue; // re-made below from the split
      }
      if (isWeighted(r, stable, canary)) {
        boolean toStable = sendsTo(r, stable);
        if (!toStable || !sendsTo(r, canary)) {
          throw new RouteException(
              "rules["
                  + i
                  + "] has a backendRef to the "
                  + (toStable ? "stable Service \"" + stable : "canary Service \"" + canary)
                  + "\" but none to the "
                  + (toStable ? "canary Service \"" + canary : "stable Service \"" + stable)
                  + "\"");
        }
        Map<String, Object> edited = withWeight(r, stable, canary, split.canaryWeight());
        weighted.add(edited);
        rules.add(edited);
      } else {
        rules.add(rule);
      }
    }
    if (weighted.isEmpty()) {
      throw new RouteException(
          "no rule has a backendRef to the stable Service \""
              + stable
              + "\" or the canary Service \""
              + canary
              + "\"");
    }
    if (managedRoutes) {
      for (TrafficSplit.HeaderRoute header : split.headerRoutes()) {
        for (int i = 0; i < weighted.size(); i++) {
          rules.add(headerRule(kind, header, weighted.get(i), i, canary));
        }
      }
      if (kind == RouteKind.HTTP) {
        for (TrafficSplit.MirrorRoute mirror : split.mirrorRoutes()) {
          rules.add(mirrorRule(mirror, weighted.get(0), stable, canary));
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>(spec);
    out.put("rules", rules);
    return out;
  }

  /**
   * The canary weight of every weighted rule, as a share of the stable and canary weights in
   * percent (Gateway API's default weight 1 for a backendRef without one).
   */
  static List<Integer> canaryWeights(
      Map<String, Object> spec, String stable, String canary, Set<String> managedNames) {
    List<Integer> weights = new ArrayList<>();
    for (Object rule : list(spec.get("rules"))) {
      Map<String, Object> r = map(rule);
      if (isManaged(r, managedNames) || !isWeighted(r, stable, canary)) {
        continue;
      }
      int canaryWeight = 0;
      int stableWeight = 0;
      for (Object ref : list(r.get("backendRefs"))) {
        Map<String, Object> b = map(ref);
        int w = b.get("weight") instanceof Number n ? n.intValue() : DEFAULT_WEIGHT;
        if (canary.equals(b.get("name"))) {
          canaryWeight += w;
        } else if (stable.equals(b.get("name"))) {
          stableWeight += w;
        }
      }
      int total = canaryWeight + stableWeight;
      weights.add(total == 0 ? 0 : (int) Math.round(100.0 * canaryWeight / total));
    }
    return weights;
  }

  /**
   * The header routes present in the spec, in {@code managedNames} order: a route counts only when
   * its rule for every weighted rule is there; its headers are those its first rule adds to the
   * first weighted rule's first match.
   */
  static List<TrafficSplit.HeaderRoute> headerRoutes(
      Map<String, Object> spec, String stable, String canary, List<String> managedNames) {
    List<Map<String, Object>> weighted = new ArrayList<>();
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Object rule : list(spec.get("rules"))) {
      Map<String, Object> r = map(rule);
      if (r.get("name") instanceof String name) {
        byName.put(name, r);
      }
      if (!isManaged(r, Set.copyOf(managedNames)) && isWeighted(r, stable, canary)) {
        weighted.add(r);
      }
    }
    List<TrafficSplit.HeaderRoute> routes = new ArrayList<>();
    for (String name : managedNames) {
      Map<String, Object> first = byName.get(name);
      // A header route's rules send everything to the canary (a mirror route's go to stable).
      if (first == null
          || weighted.isEmpty()
          || !canary.equals(
              map(list(first.get("backendRefs")).stream().findFirst().orElse(null)).get("name"))) {
        continue;
      }
      boolean complete = true;
      for (int i = 1; i < weighted.size(); i++) {
        complete &= byName.containsKey(name + "-" + i);
      }
      if (!complete) {
        continue;
      }
      List<Object> own = headersOfFirstMatch(weighted.get(0));
      Map<String, Map<String, String>> headers = new TreeMap<>();
      for (Object h : headersOfFirstMatch(first)) {
        if (own.contains(h)) {
          continue;
        }
        Map<String, Object> header = map(h);
        headers.put(String.valueOf(header.get("name")), stringMatch(header));
      }
      if (!headers.isEmpty()) {
        routes.add(new TrafficSplit.HeaderRoute(name, headers));
      }
    }
    return routes;
  }

  /**
   * The mirror routes present in the spec, in {@code managedNames} order, as the engine describes
   * them: a rule with that name that goes to the stable Service and mirrors to the canary.
   */
  static List<TrafficSplit.MirrorRoute> mirrorRoutes(
      Map<String, Object> spec, String stable, String canary, List<String> managedNames) {
    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Object rule : list(spec.get("rules"))) {
      Map<String, Object> r = map(rule);
      if (r.get("name") instanceof String name) {
        byName.put(name, r);
      }
    }
    List<TrafficSplit.MirrorRoute> routes = new ArrayList<>();
    for (String name : managedNames) {
      Map<String, Object> rule = byName.get(name);
      if (rule == null) {
        continue;
      }
      List<Object> refs = list(rule.get("backendRefs"));
      Map<String, Object> mirror = null;
      for (Object f : list(rule.get("filters"))) {
        if ("RequestMirror".equals(map(f).get("type"))) {
          mirror = map(map(f).get("requestMirror"));
        }
      }
      if (mirror == null
          || refs.size() != 1
          || !stable.equals(map(refs.get(0)).get("name"))
          || !canary.equals(map(mirror.get("backendRef")).get("name"))) {
        continue;
      }
      List<Map<String, Object>> match = new ArrayList<>();
      for (Object m : list(rule.get("matches"))) {
        Map<String, Object> given = map(m);
        Map<String, Object> entry = new LinkedHashMap<>();
        if (given.get("method") instanceof String method) {
          entry.put("method", Map.of("exact", method));
        }
        if (!map(given.get("path")).isEmpty()) {
          entry.put("path", stringMatch(map(given.get("path"))));
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Object h : list(given.get("headers"))) {
          headers.put(String.valueOf(map(h).get("name")), stringMatch(map(h)));
        }
        if (!headers.isEmpty()) {
          entry.put("headers", headers);
        }
        match.add(entry);
      }
      int percent = mirror.get("percent") instanceof Number n ? n.intValue() : 100;
      routes.add(new TrafficSplit.MirrorRoute(name, match, percent));
    }
    return routes;
  }

  /**
   * A Gateway API match ({@code type}, {@code value}) as Argo's string match: {@code Exact} →
   * exact, {@code PathPrefix} → prefix, a regular expression this class wrote for a prefix →
   * prefix, any other → regex.
   */
  private static Map<String, String> stringMatch(Map<String, Object> match) {
    String type = match.get("type") instanceof String t ? t : "Exact";
    String value = String.valueOf(match.get("value"));
    if (type.equals("PathPrefix")) {
      return Map.of("prefix", value);
    }
    if (type.equals("RegularExpression")) {
      String prefix = quotedPrefix(value);
      return prefix != null ? Map.of("prefix", prefix) : Map.of("regex", value);
    }
    return Map.of("exact", value);
  }

  /** The prefix of {@code ^\Q...\E.*}, as {@link #prefixPattern} writes it; null otherwise. */
  private static @Nullable String quotedPrefix(String regex) {
    if (!regex.startsWith("^\\Q") || !regex.endsWith("\\E.*")) {
      return null;
    }
    String inner = regex.substring(3, regex.length() - 4);
    return inner.contains("\\E") ? null : inner;
  }

  /** A regular expression matching every value that starts with {@code prefix}. */
  private static String prefixPattern(String prefix) {
    return "^" + Pattern.quote(prefix) + ".*";
  }

  // ---------------------------------------------------------------- rules

  private static Map<String, Object> withWeight(
      Map<String, Object> rule, String stable, String canary, int canaryWeight) {
    List<Object> refs = new ArrayList<>();
    for (Object ref : list(rule.get("backendRefs"))) {
      Map<String, Object> b = map(ref);
      Object name = b.get("name");
      if (canary.equals(name) || stable.equals(name)) {
        Map<String, Object> edited = new LinkedHashMap<>(b);
        edited.put("weight", canary.equals(name) ? canaryWeight : 100 - canaryWeight);
        refs.add(edited);
      } else {
        refs.add(ref);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>(rule);
    out.put("backendRefs", refs);
    return out;
  }

  private static Map<String, Object> headerRule(
      RouteKind kind,
      TrafficSplit.HeaderRoute route,
      Map<String, Object> source,
      int index,
      String canary) {
    List<Object> added = new ArrayList<>();
    route
        .headers()
        .forEach(
            (name, value) -> {
              Map<String, Object> match = new LinkedHashMap<>();
              match.put("name", name);
              if (value.containsKey("exact")) {
                match.put("type", "Exact");
                match.put("value", value.get("exact"));
              } else if (value.containsKey("regex")) {
                match.put("type", "RegularExpression");
                match.put("value", value.get("regex"));
              } else {
                // Gateway API has no prefix match for headers: a regular expression anchored at
                // the start says the same.
                match.put("type", "RegularExpression");
                match.put("value", prefixPattern(value.getOrDefault("prefix", "")));
              }
              added.add(match);
            });
    List<Object> matches = new ArrayList<>();
    List<Object> sourceMatches = list(source.get("matches"));
    if (sourceMatches.isEmpty()) {
      matches.add(Map.of("headers", added));
    } else {
      for (Object m : sourceMatches) {
        Map<String, Object> match = new LinkedHashMap<>(map(m));
        List<Object> headers = new ArrayList<>(list(match.get("headers")));
        headers.addAll(added);
        match.put("headers", headers);
        matches.add(match);
      }
    }
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("name", index == 0 ? route.name() : route.name() + "-" + index);
    rule.put("matches", matches);
    rule.put("backendRefs", List.of(refTo(source, canary)));
    if (source.get("filters") != null) {
      rule.put("filters", source.get("filters")); // the plugin keeps the rule's filters
    }
    return rule;
  }

  private static Map<String, Object> mirrorRule(
      TrafficSplit.MirrorRoute route, Map<String, Object> source, String stable, String canary) {
    List<Object> matches = new ArrayList<>();
    for (Map<String, Object> m : route.match()) {
      Map<String, Object> match = new LinkedHashMap<>();
      if (map(m.get("method")).get("exact") instanceof String method) {
        match.put("method", method);
      }
      Map<String, Object> path = map(m.get("path"));
      if (!path.isEmpty()) {
        String type =
            path.containsKey("exact")
                ? "Exact"
                : path.containsKey("prefix") ? "PathPrefix" : "RegularExpression";
        Object value =
            path.containsKey("exact")
                ? path.get("exact")
                : path.containsKey("prefix") ? path.get("prefix") : path.get("regex");
        match.put("path", Map.of("type", type, "value", String.valueOf(value)));
      }
      List<Object> headers = new ArrayList<>();
      map(m.get("headers"))
          .forEach(
              (name, value) -> {
                Map<String, Object> v = map(value);
                boolean exact = v.containsKey("exact");
                headers.add(
                    Map.of(
                        "name",
                        name,
                        "type",
                        exact ? "Exact" : "RegularExpression",
                        "value",
                        String.valueOf(
                            exact
                                ? v.get("exact")
                                : v.containsKey("regex")
                                    ? v.get("regex")
                                    : prefixPattern(String.valueOf(v.get("prefix"))))));
              });
      if (!headers.isEmpty()) {
        match.put("headers", headers);
      }
      matches.add(match);
    }
    Map<String, Object> mirrored = new LinkedHashMap<>(refTo(source, canary));
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("name", route.name());
    if (!matches.isEmpty()) {
      rule.put("matches", matches);
    }
    rule.put(
        "filters",
        List.of(
            Map.of(
                "type",
                "RequestMirror",
                "requestMirror",
                Map.of("backendRef", mirrored, "percent", route.percentage()))));
    rule.put("backendRefs", List.of(refTo(source, stable)));
    return rule;
  }

  /** The rule's backendRef to {@code service} without its weight (name, namespace, port, ...). */
  private static Map<String, Object> refTo(Map<String, Object> rule, String service) {
    for (Object ref : list(rule.get("backendRefs"))) {
      Map<String, Object> b = map(ref);
      if (service.equals(b.get("name"))) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String field : List.of("group", "kind", "name", "namespace", "port")) {
          if (b.containsKey(field)) {
            out.put(field, b.get(field));
          }
        }
        return out;
      }
    }
    return Map.of("name", service);
  }

  private static List<Object> headersOfFirstMatch(Map<String, Object> rule) {
    List<Object> matches = list(rule.get("matches"));
    return matches.isEmpty() ? List.of() : list(map(matches.get(0)).get("headers"));
  }

  /** A rule is the rollout's when it bears a managed route's name (or a numbered copy of it). */
  static boolean isManaged(Map<String, Object> rule, Set<String> managedNames) {
    if (!(rule.get("name") instanceof String name)) {
      return false;
    }
    if (managedNames.contains(name)) {
      return true;
    }
    int dash = name.lastIndexOf('-');
    return dash > 0
        && managedNames.contains(name.substring(0, dash))
        && name.substring(dash + 1).chars().allMatch(Character::isDigit)
        && dash < name.length() - 1;
  }

  private static boolean sendsTo(Map<String, Object> rule, String service) {
    for (Object ref : list(rule.get("backendRefs"))) {
      if (service.equals(map(ref).get("name"))) {
        return true;
      }
    }
    return false;
  }

  static boolean isWeighted(Map<String, Object> rule, String stable, String canary) {
    for (Object ref : list(rule.get("backendRefs"))) {
      Object name = map(ref).get("name");
      if (stable.equals(name) || canary.equals(name)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- JSON trees

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(@Nullable Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(@Nullable Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  /** A route that cannot take the rollout's split: the message says what is wrong with it. */
  static final class RouteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RouteException(String message) {
      super(message);
    }
  }
}
