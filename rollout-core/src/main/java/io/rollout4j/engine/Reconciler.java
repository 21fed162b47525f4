package io.rollout4j.engine;

import io.rollout4j.manifest.Problem;
import io.rollout4j.manifest.RolloutValidator;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutSpec;
import io.rollout4j.model.RolloutStatus;
import java.time.Instant;
import java.util.List;

/**
 * Decides what to do about one rollout. {@link #decide} is a pure function of the rollout (spec and
 * status as stored), what the ports observed and the current instant: no I/O, no clock, no
 * randomness, so the same inputs always give the same {@link Decision}, in a test or after a
 * restart.
 */
public final class Reconciler {
  private Reconciler() {}

  /**
   * Validation reads the spec alone (RolloutValidator checks nothing in metadata or status), so it
   * is memoized per spec: a fleet of rollouts with one spec, in as many namespaces as it likes,
   * shares one entry.
   */
  private static final Memo<RolloutSpec, List<Problem>> ERRORS =
      new Memo<>(
          4096,
          spec ->
              RolloutValidator.validate(new Rollout(ObjectMeta.empty(), spec, null)).stream()
                  .filter(Problem::isError)
                  .toList());

  public static Decision decide(Rollout rollout, Observation observation, Instant now) {
    List<Problem> problems = ERRORS.get(rollout.spec());
    if (!problems.isEmpty()) {
      Problem first = problems.get(0);
      return StatusRules.invalidSpec(
          rollout, now, "InvalidSpec", first.path() + ": " + first.message());
    }
    String unsupported = observation.unsupportedRouter();
    if (unsupported != null) {
      return StatusRules.invalidSpec(rollout, now, StatusRules.UNSUPPORTED_ROUTER, unsupported);
    }
    if (rollout.spec().canary() != null && rollout.spec().canary().pingPong() != null) {
      // Ping-pong swaps the stable and canary roles of two Services at each promotion; routing to
      // them as if they were canaryService and stableService would send traffic to the wrong one.
      return StatusRules.invalidSpec(
          rollout,
          now,
          StatusRules.UNSUPPORTED_FEATURE,
          "spec.strategy.canary.pingPong: ping-pong Services are not supported by Rollout4j;"
              + " use canaryService and stableService");
    }
    String reference = References.problem(rollout, observation);
    if (reference != null) {
      // Argo validates every referenced object before reconciling and changes nothing while one is
      // missing or wrong: stepping on without the analysis that guards a step, or moving replicas
      // without being able to move traffic, would break the rollout's promise.
      return StatusRules.invalidSpec(rollout, now, "InvalidSpec", reference);
    }
    if (rollout.spec().blueGreen() != null) {
      return new BlueGreenDecision(rollout, observation, now).decide();
    }
    return new CanaryDecision(rollout, observation, now).decide();
  }

  /** The status a rollout starts from: its stored status, or an empty one. */
  static RolloutStatus statusOf(Rollout rollout) {
    RolloutStatus status = rollout.status();
    return status == null ? RolloutStatus.builder().build() : status;
  }
}
