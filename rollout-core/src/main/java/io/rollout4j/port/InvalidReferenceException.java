package io.rollout4j.port;

/**
 * An object the rollout's spec refers to (a VirtualService, a DestinationRule, a route or subset in
 * them) is missing or does not fit the spec. Nothing has been written when it is thrown. The engine
 * reports the message as the rollout's {@code InvalidSpec} condition, as Argo does for its
 * reference validation, and looks again later: the user fixes it, not a retry.
 */
public final class InvalidReferenceException extends PortException {
  private static final long serialVersionUID = 1L;

  /**
   * @param field the spec field whose reference is wrong, e.g. {@code
   *     spec.strategy.canary.trafficRouting.istio.virtualService.name}
   * @param detail what is wrong, e.g. {@code virtualservice.networking.istio.io "reviews" not
   *     found}
   */
  public InvalidReferenceException(String field, String detail) {
    super(field + ": " + detail);
  }
}
