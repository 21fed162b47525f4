package io.rollout4j.gatewayapi;

import io.rollout4j.manifest.Problem;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.TrafficSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks {@link GatewayApiMeshPort} makes before its first write, on routes a caller already
 * holds (the manifests of a GitOps repository, say): the plugin configuration reads, every route it
 * names exists, and every rule that sends traffic to the rollout's Services sends it to both. Each
 * failure is a problem with the rollout's field and the controller's wording.
 */
public final class GatewayApiReferences {
  private GatewayApiReferences() {}

  /** Finds a route's {@code spec} by kind, namespace and name; null when there is none. */
  @FunctionalInterface
  public interface Lookup {
    @Nullable Map<String, Object> spec(String kind, String namespace, String name);
  }

  /** The router name the configuration is found under in {@code trafficRouting.plugins}. */
  public static final String PLUGIN = PluginConfig.PLUGIN;

  /** The API group of the routes. */
  public static final String GROUP = GatewayApiMeshPort.GROUP;

  /** Every problem with the routes the rollout names, or none; never throws. */
  public static List<Problem> problems(Rollout rollout, Lookup lookup) {
    List<Problem> problems = new ArrayList<>();
    PluginConfig config;
    try {
      config = PluginConfig.of(rollout);
    } catch (InvalidReferenceException e) {
      problems.add(problem(e));
      return problems;
    } catch (IllegalArgumentException e) {
      return problems; // routed otherwise: nothing to check here
    }
    for (PluginConfig.RouteRef ref : config.routes()) {
      Map<String, Object> spec = lookup.spec(ref.kind().kind(), config.namespace(), ref.name());
      if (spec == null) {
        problems.add(Problem.error(ref.field(), ref.notFound(config.namespace())));
        continue;
      }
      try {
        RouteEdits.withSplit(
            spec,
            ref.kind(),
            config.stableService(),
            config.canaryService(),
            Set.copyOf(config.managedRouteNames()),
            TrafficSplit.of(0, null, null),
            false);
      } catch (RouteEdits.RouteException e) {
        problems.add(Problem.error(ref.field(), ref.unusable(e.getMessage())));
      }
    }
    return problems;
  }

  private static Problem problem(InvalidReferenceException e) {
    String text = String.valueOf(e.getMessage());
    int colon = text.indexOf(": ");
    return colon < 0
        ? Problem.error("", text)
        : Problem.error(text.substring(0, colon), text.substring(colon + 2));
  }
}
