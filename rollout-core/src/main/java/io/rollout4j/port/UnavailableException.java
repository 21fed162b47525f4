package io.rollout4j.port;

/** The backend did not answer usefully (HTTP 5xx, timeout, connection refused). */
public final class UnavailableException extends PortException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
