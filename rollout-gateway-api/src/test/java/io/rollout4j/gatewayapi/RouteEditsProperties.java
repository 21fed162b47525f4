package io.rollout4j.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The route edits on routes of any shape: several rules, some sending to the rollout's Services
 * (with extra backends, matches and filters), some elsewhere.
 */
class RouteEditsProperties {
  private static final String STABLE = "stable";
  private static final String CANARY = "canary";
  private static final Set<String> MANAGED = Set.of("by-header");

  @Provide
  Arbitrary<Map<String, Object>> routes() {
    Arbitrary<Map<String, Object>> weightedRule =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of("/", "/api", "/v1"),
                Arbitraries.of(true, false))
            .as(
                (extra, path, filtered) -> {
                  List<Object> refs = new ArrayList<>();
                  refs.add(new LinkedHashMap<>(Map.of("name", STABLE, "port", 80)));
                  refs.add(new LinkedHashMap<>(Map.of("name", CANARY, "port", 80)));
                  for (int i = 0; i < extra; i++) {
                    refs.add(Map.of("name", "extra-" + i, "port", 80, "weight", 5));
                  }
                  Map<String, Object> rule = new LinkedHashMap<>();
                  rule.put(
                      "matches",
                      List.of(Map.of("path", Map.of("type", "PathPrefix", "value", path))));
                  if (filtered) {
                    rule.put("filters", List.of(Map.of("type", "RequestHeaderModifier")));
                  }
                  rule.put("backendRefs", refs);
                  return rule;
                });
    Arbitrary<Map<String, Object>> otherRule =
        Arbitraries.of("elsewhere", "static")
            .map(
                name ->
                    Map.<String, Object>of(
                        "backendRefs", List.of(Map.of("name", name, "port", 8080))));
    return Combinators.combine(
            weightedRule.list().ofMinSize(1).ofMaxSize(3),
            otherRule.list().ofMaxSize(2),
            Arbitraries.of(true, false))
        .as(
            (weighted, others, othersFirst) -> {
              List<Object> rules = new ArrayList<>();
              if (othersFirst) {
                rules.addAll(others);
                rules.addAll(weighted);
              } else {
                rules.addAll(weighted);
                rules.addAll(others);
              }
              Map<String, Object> spec = new LinkedHashMap<>();
              spec.put("parentRefs", List.of(Map.of("name", "gateway")));
              spec.put("hostnames", List.of("shop.example.com"));
              spec.put("rules", rules);
              return spec;
            });
  }

  private static TrafficSplit split(int weight, boolean header) {
    return new TrafficSplit(
        weight,
        "c",
        "s",
        header
            ? List.of(
                new TrafficSplit.HeaderRoute(
                    "by-header", Map.of("X-Canary", Map.of("exact", "yes"))))
            : List.of(),
        List.of());
  }

  private static Map<String, Object> edit(Map<String, Object> spec, TrafficSplit split) {
    return RouteEdits.withSplit(spec, RouteKind.HTTP, STABLE, CANARY, MANAGED, split, true);
  }

  @Property
  void theRolloutsTwoWeightsAlwaysSumTo100AndAreReadBack(
      @ForAll("routes") Map<String, Object> spec,
      @ForAll @IntRange(max = 100) int weight,
      @ForAll boolean header) {
    Map<String, Object> edited = edit(spec, split(weight, header));

    for (Object rule : RouteEdits.list(edited.get("rules"))) {
      Map<String, Object> r = RouteEdits.map(rule);
      if (RouteEdits.isManaged(r, MANAGED) || !RouteEdits.isWeighted(r, STABLE, CANARY)) {
        continue;
      }
      int sum = 0;
      for (Object ref : RouteEdits.list(r.get("backendRefs"))) {
        Map<String, Object> b = RouteEdits.map(ref);
        if (b.get("name").equals(STABLE) || b.get("name").equals(CANARY)) {
          sum += (Integer) b.get("weight");
        }
      }
      assertThat(sum).isEqualTo(100);
    }
    assertThat(RouteEdits.canaryWeights(edited, STABLE, CANARY, MANAGED)).containsOnly(weight);
  }

  @Property
  void onlyTheRolloutsWeightsAndManagedRulesChange(
      @ForAll("routes") Map<String, Object> spec,
      @ForAll @IntRange(max = 100) int weight,
      @ForAll boolean header) {
    Map<String, Object> edited = edit(spec, split(weight, header));

    assertThat(edited.get("parentRefs")).isEqualTo(spec.get("parentRefs"));
    assertThat(edited.get("hostnames")).isEqualTo(spec.get("hostnames"));
    List<Object> before = RouteEdits.list(spec.get("rules"));
    List<Object> after = RouteEdits.list(edited.get("rules"));
    // The route's own rules keep their place; managed rules follow them.
    for (int i = 0; i < before.size(); i++) {
      Map<String, Object> was = RouteEdits.map(before.get(i));
      Map<String, Object> now = RouteEdits.map(after.get(i));
      assertThat(withoutRolloutWeights(now)).isEqualTo(withoutRolloutWeights(was));
    }
    long weighted =
        before.stream()
            .filter(r -> RouteEdits.isWeighted(RouteEdits.map(r), STABLE, CANARY))
            .count();
    assertThat(after).hasSize(before.size() + (header ? (int) weighted : 0));
  }

  @Property
  void applyingTwiceIsApplyingOnceAndAnotherSplitUndoesTheFirst(
      @ForAll("routes") Map<String, Object> spec,
      @ForAll @IntRange(max = 100) int first,
      @ForAll @IntRange(max = 100) int second,
      @ForAll boolean header) {
    Map<String, Object> once = edit(spec, split(first, header));
    assertThat(edit(once, split(first, header))).isEqualTo(once);
    assertThat(edit(once, split(second, false))).isEqualTo(edit(spec, split(second, false)));
  }

  private static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, deepCopy(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return value;
  }

  private static Map<String, Object> withoutRolloutWeights(Map<String, Object> rule) {
    Map<String, Object> out = new LinkedHashMap<>(rule);
    List<Object> refs = new ArrayList<>();
    for (Object ref : RouteEdits.list(rule.get("backendRefs"))) {
      Map<String, Object> b = new LinkedHashMap<>(RouteEdits.map(ref));
      if (b.get("name").equals(STABLE) || b.get("name").equals(CANARY)) {
        b.remove("weight");
      }
      refs.add(b);
    }
    out.put("backendRefs", refs);
    return out;
  }
}
