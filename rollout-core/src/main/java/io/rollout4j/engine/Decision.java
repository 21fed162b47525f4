package io.rollout4j.engine;

import io.rollout4j.model.RolloutStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one reconcile: the actions to apply in order, the status to write once they have
 * been applied, and when the rollout wants to be reconciled again even if nothing changes (a pause
 * ending, a scale-down deadline), empty when only a change should wake it.
 */
public record Decision(
    List<Action> actions, RolloutStatus status, @Nullable Duration requeueAfter) {

  public Decision {
    actions = List.copyOf(actions);
  }

  public Optional<Duration> requeue() {
    return Optional.ofNullable(requeueAfter);
  }
}
