package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.RolloutLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * ReplicaSet changes, the same for both strategies: creating and scaling the new revision, the
 * scale-down deadline annotation, draining older revisions and pruning the revision history.
 */
final class ReplicaSetPlan {
  private final Plan plan;
  private final Frame frame;

  ReplicaSetPlan(Plan plan, Frame frame) {
    this.plan = plan;
    this.frame = frame;
  }

  /**
   * Creates the new revision's ReplicaSet at {@code target} pods (not while the rollout is paused,
   * unless it is the first), or scales it; a reused older ReplicaSet (an undo) becomes the newest
   * revision, as in Argo. An aborted update keeps its scale-down deadline.
   */
  void ensureNew(int target, @Nullable PodMetadata metadata, UnaryOperator<GenericResource> extra) {
    ReplicaSetView newRs = frame.newRs();
    if (newRs == null) {
      if (!frame.rollout().spec().isPaused() || frame.initial()) {
        GenericResource created =
            extra.apply(
                ReplicaSets.build(
                    plan.stored,
                    frame.template(),
                    frame.hash(),
                    frame.nextRevision(),
                    target,
                    metadata));
        plan.actions.add(new Action.CreateReplicaSet(created));
        plan.event(
            "Normal",
            "ScalingReplicaSet",
            "Created ReplicaSet "
                + created.metadata().name()
                + " (revision "
                + frame.nextRevision()
                + ") with size "
                + target);
      }
      return;
    }
    scale(
        newRs,
        target,
        metadata,
        newRs.revision() < frame.nextRevision() - 1 && !frame.promoted()
            ? frame.nextRevision()
            : null,
        frame.aborted());
  }

  /** Scales the stable ReplicaSet while another revision is being rolled out. */
  void scaleStable(int replicas, @Nullable PodMetadata metadata) {
    if (frame.stableRs() != null && !frame.promoted()) {
      scale(frame.stableRs(), replicas, metadata, null, false);
    }
  }

  /**
   * Scales a ReplicaSet and keeps its ephemeral metadata and revision current; a scale-down
   * deadline is dropped when it is scaled back up unless {@code keepDeadline}.
   */
  void scale(
      ReplicaSetView rs,
      int replicas,
      @Nullable PodMetadata metadata,
      @Nullable Integer revision,
      boolean keepDeadline) {
    GenericResource updated = ReplicaSets.withReplicas(rs.resource(), replicas);
    updated = ReplicaSets.withEphemeral(updated, metadata);
    if (revision != null) {
      updated =
          ReplicaSets.withAnnotation(updated, RolloutLabels.REVISION, Integer.toString(revision));
    }
    if (!keepDeadline && replicas > 0 && rs.scaleDownDeadline() != null) {
      updated = ReplicaSets.withAnnotation(updated, RolloutLabels.SCALE_DOWN_DEADLINE, null);
    }
    if (!updated.equals(rs.resource())) {
      plan.actions.add(new Action.UpdateReplicaSet(updated, rs.replicas(), replicas));
      if (rs.replicas() != replicas) {
        plan.event(
            "Normal",
            "ScalingReplicaSet",
            "Scaled ReplicaSet " + rs.name() + " from " + rs.replicas() + " to " + replicas);
      }
    }
  }

  // ---------------------------------------------------------------- scale-down deadline

  /**
   * Annotates a ReplicaSet that is to lose its pods with the instant it may (Argo's {@code
   * scale-down-deadline}), and wakes the rollout then; {@code withoutEphemeral} also drops the
   * stable or active pod metadata it carried.
   */
  void markForScaleDown(ReplicaSetView rs, Duration delay, boolean withoutEphemeral) {
    Instant deadline = plan.now.plus(delay);
    GenericResource marked =
        ReplicaSets.withAnnotation(
            rs.resource(), RolloutLabels.SCALE_DOWN_DEADLINE, deadline.toString());
    if (withoutEphemeral) {
      marked = ReplicaSets.withEphemeral(marked, null);
    }
    plan.actions.add(new Action.UpdateReplicaSet(marked, rs.replicas(), rs.replicas()));
    plan.wake(deadline);
  }

  /**
   * Whether a ReplicaSet keeps its pods for now: until its scale-down deadline, which is set {@code
   * delay} from now on first sight.
   */
  boolean heldUntilDeadline(ReplicaSetView rs, Duration delay) {
    Instant deadline = rs.scaleDownDeadline();
    if (deadline == null) {
      markForScaleDown(rs, delay, false);
      return true;
    }
    if (plan.now.isBefore(deadline)) {
      plan.wake(deadline);
      return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- older revisions

  /** How a strategy drains its older ReplicaSets. */
  interface Drain {
    /** Whether this ReplicaSet must keep its pods whatever its deadline (it still serves). */
    boolean serving(ReplicaSetView rs);

    /** The pods it keeps once its deadline has passed (0 unless availability must be kept). */
    int target(ReplicaSetView rs);

    /** Every older ReplicaSet goes to 0 pods after its deadline, except those still serving. */
    static Drain toZeroUnless(Predicate<ReplicaSetView> serving) {
      return new Drain() {
        @Override
        public boolean serving(ReplicaSetView rs) {
          return serving.test(rs);
        }

        @Override
        public int target(ReplicaSetView rs) {
          return 0;
        }
      };
    }
  }

  /**
   * Older ReplicaSets, in the order given, keep their pods until their scale-down deadline — at
   * most {@code delayedLimit} of them ({@code scaleDownDelayRevisionLimit}; null: all) — then go
   * down to the drain's target, their deadline removed. Afterwards at most {@code
   * revisionHistoryLimit} scaled-down ones are kept, the oldest deleted.
   */
  void drainOlder(List<ReplicaSetView> older, @Nullable Integer delayedLimit, Drain drain) {
    int delayed = 0;
    for (ReplicaSetView rs : older) {
      if (rs.replicas() == 0) {
        continue;
      }
      Instant deadline = rs.scaleDownDeadline();
      if (deadline != null
          && plan.now.isBefore(deadline)
          && (delayedLimit == null || delayed < delayedLimit)) {
        delayed++;
        plan.wake(deadline);
        continue;
      }
      if (drain.serving(rs)) {
        continue;
      }
      int target = drain.target(rs);
      if (target != rs.replicas()) {
        GenericResource updated =
            ReplicaSets.withAnnotation(
                ReplicaSets.withReplicas(rs.resource(), target),
                RolloutLabels.SCALE_DOWN_DEADLINE,
                null);
        plan.actions.add(new Action.UpdateReplicaSet(updated, rs.replicas(), target));
        plan.event(
            "Normal",
            "ScalingReplicaSet",
            "Scaled down ReplicaSet " + rs.name() + " from " + rs.replicas() + " to " + target);
      }
    }
    pruneHistory(older);
  }

  private void pruneHistory(List<ReplicaSetView> older) {
    List<ReplicaSetView> idle = new ArrayList<>(older.size());
    for (ReplicaSetView rs : older) {
      if (rs.replicas() == 0 && rs.statusReplicas() == 0) {
        idle.add(rs);
      }
    }
    idle.sort((a, b) -> Integer.compare(a.revision(), b.revision()));
    int excess = idle.size() - frame.rollout().spec().effectiveRevisionHistoryLimit();
    for (int i = 0; i < excess; i++) {
      plan.actions.add(new Action.DeleteReplicaSet(plan.namespace(), idle.get(i).name()));
    }
  }

  /** Older ReplicaSets except those the predicate keeps out (say, what a Service selects). */
  static List<ReplicaSetView> sortedByRevision(
      List<ReplicaSetView> older, boolean newestFirst, Predicate<ReplicaSetView> include) {
    List<ReplicaSetView> sorted = new ArrayList<>(older.size());
    for (ReplicaSetView rs : older) {
      if (include.test(rs)) {
        sorted.add(rs);
      }
    }
    sorted.sort(
        newestFirst
            ? (a, b) -> Integer.compare(b.revision(), a.revision())
            : (a, b) -> Integer.compare(a.revision(), b.revision()));
    return sorted;
  }
}
