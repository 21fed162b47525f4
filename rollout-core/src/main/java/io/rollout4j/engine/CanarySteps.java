package io.rollout4j.engine;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reading the step list the way Argo does: current step, last setWeight, setCanaryScale. */
final class CanarySteps {
  private CanarySteps() {}

  /** {@code status.currentStepIndex}, 0 when unset. */
  static int currentStepIndex(Rollout rollout) {
    RolloutStatus status = rollout.status();
    Integer index = status == null ? null : status.currentStepIndex();
    return index == null ? 0 : index;
  }

  /** The current step, empty when there are no steps or all of them are done. */
  static Optional<Step> currentStep(Rollout rollout) {
    List<Step> steps = steps(rollout);
    int index = currentStepIndex(rollout);
    return index < steps.size() ? Optional.of(steps.get(index)) : Optional.empty();
  }

  static List<Step> steps(Rollout rollout) {
    CanaryStrategy canary = rollout.spec().canary();
    return canary == null ? List.of() : canary.steps();
  }

  /** The step's {@code setWeight}, also inside a combined step. */
  static Optional<Integer> setWeightOf(Step step) {
    if (step instanceof Step.SetWeight w) {
      return Optional.of(w.weight());
    }
    if (step instanceof Step.Combined c) {
      return c.action(Step.SetWeight.class).map(Step.SetWeight::weight);
    }
    return Optional.empty();
  }

  /** The step's {@code setCanaryScale}, also inside a combined step. */
  static Optional<Step.SetCanaryScale> setCanaryScaleOf(Step step) {
    if (step instanceof Step.SetCanaryScale s) {
      return Optional.of(s);
    }
    if (step instanceof Step.Combined c) {
      return c.action(Step.SetCanaryScale.class);
    }
    return Optional.empty();
  }

  /**
   * The last {@code setWeight} at or before the current step: 0 when aborted or none has been
   * reached yet, 100 once every step is done.
   */
  static int currentSetWeight(Rollout rollout) {
    RolloutStatus status = rollout.status();
    if (status != null && status.isAborted()) {
      return 0;
    }
    List<Step> steps = steps(rollout);
    int index = currentStepIndex(rollout);
    if (steps.isEmpty() || index >= steps.size()) {
      return 100;
    }
    for (int i = index; i >= 0; i--) {
      Optional<Integer> weight = setWeightOf(steps.get(i));
      if (weight.isPresent()) {
        return weight.get();
      }
    }
    return 0;
  }

  /**
   * The {@code setCanaryScale} in effect: the last one at or before the current step, unless a
   * {@code matchTrafficWeight} came after it. Only with traffic routing, and not during an abort
   * unless {@code abortScaleDownDelaySeconds: 0} asked to keep the canary up.
   */
  static Optional<Step.SetCanaryScale> setCanaryScaleInEffect(Rollout rollout) {
    CanaryStrategy canary = rollout.spec().canary();
    if (canary == null || canary.trafficRouting() == null) {
      return Optional.empty();
    }
    RolloutStatus status = rollout.status();
    if (status != null && status.isAborted() && !keepsCanaryOnAbort(canary)) {
      return Optional.empty();
    }
    List<Step> steps = canary.steps();
    int index = currentStepIndex(rollout);
    if (index >= steps.size()) {
      return Optional.empty();
    }
    for (int i = index; i >= 0; i--) {
      Optional<Step.SetCanaryScale> scale = setCanaryScaleOf(steps.get(i));
      if (scale.isPresent()) {
        return Boolean.TRUE.equals(scale.get().matchTrafficWeight()) ? Optional.empty() : scale;
      }
    }
    return Optional.empty();
  }

  /** {@code abortScaleDownDelaySeconds: 0} explicitly: leave the canary scaled up on abort. */
  static boolean keepsCanaryOnAbort(CanaryStrategy canary) {
    Integer delay = canary.abortScaleDownDelaySeconds();
    return delay != null && delay == 0;
  }

  /** Whether the rollout has no distinct stable revision to shift from (initial or promoted). */
  static boolean fullyPromotedOrInitial(@Nullable RolloutStatus status) {
    if (status == null || status.stableRS() == null || status.stableRS().isEmpty()) {
      return true;
    }
    return status.stableRS().equals(status.currentPodHash());
  }

  // actionCount/actionAt walk a step's actions without a list per step: the route lookups visit
  // every step up to the current one on each reconcile.
  static int actionCount(Step step) {
    return step instanceof Step.Combined c ? c.actions().size() : 1;
  }

  static Step actionAt(Step step, int index) {
    return step instanceof Step.Combined c ? c.actions().get(index) : step;
  }

  private static final Memo<List<Step>, String> STEPS_HASHES =
      new Memo<>(4096, CanarySteps::stepsHash);

  private static final Memo<List<Step>, String> LEGACY_STEPS_HASHES =
      new Memo<>(4096, CanarySteps::legacyStepsHash);

  /**
   * Whether {@code status.currentStepHash} names these steps: Argo's hash, or the one Rollout4j
   * wrote before it computed Argo's, so neither a hand-over from Argo nor an upgrade starts the
   * steps over.
   */
  static boolean sameSteps(List<Step> steps, @Nullable String recorded) {
    return STEPS_HASHES.get(steps).equals(recorded)
        || LEGACY_STEPS_HASHES.get(steps).equals(recorded);
  }

  /** Argo's steps hash, memoized: FNV-32a of Go's JSON of the steps, in the safe alphabet. */
  static String hashOf(List<Step> steps) {
    return STEPS_HASHES.get(steps);
  }

  static String stepsHash(List<Step> steps) {
    // Argo hashes the Go slice: no steps is a nil slice, written as null.
    Object tree = steps.isEmpty() ? null : Manifests.toTree(steps);
    return PodTemplateHash.safeFnv(GoJson.encodeSteps(tree), null);
  }

  /** The steps hash of Rollout4j before Argo's: FNV-1a of the steps' Java text, in decimal. */
  private static String legacyStepsHash(List<Step> steps) {
    String json = String.valueOf(Manifests.toTree(steps));
    return Integer.toUnsignedString(PodTemplateHash.fnv1a(json.getBytes(StandardCharsets.UTF_8)));
  }
}
