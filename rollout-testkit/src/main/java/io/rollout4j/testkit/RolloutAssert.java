package io.rollout4j.testkit;

import io.rollout4j.model.PauseReason;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a rollout's state as {@code kubectl argo rollouts get rollout} shows it,
 * with messages that say what the rollout is doing instead:
 *
 * <pre>{@code
 * RolloutHandle web = harness.handle("shop", "web");
 * assertThat(web).isAtStep(3).hasCanaryWeight(20).isPaused();
 * web.promote();
 * assertThat(web).isAtStep(4).isProgressing();
 * }</pre>
 */
public final class RolloutAssert extends AbstractAssert<RolloutAssert, Rollout> {

  private RolloutAssert(Rollout actual) {
    super(actual, RolloutAssert.class);
  }

  /** Assertions on the rollout as it is now. */
  public static RolloutAssert assertThat(Rollout actual) {
    return new RolloutAssert(actual);
  }

  /** Assertions on the handle's rollout as stored now. */
  public static RolloutAssert assertThat(RolloutHandle actual) {
    return new RolloutAssert(actual.rollout());
  }

  private RolloutStatus status() {
    isNotNull();
    if (actual.status() == null) {
      failWithMessage("Expected rollout %s to have a status, but it has none yet", name());
    }
    return Objects.requireNonNull(actual.status());
  }

  private String name() {
    return actual.namespace() + "/" + actual.name();
  }

  /** A short description of the state, for failure messages. */
  private String state(RolloutStatus s) {
    return "phase "
        + (s.phase() == null ? "none" : s.phase().argoName())
        + ", step "
        + s.currentStepIndex()
        + (s.isAborted() ? ", aborted" : "")
        + (s.message() == null || s.message().isEmpty() ? "" : ", message \"" + s.message() + "\"");
  }

  /** {@code status.currentStepIndex}. */
  public RolloutAssert isAtStep(int index) {
    RolloutStatus s = status();
    if (!Objects.equals(s.currentStepIndex(), index)) {
      failWithMessage(
          "Expected rollout %s at step %s, but it is at step %s (%s)",
          name(), index, s.currentStepIndex(), state(s));
    }
    return this;
  }

  /** {@code status.phase}. */
  public RolloutAssert hasPhase(RolloutPhase phase) {
    RolloutStatus s = status();
    if (s.phase() != phase) {
      failWithMessage(
          "Expected rollout %s to be %s, but it is %s", name(), phase.argoName(), state(s));
    }
    return this;
  }

  public RolloutAssert isPaused() {
    return hasPhase(RolloutPhase.PAUSED);
  }

  public RolloutAssert isProgressing() {
    return hasPhase(RolloutPhase.PROGRESSING);
  }

  public RolloutAssert isHealthy() {
    return hasPhase(RolloutPhase.HEALTHY);
  }

  public RolloutAssert isDegraded() {
    return hasPhase(RolloutPhase.DEGRADED);
  }

  /** Paused with a pause condition of this reason ({@code CanaryPauseStep}, ...). */
  public RolloutAssert isPausedBy(PauseReason reason) {
    RolloutStatus s = status();
    if (s.pauseConditions().stream().noneMatch(c -> c.reason() == reason)) {
      failWithMessage(
          "Expected rollout %s paused by %s, but its pause conditions are %s (%s)",
          name(), reason.argoName(), s.pauseConditions(), state(s));
    }
    return this;
  }

  /** {@code status.abort}. */
  public RolloutAssert isAborted() {
    RolloutStatus s = status();
    if (!s.isAborted()) {
      failWithMessage("Expected rollout %s to be aborted, but it is not (%s)", name(), state(s));
    }
    return this;
  }

  public RolloutAssert isNotAborted() {
    RolloutStatus s = status();
    if (s.isAborted()) {
      failWithMessage("Expected rollout %s not to be aborted, but it is (%s)", name(), state(s));
    }
    return this;
  }

  /**
   * The canary's weight the controller last set on the router ({@code status.canary.weights}), for
   * a rollout with traffic routing.
   */
  public RolloutAssert hasCanaryWeight(int weight) {
    RolloutStatus s = status();
    RolloutStatus.Weights weights = s.canary() == null ? null : s.canary().weights();
    if (weights == null) {
      failWithMessage(
          "Expected rollout %s to send %s%% of traffic to its canary, but it has set no weights"
              + " (%s)",
          name(), weight, state(s));
    } else if (weights.canary().weight() != weight) {
      failWithMessage(
          "Expected rollout %s to send %s%% of traffic to its canary, but it sends %s%% (%s)",
          name(), weight, weights.canary().weight(), state(s));
    }
    return this;
  }

  /** The revision with this pod-template hash is stable ({@code status.stableRS}). */
  public RolloutAssert hasStableRevision(String podTemplateHash) {
    RolloutStatus s = status();
    if (!podTemplateHash.equals(s.stableRS())) {
      failWithMessage(
          "Expected %s to be the stable revision of rollout %s, but %s is (%s)",
          podTemplateHash, name(), s.stableRS(), state(s));
    }
    return this;
  }

  /** Healthy, with its newest revision stable: nothing left to roll out. */
  public RolloutAssert isFullyPromoted() {
    RolloutStatus s = status();
    if (s.phase() != RolloutPhase.HEALTHY
        || s.stableRS() == null
        || !s.stableRS().equals(s.currentPodHash())) {
      failWithMessage(
          "Expected rollout %s fully promoted (Healthy, stable %s), but stable is %s (%s)",
          name(), s.currentPodHash(), s.stableRS(), state(s));
    }
    return this;
  }

  /** {@code status.message} contains {@code text}. */
  public RolloutAssert hasMessageContaining(String text) {
    RolloutStatus s = status();
    if (s.message() == null || !s.message().contains(text)) {
      failWithMessage(
          "Expected the message of rollout %s to contain \"%s\", but it is \"%s\"",
          name(), text, s.message());
    }
    return this;
  }

  /** A condition of this type with this status ({@code "True"}/{@code "False"}). */
  public RolloutAssert hasCondition(String type, String conditionStatus) {
    RolloutStatus s = status();
    boolean found =
        s.conditions().stream()
            .anyMatch(c -> c.type().equals(type) && c.status().equals(conditionStatus));
    if (!found) {
      failWithMessage(
          "Expected rollout %s to have condition %s=%s, but its conditions are %s",
          name(), type, conditionStatus, s.conditions());
    }
    return this;
  }
}
