package io.rollout4j.k8s;

import io.rollout4j.model.RolloutPhase;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RolloutController} reports as it runs: reconciles, API requests, and each rollout's
 * phase. {@link MicrometerControllerObserver} turns these into meters; implement it to feed
 * anything else. Calls come from worker threads and must return quickly.
 */
public interface ControllerObserver {

  /** One reconcile of {@code namespace/name} finished, failed or not, after {@code took}. */
  default void reconciled(String rollout, Duration took, boolean failed) {}

  /** The controller's client sent a request with this HTTP verb (watches are not counted). */
  default void request(String verb) {}

  /** As {@link #request(String)}, with the request's path (to tell resources apart). */
  default void request(String verb, String path) {
    request(verb);
  }

  /** The rollout's phase after a reconcile; null when the rollout is gone. */
  default void phase(String rollout, @Nullable RolloutPhase phase) {}

  /** A controller that reports nothing. */
  ControllerObserver NONE = new ControllerObserver() {};
}
