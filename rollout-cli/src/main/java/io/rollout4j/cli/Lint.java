package io.rollout4j.cli;

import io.rollout4j.engine.RolloutEngine;
import io.rollout4j.gatewayapi.GatewayApiReferences;
import io.rollout4j.istio.IstioReferences;
import io.rollout4j.manifest.Problem;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.Step;
import io.rollout4j.model.TrafficRouting;
import io.rollout4j.port.MeshPort;
import io.rollout4j.port.TrafficSplit;
import io.rollout4j.testkit.RolloutHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every problem in a set of manifests: what the manifest reader and Argo's validation find in each
 * file, objects defined twice, and the references between files resolved as the controller resolves
 * them before it moves anything (workloadRef target, Services, AnalysisTemplates and their
 * arguments, VirtualService routes and DestinationRule subsets). Features Argo Rollouts runs and
 * Rollout4j does not are warnings: the manifest is valid, but Rollout4j would leave it alone.
 */
final class Lint {
  private static final Set<String> ROUTERS = Set.of("istio", GatewayApiReferences.PLUGIN);

  /** How a reference to an object that is not under the given paths counts. */
  enum MissingReferences {
    ERROR,
    WARNING,
    IGNORE
  }

  private Lint() {}

  static List<Finding> run(ManifestSet set, MissingReferences missing) {
    List<Finding> findings = new ArrayList<>(set.findings());
    for (ManifestSet.Source source : set.sources()) {
      for (Problem p : source.checked().problems()) {
        findings.add(set.finding(source, p));
      }
    }
    List<ManifestSet.Item> items = set.items();
    RolloutHarness harness = RolloutHarness.create();
    set.applyTo(harness);
    RolloutEngine engine =
        new RolloutEngine(harness.cluster(), new NoMesh(), harness.metrics(), harness.clock());
    for (ManifestSet.Item item : items) {
      if (!(item.resource() instanceof Rollout declared)) {
        continue;
      }
      Rollout rollout = harness.rollout(item.namespace(), String.valueOf(declared.name()));
      if (hasErrors(item)) {
        continue; // the spec itself is invalid; its references would only repeat that
      }
      unsupported(item, declared, findings);
      if (missing == MissingReferences.IGNORE) {
        continue;
      }
      Finding.Severity severity =
          missing == MissingReferences.ERROR ? Finding.Severity.ERROR : Finding.Severity.WARNING;
      List<Problem> problems = new ArrayList<>(engine.referenceProblems(rollout));
      problems.addAll(
          IstioReferences.problems(
              rollout, (kind, ns, name) -> spec(items, "networking.istio.io/", kind, ns, name)));
      problems.addAll(
          GatewayApiReferences.problems(
              rollout,
              (kind, ns, name) -> spec(items, GatewayApiReferences.GROUP + "/", kind, ns, name)));
      for (Problem p : problems) {
        findings.add(ManifestSet.finding(item, severity, "references", p.path(), p.message()));
      }
    }
    return findings.stream().sorted(Finding.ORDER).toList();
  }

  private static boolean hasErrors(ManifestSet.Item item) {
    int document = item.placed().document();
    String prefix = item.placed().path();
    return item.source().checked().problems().stream()
        .anyMatch(
            p ->
                p.isError()
                    && p.document() == document
                    && (prefix.isEmpty()
                        || p.path().equals(prefix)
                        || p.path().startsWith(prefix + ".")));
  }

  private static void unsupported(ManifestSet.Item item, Rollout rollout, List<Finding> out) {
    if (!(rollout.spec().strategy() instanceof CanaryStrategy canary)) {
      return;
    }
    String base = "spec.strategy.canary";
    TrafficRouting routing = canary.trafficRouting();
    if (routing != null) {
      for (String router : routing.routerIds()) {
        if (!ROUTERS.contains(router)) {
          boolean plugin = routing.plugins() != null && routing.plugins().containsKey(router);
          out.add(
              ManifestSet.finding(
                  item,
                  Finding.Severity.WARNING,
                  "unsupported",
                  base + ".trafficRouting." + (plugin ? "plugins" : router),
                  "traffic router '"
                      + router
                      + "' is not supported by Rollout4j (it routes through Istio and Gateway API): Argo"
                      + " Rollouts runs this rollout, Rollout4j's controller leaves it alone"));
        }
      }
    }
    if (canary.pingPong() != null) {
      out.add(
          ManifestSet.finding(
              item,
              Finding.Severity.WARNING,
              "unsupported",
              base + ".pingPong",
              "ping-pong Services are not supported by Rollout4j: use canaryService and"
                  + " stableService"));
    }
    List<Step> steps = canary.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      List<Step> parts = step instanceof Step.Combined c ? c.actions() : List.of(step);
      for (Step part : parts) {
        if (part instanceof Step.Experiment || part instanceof Step.Plugin) {
          out.add(
              ManifestSet.finding(
                  item,
                  Finding.Severity.WARNING,
                  "unsupported",
                  base + ".steps[" + i + "]." + part.kind(),
                  part.kind()
                      + " steps are not supported by Rollout4j: the rollout stops at this step"
                      + " with InvalidSpec"));
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Map<String, Object> spec(
      List<ManifestSet.Item> items, String group, String kind, String namespace, String name) {
    for (ManifestSet.Item item : items) {
      if (item.resource() instanceof GenericResource g
          && g.kind().equals(kind)
          && String.valueOf(g.apiVersion()).startsWith(group)
          && item.namespace().equals(namespace)
          && name.equals(g.name())) {
        return g.path("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      }
    }
    return null;
  }

  /**
   * The mesh as lint sees it: Istio and Gateway API served, their objects checked by {@link
   * IstioReferences} and {@link GatewayApiReferences} separately (so every problem is listed, not
   * only the first).
   */
  private static final class NoMesh implements MeshPort {
    @Override
    public void apply(Rollout rollout, TrafficSplit split) {
      throw new UnsupportedOperationException("lint never moves traffic");
    }

    @Override
    public Optional<TrafficSplit> current(Rollout rollout) {
      return Optional.empty();
    }

    @Override
    public Set<String> routers() {
      return ROUTERS;
    }
  }
}
