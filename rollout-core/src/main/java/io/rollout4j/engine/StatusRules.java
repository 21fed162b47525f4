package io.rollout4j.engine;

import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.ConflictException;
import io.rollout4j.port.InvalidReferenceException;
import io.rollout4j.port.PortException;
import io.rollout4j.port.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Argo's conditions and phase rules ({@code CalculateRolloutPhase}, {@code utils/conditions}). */
final class StatusRules {
  private StatusRules() {}

  static final String PROGRESSING = "Progressing";
  static final String AVAILABLE = "Available";
  static final String HEALTHY = "Healthy";
  static final String COMPLETED = "Completed";
  static final String PAUSED = "Paused";
  static final String INVALID_SPEC = "InvalidSpec";
  static final String UNSUPPORTED_ROUTER = "UnsupportedTrafficRouter";
  static final String UNSUPPORTED_FEATURE = "UnsupportedFeature";

  /** A status that reports an invalid (or unsupported) spec and changes nothing else. */
  static Decision invalidSpec(Rollout rollout, Instant now, String reason, String detail) {
    RolloutStatus status = Reconciler.statusOf(rollout);
    String message = "The Rollout \"" + rollout.name() + "\" is invalid: " + detail;
    List<RolloutStatus.Condition> conditions =
        set(status.conditions(), INVALID_SPEC, "True", reason, message, now);
    RolloutStatus updated =
        status.toBuilder()
            .conditions(conditions)
            .observedGeneration(generationOf(rollout))
            .phase(RolloutPhase.DEGRADED)
            .message(INVALID_SPEC + ": " + message)
            .build();
    // An invalid rollout is looked at again now and then, as Argo does, in case a referenced
    // object appears; a spec change wakes it at once anyway.
    return new Decision(List.of(), updated, Duration.ofMinutes(5));
  }

  /**
   * The spec passed validation to get to a strategy: an InvalidSpec an earlier reconcile found (a
   * missing template or Service, say) is dropped, and re-established if it still holds.
   */
  static RolloutStatus withoutInvalidSpec(RolloutStatus stored) {
    RolloutStatus.Condition invalid = find(stored.conditions(), INVALID_SPEC);
    return invalid != null
            && ("InvalidSpec".equals(invalid.reason())
                || UNSUPPORTED_ROUTER.equals(invalid.reason())
                || UNSUPPORTED_FEATURE.equals(invalid.reason()))
        ? stored.toBuilder().conditions(remove(stored.conditions(), INVALID_SPEC)).build()
        : stored;
  }

  static @Nullable String generationOf(Rollout rollout) {
    Long generation = rollout.metadata().generation();
    if (generation == null) {
      return null;
    }
    // Usually the status already records this generation: keep that string.
    RolloutStatus status = rollout.status();
    String observed = status == null ? null : status.observedGeneration();
    return isDecimal(observed, generation) ? observed : generation.toString();
  }

  /**
   * Whether {@code text} is {@code value} written in decimal as {@link Long#toString} writes it,
   * without allocating that string.
   */
  static boolean isDecimal(@Nullable String text, long value) {
    if (text == null || text.isEmpty() || text.length() > 19 || value < 0) {
      return false;
    }
    if (text.length() > 1 && text.charAt(0) == '0') {
      return false;
    }
    long parsed = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      parsed = parsed * 10 + (c - '0');
    }
    return parsed == value;
  }

  /**
   * Sets a condition, keeping its {@code lastTransitionTime} when the status did not change and its
   * {@code lastUpdateTime} when nothing changed at all.
   */
  static List<RolloutStatus.Condition> set(
      List<RolloutStatus.Condition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Instant now) {
    RolloutStatus.Condition existing = find(conditions, type);
    if (existing != null
        && existing.status().equals(status)
        && reason.equals(existing.reason())
        && message.equals(existing.message())) {
      return conditions;
    }
    return setAt(conditions, type, status, reason, message, now, now);
  }

  /**
   * Sets a condition whose {@code lastUpdateTime} records something other than the last write, such
   * as the last progress of an update (Argo's progress deadline reads it).
   */
  static List<RolloutStatus.Condition> setAt(
      List<RolloutStatus.Condition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Instant now,
      Instant updateTime) {
    List<RolloutStatus.Condition> out = new ArrayList<>();
    boolean replaced = false;
    for (RolloutStatus.Condition c : conditions) {
      if (!c.type().equals(type)) {
        out.add(c);
        continue;
      }
      replaced = true;
      String transition = c.status().equals(status) ? c.lastTransitionTime() : now.toString();
      out.add(
          new RolloutStatus.Condition(
              type, status, reason, message, updateTime.toString(), transition));
    }
    if (!replaced) {
      out.add(
          new RolloutStatus.Condition(
              type, status, reason, message, updateTime.toString(), now.toString()));
    }
    return out;
  }

  /** The status without the condition of this type; the same status when it has none. */
  static RolloutStatus without(RolloutStatus status, String type) {
    return find(status.conditions(), type) == null
        ? status
        : status.toBuilder().conditions(remove(status.conditions(), type)).build();
  }

  /** The reason a failed reconcile gives, by what failed. */
  static String reconcileErrorReason(PortException error) {
    if (error instanceof ConflictException) {
      return "Conflict";
    }
    if (error instanceof UnavailableException) {
      return "PortUnavailable";
    }
    if (error instanceof InvalidReferenceException) {
      return "InvalidReference";
    }
    return error.getClass() == PortException.class
            && error.getCause() != null
            && !(error.getCause() instanceof PortException)
        ? "InternalError"
        : "PortError";
  }

  static List<RolloutStatus.Condition> remove(
      List<RolloutStatus.Condition> conditions, String type) {
    return conditions.stream().filter(c -> !c.type().equals(type)).toList();
  }

  static RolloutStatus.@Nullable Condition find(
      List<RolloutStatus.Condition> conditions, String type) {
    for (RolloutStatus.Condition c : conditions) {
      if (c.type().equals(type)) {
        return c;
      }
    }
    return null;
  }

  /** Argo's {@code CalculateRolloutPhase}, in order, for both strategies. */
  static void phase(Rollout rollout, RolloutStatus.Builder builder, RolloutStatus status) {
    RolloutStatus.Condition invalid = find(status.conditions(), INVALID_SPEC);
    if (invalid != null) {
      builder.phase(RolloutPhase.DEGRADED).message(INVALID_SPEC + ": " + invalid.message());
      return;
    }
    RolloutStatus.Condition progressing = find(status.conditions(), PROGRESSING);
    if (progressing != null
        && ("RolloutAborted".equals(progressing.reason())
            || "ProgressDeadlineExceeded".equals(progressing.reason()))) {
      builder
          .phase(RolloutPhase.DEGRADED)
          .message(progressing.reason() + ": " + progressing.message());
      return;
    }
    if (rollout.spec().isPaused()) {
      builder.phase(RolloutPhase.PAUSED).message("manually paused");
      return;
    }
    if (!status.pauseConditions().isEmpty()) {
      builder
          .phase(RolloutPhase.PAUSED)
          .message(status.pauseConditions().get(0).reason().argoName());
      return;
    }
    String restartAt = rollout.spec().restartAt();
    if (restartAt != null && !restartAt.equals(status.restartedAt())) {
      builder.phase(RolloutPhase.PROGRESSING).message("rollout is restarting");
      return;
    }
    int replicas = rollout.spec().effectiveReplicas();
    int updated = orZero(status.updatedReplicas());
    int available = orZero(status.availableReplicas());
    if (updated < replicas) {
      builder.phase(RolloutPhase.PROGRESSING).message("more replicas need to be updated");
      return;
    }
    if (available < updated) {
      builder
          .phase(RolloutPhase.PROGRESSING)
          .message("updated replicas are still becoming available");
      return;
    }
    String stable = status.stableRS();
    boolean promoted = stable != null && stable.equals(status.currentPodHash());
    var blueGreen = rollout.spec().blueGreen();
    if (blueGreen != null) {
      String active = status.blueGreen() == null ? null : status.blueGreen().activeSelector();
      if (active == null || active.isEmpty() || !active.equals(status.currentPodHash())) {
        builder.phase(RolloutPhase.PROGRESSING).message("active service cutover pending");
        return;
      }
      if (!promoted) {
        RolloutStatus.RunStatus post =
            status.blueGreen() == null ? null : status.blueGreen().postPromotionAnalysisRunStatus();
        boolean analysing =
            blueGreen.postPromotionAnalysis() != null
                && (post == null || !post.status().isCompleted());
        builder
            .phase(RolloutPhase.PROGRESSING)
            .message(
                analysing
                    ? "waiting for analysis to complete"
                    : "waiting for post-promotion verification to complete");
        return;
      }
      builder.phase(RolloutPhase.HEALTHY).message(null);
      return;
    }
    boolean basic =
        rollout.spec().canary() != null && rollout.spec().canary().trafficRouting() == null;
    if (basic && orZero(status.replicas()) > updated) {
      builder.phase(RolloutPhase.PROGRESSING).message("old replicas are pending termination");
      return;
    }
    if (!promoted) {
      builder.phase(RolloutPhase.PROGRESSING).message("waiting for all steps to complete");
      return;
    }
    builder.phase(RolloutPhase.HEALTHY).message(null);
  }

  static int orZero(@Nullable Integer value) {
    return value == null ? 0 : value;
  }
}
