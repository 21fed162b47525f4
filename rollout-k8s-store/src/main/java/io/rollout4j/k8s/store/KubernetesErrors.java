package io.rollout4j.k8s.store;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.PortException;
import io.rollout4j.port.UnavailableException;

/** The fabric8 client's failures as the ports' exceptions, and resourceVersions as numbers. */
public final class KubernetesErrors {
  private KubernetesErrors() {}

  /**
   * A client exception as a port exception: 409 a {@link ConflictException}, no answer, 429 and 5xx
   * an {@link UnavailableException} (worth retrying), anything else a {@link PortException}; the
   * message is {@code what}, then the API server's own message when it sent one.
   */
  public static PortException translate(String what, KubernetesClientException e) {
    int code = e.getCode();
    String reason =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : String.valueOf(e.getMessage());
    String message = what + ": " + reason;
    if (code == 409) {
      return new ConflictException(message);
    }
    if (code == 0 || code == 429 || code >= 500) {
      return new UnavailableException(message, e);
    }
    return new PortException(message, e);
  }

  /**
   * The object's resourceVersion as a number, to tell which of two copies is newer: etcd revisions
   * are numbers in every real API server and in fabric8's mock; anything else reads as 0.
   */
  public static long resourceVersionOf(HasMetadata object) {
    try {
      return Long.parseLong(object.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return 0;
    }
  }
}
