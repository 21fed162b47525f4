package io.rollout4j.testkit;

import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import java.util.Objects;

/**
 * One rollout of a {@link RolloutHarness}, so a test names it once: its state and the user actions
 * of {@code kubectl argo rollouts} without repeating the namespace and name.
 *
 * <pre>{@code
 * RolloutHandle reviews = harness.handle("bookinfo", "reviews-rollout");
 * harness.advance(Duration.ofMinutes(1));
 * assertThat(reviews).isAtStep(1).isPaused();
 * reviews.promote();
 * }</pre>
 */
public final class RolloutHandle {
  private final RolloutHarness harness;
  private final String namespace;
  private final String name;

  RolloutHandle(RolloutHarness harness, String namespace, String name) {
    this.harness = harness;
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  /** The rollout as stored now. */
  public Rollout rollout() {
    return harness.rollout(namespace, name);
  }

  /**
   * The rollout's status now.
   *
   * @throws IllegalStateException before the engine has written one
   */
  public RolloutStatus status() {
    RolloutStatus status = rollout().status();
    if (status == null) {
      throw new IllegalStateException("rollout " + namespace + "/" + name + " has no status yet");
    }
    return status;
  }

  public RolloutHandle promote() {
    harness.promote(namespace, name);
    return this;
  }

  public RolloutHandle promoteFull() {
    harness.promoteFull(namespace, name);
    return this;
  }

  public RolloutHandle abort() {
    harness.abort(namespace, name);
    return this;
  }

  public RolloutHandle retry() {
    harness.retry(namespace, name);
    return this;
  }

  public RolloutHandle pause() {
    harness.pause(namespace, name);
    return this;
  }

  public RolloutHandle resume() {
    harness.resume(namespace, name);
    return this;
  }

  public RolloutHandle restart() {
    harness.restart(namespace, name);
    return this;
  }

  /** Undo to {@code toRevision}, 0 for the previous revision. */
  public RolloutHandle undo(int toRevision) {
    harness.undo(namespace, name, toRevision);
    return this;
  }

  @Override
  public String toString() {
    return "rollout " + namespace + "/" + name;
  }
}
