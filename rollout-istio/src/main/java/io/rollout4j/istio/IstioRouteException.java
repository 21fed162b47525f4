package io.rollout4j.istio;

/**
 * The rollout's Istio configuration does not fit the VirtualService or DestinationRule in the
 * cluster (a route or destination is missing). The message is Argo's where Argo has one; nothing
 * has been written when it is thrown.
 */
final class IstioRouteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IstioRouteException(String message) {
    super(message);
  }
}
