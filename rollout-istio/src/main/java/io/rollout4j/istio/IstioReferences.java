package io.rollout4j.istio;

import io.rollout4j.manifest.Problem;
import io.rollout4j.model.Rollout;
import io.rollout4j.port.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The checks {@link IstioMeshPort} makes before its first write, on objects a caller already holds
 * (the manifests of a GitOps repository, say) instead of the API server: the DestinationRule exists
 * and has the rollout's subsets, every VirtualService exists and its named routes send traffic to
 * exactly the rollout's stable and canary destinations. Each failure is a problem with the
 * rollout's field and the wording the controller puts in the rollout's InvalidSpec condition; a
 * rollout that passes here is one the port can route, given the same objects.
 */
public final class IstioReferences {
  private IstioReferences() {}

  /** Finds an Istio object's {@code spec} by kind, namespace and name; null when there is none. */
  @FunctionalInterface
  public interface Lookup {
    @Nullable Map<String, Object> spec(String kind, String namespace, String name);
  }

  /** Every problem with the Istio objects the rollout names, or none; never throws. */
  public static List<Problem> problems(Rollout rollout, Lookup lookup) {
    List<Problem> problems = new ArrayList<>();
    IstioMeshPort.Routing routing;
    try {
      routing = IstioMeshPort.Routing.of(rollout);
    } catch (InvalidReferenceException e) {
      problems.add(problem(e));
      return problems;
    } catch (IllegalArgumentException e) {
      return problems; // no Istio routing: nothing to check here
    }
    var rule = routing.rule;
    if (rule != null) {
      IstioMeshPort.ObjectName name =
          IstioMeshPort.ObjectName.parse(rule.name(), routing.namespace);
      Map<String, Object> spec =
          lookup.spec(IstioMeshPort.DESTINATION_RULE, name.namespace(), name.name());
      check(
          problems,
          () -> {
            if (spec == null) {
              throw IstioMeshPort.notFound(
                  routing.ruleField(), rule.name(), IstioMeshPort.DESTINATION_RULE, name);
            }
            IstioMeshPort.checked(
                routing.ruleField(),
                rule.name(),
                () -> {
                  DestinationRuleSubsets.requireSubsets(spec, rule);
                  return true;
                });
          });
    }
    for (int n = 0; n < routing.virtualServices.size(); n++) {
      int i = n;
      var ref = routing.virtualServices.get(i);
      IstioMeshPort.ObjectName name = IstioMeshPort.ObjectName.parse(ref.name(), routing.namespace);
      Map<String, Object> spec =
          lookup.spec(IstioMeshPort.VIRTUAL_SERVICE, name.namespace(), name.name());
      check(
          problems,
          () -> {
            if (spec == null) {
              throw IstioMeshPort.notFound(
                  routing.virtualServiceField(i), ref.name(), IstioMeshPort.VIRTUAL_SERVICE, name);
            }
            IstioMeshPort.checked(
                routing.virtualServiceField(i),
                ref.name(),
                () ->
                    VirtualServiceRoutes.canaryWeights(
                        spec, ref, routing.destinations, routing.managedRouteNames));
          });
    }
    return problems;
  }

  private static void check(List<Problem> problems, Runnable check) {
    try {
      check.run();
    } catch (InvalidReferenceException e) {
      problems.add(problem(e));
    }
  }

  private static Problem problem(InvalidReferenceException e) {
    String text = String.valueOf(e.getMessage());
    int colon = text.indexOf(": ");
    return colon < 0
        ? Problem.error("", text)
        : Problem.error(text.substring(0, colon), text.substring(colon + 2));
  }
}
