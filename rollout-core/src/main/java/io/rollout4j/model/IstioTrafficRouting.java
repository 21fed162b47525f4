package io.rollout4j.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code trafficRouting.istio}: VirtualService(s) whose weights move, and an optional rule. */
public record IstioTrafficRouting(
    @Nullable VirtualService virtualService,
    List<VirtualService> virtualServices,
    @Nullable DestinationRule destinationRule) {

  public IstioTrafficRouting {
    virtualServices = Immutables.list(virtualServices);
  }

  /** Every VirtualService referenced, whichever of the two fields names them. */
  public List<VirtualService> allVirtualServices() {
    return virtualService != null ? List.of(virtualService) : virtualServices;
  }

  /** A VirtualService and the routes in it the rollout sets weights on. */
  public record VirtualService(
      String name, List<String> routes, List<TlsRoute> tlsRoutes, List<TcpRoute> tcpRoutes) {
    public VirtualService {
      routes = Immutables.list(routes);
      tlsRoutes = Immutables.list(tlsRoutes);
      tcpRoutes = Immutables.list(tcpRoutes);
    }

    public static VirtualService named(String name) {
      return new VirtualService(name, List.of(), List.of(), List.of());
    }
  }

  /** A TLS route selected by port and SNI hosts. */
  public record TlsRoute(@Nullable Long port, List<String> sniHosts) {
    public TlsRoute {
      sniHosts = Immutables.list(sniHosts);
    }
  }

  /** A TCP route selected by port. */
  public record TcpRoute(@Nullable Long port) {}

  /** The DestinationRule whose canary and stable subsets get pod-template-hash labels. */
  public record DestinationRule(
      String name,
      String canarySubsetName,
      String stableSubsetName,
      List<String> additionalSubsetNames) {
    public DestinationRule {
      additionalSubsetNames = Immutables.list(additionalSubsetNames);
    }

    public static DestinationRule of(String name, String canarySubset, String stableSubset) {
      return new DestinationRule(name, canarySubset, stableSubset, List.of());
    }
  }
}
