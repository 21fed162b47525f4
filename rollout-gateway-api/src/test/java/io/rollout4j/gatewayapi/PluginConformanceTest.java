package io.rollout4j.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.Step;
import io.rollout4j.port.TrafficSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Argo's Gateway API plugin's own end-to-end tests as conformance data: for every route assertion
 * of every test (the HTTPRoute, GRPCRoute, TCPRoute or TLSRoute expected after a step), the route
 * the test applies is edited as the rollout's steps say up to that step, by the same function the
 * port writes with, and must satisfy the assertion.
 */
class PluginConformanceTest {

  static Path chainsaw() {
    String configured = System.getProperty("rollout4j.shared.dir");
    Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    return root.resolve("conformance/gatewayapi-plugin/test/e2e/chainsaw");
  }

  static Stream<Arguments> routeAssertions() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    try (Stream<Path> tests = Files.list(chainsaw())) {
      for (Path test : tests.sorted().toList()) {
        try (Stream<Path> files = Files.list(test.resolve("assertions"))) {
          for (Path file : files.sorted().toList()) {
            if (!file.getFileName().toString().startsWith("rollout-")) {
              cases.add(Arguments.of(test.getFileName().toString(), file.getFileName().toString()));
            }
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("routeAssertions")
  void theRouteAfterEachStepIsWhatThePluginsTestExpects(String test, String assertion) {
    Path dir = chainsaw().resolve(test);
    Rollout rollout =
        Manifests.parseOne(read(dir.resolve("resources/rollout.yaml")), Rollout.class);
    PluginConfig config = PluginConfig.of(rollout);
    Map<String, Object> expected = yaml(read(dir.resolve("assertions/" + assertion))).get(0);
    PluginConfig.RouteRef ref =
        config.routes().stream()
            .filter(r -> r.kind().kind().equals(expected.get("kind")))
            .filter(r -> r.name().equals(name(expected)))
            .findFirst()
            .orElseThrow();
    GenericKubernetesResource route = defaulted(routeResource(dir, ref));
    Set<String> managed = Set.copyOf(config.managedRouteNames());

    // Every state the test goes through up to this one, in order, as the controller writes them.
    for (TrafficSplit split : statesUpTo(rollout, assertion)) {
      GenericKubernetesResource edited =
          GatewayApiMeshPort.edit(route, config, ref, managed, split);
      if (edited != null) {
        route = defaulted(edited);
      }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> actual = Serialization.jsonMapper().convertValue(route, Map.class);
    assertThat(ChainsawAssert.mismatches(expected, actual)).as(actual.toString()).isEmpty();
  }

  /**
   * The splits the rollout goes through until the state the assertion is named after: the initial
   * deploy (weight 0), then each step's, up to {@code canary} (the first setWeight), {@code
   * canary-N} / {@code after-weight-N} (setWeight N), {@code after-first-header}, {@code
   * after-second-header}, {@code with-header-route(s)} (the last setHeaderRoute), {@code
   * with-label} (the first setWeight); {@code after-cleanup} and {@code no-label} end promoted.
   */
  static List<TrafficSplit> statesUpTo(Rollout rollout, String assertion) {
    String state = assertion.replaceFirst("^[a-z]+route-", "").replace(".yaml", "");
    List<Step> steps = rollout.spec().canary().steps();
    List<TrafficSplit> splits = new ArrayList<>();
    splits.add(TrafficSplit.of(0, "a", "a"));
    if (state.equals("initial")) {
      return splits;
    }
    int target = targetStep(steps, state);
    int weight = 0;
    Map<String, TrafficSplit.HeaderRoute> headers = new LinkedHashMap<>();
    for (int i = 0; i < steps.size() && (target < 0 || i <= target); i++) {
      Step step = steps.get(i);
      if (step instanceof Step.SetWeight w) {
        weight = w.weight();
      } else if (step instanceof Step.SetHeaderRoute h) {
        if (h.match().isEmpty()) {
          headers.remove(h.name());
        } else {
          headers.put(h.name(), header(h));
        }
      }
      splits.add(new TrafficSplit(weight, "b", "a", inManagedOrder(rollout, headers), List.of()));
    }
    if (target < 0) {
      splits.add(TrafficSplit.of(0, "b", "b")); // promoted: everything back on the (new) stable
    }
    return splits;
  }

  private static int targetStep(List<Step> steps, String state) {
    if (state.equals("after-cleanup") || state.equals("no-label")) {
      return -1;
    }
    List<Integer> weights = new ArrayList<>();
    List<Integer> headerSteps = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) instanceof Step.SetWeight) {
        weights.add(i);
      }
      if (steps.get(i) instanceof Step.SetHeaderRoute) {
        headerSteps.add(i);
      }
    }
    if (state.equals("canary") || state.equals("with-label")) {
      return weights.get(0);
    }
    if (state.startsWith("canary-") || state.startsWith("after-weight-")) {
      int n = Integer.parseInt(state.substring(state.lastIndexOf('-') + 1));
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i) instanceof Step.SetWeight w && w.weight() == n) {
          return i;
        }
      }
    }
    if (state.equals("after-first-header")) {
      return headerSteps.get(0);
    }
    if (state.equals("after-second-header")) {
      return headerSteps.get(1);
    }
    if (state.startsWith("with-header-route")) {
      return headerSteps.get(headerSteps.size() - 1);
    }
    throw new IllegalArgumentException("no state known for assertion " + state);
  }

  private static TrafficSplit.HeaderRoute header(Step.SetHeaderRoute step) {
    Map<String, Map<String, String>> headers = new TreeMap<>();
    for (Step.HeaderRoutingMatch m : step.match()) {
      Map<String, String> value = new TreeMap<>();
      if (m.headerValue().exact() != null) {
        value.put("exact", m.headerValue().exact());
      }
      if (m.headerValue().regex() != null) {
        value.put("regex", m.headerValue().regex());
      }
      if (m.headerValue().prefix() != null) {
        value.put("prefix", m.headerValue().prefix());
      }
      headers.put(m.headerName(), value);
    }
    return new TrafficSplit.HeaderRoute(String.valueOf(step.name()), headers);
  }

  private static List<TrafficSplit.HeaderRoute> inManagedOrder(
      Rollout rollout, Map<String, TrafficSplit.HeaderRoute> headers) {
    List<TrafficSplit.HeaderRoute> out = new ArrayList<>();
    for (var managed : rollout.spec().canary().trafficRouting().managedRoutes()) {
      if (headers.containsKey(managed.name())) {
        out.add(headers.get(managed.name()));
      }
    }
    return out;
  }

  /**
   * What the API server stores for a written route: the Gateway API CRDs default a backendRef's
   * {@code weight} to 1, which the plugin's assertions on managed rules rely on.
   */
  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource defaulted(GenericKubernetesResource route) {
    Map<String, Object> tree = Serialization.jsonMapper().convertValue(route, Map.class);
    Map<String, Object> spec = (Map<String, Object>) tree.get("spec");
    List<Object> rules = new ArrayList<>();
    for (Object rule : RouteEdits.list(spec.get("rules"))) {
      Map<String, Object> r = new LinkedHashMap<>(RouteEdits.map(rule));
      List<Object> refs = new ArrayList<>();
      for (Object ref : RouteEdits.list(r.get("backendRefs"))) {
        Map<String, Object> b = new LinkedHashMap<>(RouteEdits.map(ref));
        b.putIfAbsent("weight", 1);
        refs.add(b);
      }
      r.put("backendRefs", refs);
      rules.add(r);
    }
    spec.put("rules", rules);
    return Serialization.jsonMapper().convertValue(tree, GenericKubernetesResource.class);
  }

  private static GenericKubernetesResource routeResource(Path dir, PluginConfig.RouteRef ref) {
    try (Stream<Path> files = Files.list(dir.resolve("resources"))) {
      for (Path file : files.sorted().toList()) {
        for (Map<String, Object> doc : yaml(read(file))) {
          if (ref.kind().kind().equals(doc.get("kind")) && ref.name().equals(name(doc))) {
            return Serialization.jsonMapper().convertValue(doc, GenericKubernetesResource.class);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no " + ref.kind().kind() + " " + ref.name() + " in " + dir);
  }

  private static Object name(Map<String, Object> doc) {
    return ((Map<?, ?>) doc.get("metadata")).get("name");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yaml(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(text)) {
      if (doc instanceof Map<?, ?>) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
