package io.rollout4j.port;

/**
 * A port call failed. The engine stops the reconcile, writes nothing further and retries later;
 * subclasses say whether the failure was a write conflict or the backend being unavailable.
 */
public class PortException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PortException(String message) {
    super(message);
  }

  public PortException(String message, Throwable cause) {
    super(message, cause);
  }
}
