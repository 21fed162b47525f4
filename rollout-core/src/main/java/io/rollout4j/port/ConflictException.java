package io.rollout4j.port;

/** An optimistic-concurrency write lost (HTTP 409): someone changed the object first. */
public final class ConflictException extends PortException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
