package io.rollout4j.api;

import io.rollout4j.model.IstioTrafficRouting;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Istio traffic routing: VirtualServices and, for subset-level splitting, a DestinationRule. */
public final class IstioBuilder {
  private final List<IstioTrafficRouting.VirtualService> virtualServices = new ArrayList<>();
  private boolean useList;
  private IstioTrafficRouting.@Nullable DestinationRule destinationRule;

  IstioBuilder() {}

  /** A VirtualService whose HTTP routes are weighted (all of them, or the named ones). */
  public IstioBuilder virtualService(String name, String... httpRoutes) {
    virtualServices.add(
        new IstioTrafficRouting.VirtualService(
            Checks.notBlank(name, "istio.virtualService.name"),
            List.of(httpRoutes),
            List.of(),
            List.of()));
    useList = virtualServices.size() > 1;
    return this;
  }

  /** A fully specified VirtualService reference (HTTP, TLS and TCP routes). */
  public IstioBuilder virtualService(IstioTrafficRouting.VirtualService virtualService) {
    virtualServices.add(virtualService);
    useList = virtualServices.size() > 1;
    return this;
  }

  /** Subset-level splitting through a DestinationRule's canary and stable subsets. */
  public IstioBuilder destinationRule(String name, String canarySubset, String stableSubset) {
    this.destinationRule =
        IstioTrafficRouting.DestinationRule.of(
            Checks.notBlank(name, "istio.destinationRule.name"),
            Checks.notBlank(canarySubset, "istio.destinationRule.canarySubsetName"),
            Checks.notBlank(stableSubset, "istio.destinationRule.stableSubsetName"));
    return this;
  }

  IstioTrafficRouting build() {
    if (virtualServices.isEmpty()) {
      throw InvalidSpecException.of(
          "spec.strategy.canary.trafficRouting.istio",
          "either VirtualService or VirtualServices must be configured");
    }
    return useList
        ? new IstioTrafficRouting(null, virtualServices, destinationRule)
        : new IstioTrafficRouting(virtualServices.get(0), List.of(), destinationRule);
  }
}
