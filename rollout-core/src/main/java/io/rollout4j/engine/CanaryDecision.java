package io.rollout4j.engine;

import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.PodMetadata;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.model.Timestamps;
import io.rollout4j.port.TrafficSplit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One reconcile of a canary rollout. Built per call; holds the inputs and accumulates actions, the
 * new status and the earliest instant at which the rollout wants to be looked at again.
 */
final class CanaryDecision extends DecisionSupport {
  private static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);

  private final CanaryStrategy canary;
  private RolloutStatus.@Nullable RunStatus stepRun;
  private RolloutStatus.@Nullable RunStatus backgroundRun;
  private @Nullable String abortReason;
  private int revision;
  private List<ReplicaSetView> sets = List.of();

  CanaryDecision(Rollout rollout, Observation observation, Instant now) {
    super(rollout, observation, now);
    this.canary = java.util.Objects.requireNonNull(rollout.spec().canary());
  }

  Decision decide() {
    PodTemplateSpec template = template();
    if (template == null) {
      return StatusRules.invalidSpec(
          stored, now, "InvalidSpec", "the pod template could not be read from spec.workloadRef");
    }
    List<ReplicaSetView> sets = replicaSets();
    this.sets = sets;
    String hash =
        PodTemplateMatch.hashOf(
            template, PodTemplateHash.of(template, status.collisionCount()), sets);
    int nextRevision = 1;
    for (ReplicaSetView rs : sets) {
      nextRevision = Math.max(nextRevision, rs.revision() + 1);
    }

    if (!hash.equals(status.currentPodHash()) || !stepsUnchanged()) {
      startUpdate(hash, sets);
    } else if (!stepsHash().equals(status.currentStepHash())) {
      status = status.toBuilder().currentStepHash(stepsHash()).build();
    }
    Rollout rollout = stored.withStatus(status);

    ReplicaSetView newRs = find(sets, hash);
    ReplicaSetView stableRs = status.stableRS() == null ? null : find(sets, status.stableRS());
    List<ReplicaSetView> older = List.of();
    for (ReplicaSetView rs : sets) {
      if (rs != newRs && rs != stableRs) {
        if (older.isEmpty()) {
          older = new ArrayList<>(sets.size());
        }
        older.add(rs);
      }
    }
    boolean initial = stableRs == null;
    boolean promoted = hash.equals(status.stableRS());
    boolean aborted = status.isAborted();
    boolean routed = canary.trafficRouting() != null;

    revision = revisionOf(newRs, nextRevision);
    if (aborted && status.abortedAt() == null) {
      status = status.toBuilder().abortedAt(now.toString()).build();
      event(
          "Warning",
          "RolloutAborted",
          "Rollout aborted update to revision " + revisionOf(newRs, nextRevision));
    }

    // 1. Replica targets for the new and stable ReplicaSets.
    TrafficWeights observed = observedWeights();
    ReplicaCounts counts =
        initial
            ? new ReplicaCounts(rollout.spec().effectiveReplicas(), 0)
            : CanaryReplicas.desired(
                rollout,
                newRs == null
                    ? ReplicaSetState.of(rollout.name() + "-" + hash, hash, 0, 0)
                    : newRs.state(),
                stableRs == null ? null : stableRs.state(),
                states(older),
                observed);
    if (rollout.spec().isPaused()) {
      // A manually paused rollout neither scales nor advances.
      counts =
          new ReplicaCounts(
              newRs == null ? 0 : newRs.replicas(),
              stableRs == null ? 0 : (promoted ? 0 : stableRs.replicas()));
    }

    // 2. Ensure the new ReplicaSet exists and is scaled; stable likewise.
    int canaryTarget = counts.canary();
    if (aborted && routed && newRs != null && !promoted) {
      canaryTarget = abortedCanaryTarget(newRs, canaryTarget, observed);
    }
    if (newRs == null) {
      if (!rollout.spec().isPaused() || initial) {
        GenericResource created =
            ReplicaSets.build(
                stored, template, hash, nextRevision, canaryTarget, ephemeral(promoted || initial));
        actions.add(new Action.CreateReplicaSet(created));
        event(
            "Normal",
            "ScalingReplicaSet",
            "Created ReplicaSet "
                + created.metadata().name()
                + " (revision "
                + nextRevision
                + ") with size "
                + canaryTarget);
      }
    } else {
      scale(
          newRs,
          canaryTarget,
          ephemeral(promoted || initial),
          newRs.revision() < nextRevision - 1 && !promoted ? nextRevision : null,
          aborted);
    }
    if (stableRs != null && !promoted) {
      scale(stableRs, counts.stable(), canary.stableMetadata(), null, false);
    }

    // 3. Traffic.
    TrafficSplit split = null;
    if (routed) {
      split =
          desiredSplit(rollout, hash, newRs, stableRs, initial, promoted, aborted, canaryTarget);
      if (split != null && !split.equals(observation.traffic())) {
        actions.add(new Action.SetTraffic(split));
      }
    }
    TrafficSplit effective = split != null ? split : observation.traffic();
    pointServices(hash, newRs, stableRs, initial || promoted, aborted, routed, effective);

    // 4. Analysis runs: background analysis, and runs no longer wanted are terminated.
    terminateStaleRuns(rollout, hash, promoted, aborted);
    pruneRunHistory(rollout);
    if (!aborted && !initial && !promoted) {
      background(rollout, hash);
    }

    // 5. Steps, promotion.
    if (!status.isAborted() && !rollout.spec().isPaused()) {
      if (initial) {
        if (newRs != null && newRs.availableReplicas() >= rollout.spec().effectiveReplicas()) {
          promote(hash, null, "Initial deploy");
        }
      } else if (!promoted) {
        advance(rollout, hash, newRs, stableRs, older, counts, effective);
      }
    }

    // As Argo: an aborted update goes back to its first step (a retry starts the steps again); an
    // abort of the stable revision itself stays at the end.
    if (status.isAborted() && !canary.steps().isEmpty()) {
      int index = hash.equals(status.stableRS()) ? canary.steps().size() : 0;
      if (!Integer.valueOf(index).equals(status.currentStepIndex())) {
        status = status.toBuilder().currentStepIndex(index).build();
      }
    }
    // As Argo: an aborted rollout holds no pause; the abort is what stops it.
    if (status.isAborted()
        && (!status.pauseConditions().isEmpty() || Boolean.TRUE.equals(status.controllerPause()))) {
      status = status.toBuilder().pauseConditions(List.of()).controllerPause(null).build();
    }

    // 6. Older ReplicaSets: scaled down (after their deadline), then pruned to the history limit.
    handleOlder(older, routed, rollout, effective);

    // 6. Pods started before restartAt are evicted, a few at a time.
    restart(rollout, sets, hash, Math.max(CanaryReplicas.maxUnavailable(rollout), 1));

    // The background run's latest state is reported even after promotion or abort.
    if (backgroundRun == null && canary.analysis() != null) {
      io.rollout4j.model.AnalysisRun latest =
          RunRules.latest(observation.analysisRuns(), hash, RunRole.BACKGROUND, null);
      if (latest != null) {
        backgroundRun = runStatus(latest);
      }
    }

    // 7. Status, then the referenced workload's scale-down, which depends on it.
    finishStatus(rollout, hash, sets, newRs, effective);
    scaleDownWorkload(rollout, initial);
    Duration requeue = requeue();
    return new Decision(actions, status, requeue);
  }

  // ---------------------------------------------------------------- revision

  private @Nullable PodTemplateSpec template() {
    if (stored.spec().workloadRef() != null) {
      return observation.workloadTemplate();
    }
    return stored.spec().template();
  }

  private static final Memo<List<Step>, String> STEPS_HASHES =
      new Memo<>(4096, CanaryDecision::stepsHash);

  private String stepsHash() {
    return STEPS_HASHES.get(canary.steps());
  }

  /**
   * Whether {@code status.currentStepHash} names the steps of the spec: Argo's hash (FNV-32a of
   * Go's JSON of the steps, safe alphabet), or the one Rollout4j wrote before it computed Argo's,
   * so neither a hand-over from Argo nor an upgrade starts the steps over.
   */
  private boolean stepsUnchanged() {
    String recorded = status.currentStepHash();
    return stepsHash().equals(recorded) || LEGACY_STEPS_HASHES.get(canary.steps()).equals(recorded);
  }

  static String stepsHash(List<Step> steps) {
    // Argo hashes the Go slice: no steps is a nil slice, written as null.
    Object tree = steps.isEmpty() ? null : io.rollout4j.manifest.Manifests.toTree(steps);
    return PodTemplateHash.safeFnv(GoJson.encodeSteps(tree), null);
  }

  private static final Memo<List<Step>, String> LEGACY_STEPS_HASHES =
      new Memo<>(4096, CanaryDecision::legacyStepsHash);

  /** The steps hash of Rollout4j before Argo's: FNV-1a of the steps' Java text, in decimal. */
  private static String legacyStepsHash(List<Step> steps) {
    String json = String.valueOf(io.rollout4j.manifest.Manifests.toTree(steps));
    int hash = 0x811c9dc5;
    for (byte b : json.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return Integer.toUnsignedString(hash);
  }

  /** A changed pod template or step list starts the update over, as in Argo. */
  private void startUpdate(String hash, List<ReplicaSetView> sets) {
    boolean templateChanged = !hash.equals(status.currentPodHash());
    int steps = canary.steps().size();
    Integer index = steps == 0 ? null : 0;
    if (templateChanged && withinRollbackWindow(hash, sets)) {
      index = steps == 0 ? null : steps;
      event("Normal", "SkipSteps", "Rollback within window");
    }
    if (status.stableRS() == null || hash.equals(status.stableRS())) {
      // Initial deploy, or back to the stable revision: no steps to walk through.
      index = steps == 0 ? null : steps;
      if (status.stableRS() != null && templateChanged) {
        event("Normal", "SkipSteps", "Rollback to stable ReplicaSet");
      }
    }
    RolloutStatus.Builder b =
        status.toBuilder()
            .currentPodHash(hash)
            .currentStepHash(stepsHash())
            .currentStepIndex(index)
            .pauseConditions(List.of())
            .controllerPause(null)
            .promoteFull(null);
    if (templateChanged) {
      b.abort(null).abortedAt(null);
      b.canary(
          status.canary() == null
              ? null
              : new RolloutStatus.CanaryStatus(
                  null, null, null, status.canary().weights(), null, List.of()));
    }
    status = b.build();
  }

  /**
   * {@code rollbackWindow.revisions}: going back to a ReplicaSet older than the stable one but
   * among the last N revisions skips every step.
   */
  private boolean withinRollbackWindow(String hash, List<ReplicaSetView> sets) {
    var window = stored.spec().rollbackWindow();
    ReplicaSetView target = find(sets, hash);
    ReplicaSetView stable = find(sets, status.stableRS());
    if (window == null || window.revisions() == null || target == null || stable == null) {
      return false;
    }
    if (target.revision() >= stable.revision()) {
      return false;
    }
    long newer = sets.stream().filter(rs -> rs.revision() > target.revision()).count();
    return newer <= window.revisions();
  }

  // ---------------------------------------------------------------- replica sets

  private List<ReplicaSetView> replicaSets() {
    List<ReplicaSetView> views = new ArrayList<>(observation.replicaSets().size());
    for (GenericResource rs : observation.replicaSets()) {
      ReplicaSetView view = ReplicaSetView.of(rs);
      if (view != null) {
        views.add(view);
      }
    }
    return views;
  }

  private static int revisionOf(@Nullable ReplicaSetView rs, int next) {
    return rs == null || rs.revision() == 0 ? next : rs.revision();
  }

  private @Nullable PodMetadata ephemeral(boolean stable) {
    return stable ? canary.stableMetadata() : canary.canaryMetadata();
  }

  /**
   * After an abort with a traffic router, the canary keeps its pods for {@code
   * abortScaleDownDelaySeconds} (30 s by default; 0 keeps them) once traffic has left it. With
   * dynamicStableScale and no delay set, the canary shrinks as traffic steps back to stable (as
   * Argo does: the step-by-step abort is the drain). With a delay set, the canary keeps all its
   * pods while traffic steps back, and the delay starts once the router reports none on it.
   */
  private int abortedCanaryTarget(
      ReplicaSetView newRs, int target, @Nullable TrafficWeights observed) {
    if (target >= newRs.replicas()) {
      return target;
    }
    if (canary.isDynamicStableScale()) {
      if (canary.abortScaleDownDelaySeconds() == null) {
        return target;
      }
      if (observed != null && observed.canaryWeight() > 0 && newRs.scaleDownDeadline() == null) {
        return newRs.replicas();
      }
    }
    Integer configured = canary.abortScaleDownDelaySeconds();
    if (configured != null && configured == 0) {
      return newRs.replicas();
    }
    Duration delay = configured == null ? DEFAULT_SCALE_DOWN_DELAY : Duration.ofSeconds(configured);
    Instant deadline = newRs.scaleDownDeadline();
    if (deadline == null) {
      GenericResource marked =
          ReplicaSets.withAnnotation(
              newRs.resource(), RolloutLabels.SCALE_DOWN_DEADLINE, now.plus(delay).toString());
      actions.add(new Action.UpdateReplicaSet(marked, newRs.replicas(), newRs.replicas()));
      wake(now.plus(delay));
      return newRs.replicas();
    }
    if (now.isBefore(deadline)) {
      wake(deadline);
      return newRs.replicas();
    }
    return target;
  }

  private void handleOlder(
      List<ReplicaSetView> older, boolean routed, Rollout rollout, @Nullable TrafficSplit traffic) {
    if (older.isEmpty()) {
      return;
    }
    List<ReplicaSetView> sorted = new ArrayList<>(older);
    sorted.sort(Comparator.comparingInt(ReplicaSetView::revision));
    int budget = Integer.MAX_VALUE;
    if (!routed) {
      // Basic canary: older pods carry traffic, so drain them within maxUnavailable.
      int available =
          observation.replicaSets().stream()
              .mapToInt(
                  rs -> {
                    ReplicaSetView v = ReplicaSetView.of(rs);
                    return v == null ? 0 : Math.min(v.replicas(), v.availableReplicas());
                  })
              .sum();
      int minAvailable =
          rollout.spec().effectiveReplicas() - CanaryReplicas.maxUnavailable(rollout);
      budget = Math.max(0, available - minAvailable);
    }
    for (ReplicaSetView rs : sorted) {
      if (rs.replicas() == 0) {
        continue;
      }
      Instant deadline = rs.scaleDownDeadline();
      if (deadline != null && now.isBefore(deadline)) {
        wake(deadline);
        continue;
      }
      if (traffic != null && traffic.canaryWeight() > 0 && rs.hash().equals(traffic.canaryHash())) {
        continue; // still carries traffic; it is scaled down once the traffic has left it
      }
      int target = 0;
      if (!routed) {
        // Unavailable pods go at once; available ones only within the maxUnavailable budget.
        int drainedAvailable = Math.min(budget, rs.availableReplicas());
        target = rs.availableReplicas() - drainedAvailable;
        budget -= drainedAvailable;
      }
      if (target != rs.replicas()) {
        GenericResource updated = ReplicaSets.withReplicas(rs.resource(), target);
        updated = ReplicaSets.withAnnotation(updated, RolloutLabels.SCALE_DOWN_DEADLINE, null);
        actions.add(new Action.UpdateReplicaSet(updated, rs.replicas(), target));
        event(
            "Normal",
            "ScalingReplicaSet",
            "Scaled down ReplicaSet " + rs.name() + " from " + rs.replicas() + " to " + target);
      }
    }
    // revisionHistoryLimit: keep that many scaled-down older ReplicaSets, delete the oldest.
    List<ReplicaSetView> idle = new ArrayList<>(sorted.size());
    for (ReplicaSetView rs : sorted) {
      if (rs.replicas() == 0 && rs.statusReplicas() == 0) {
        idle.add(rs);
      }
    }
    int excess = idle.size() - rollout.spec().effectiveRevisionHistoryLimit();
    for (int i = 0; i < excess; i++) {
      ReplicaSetView rs = idle.get(i);
      actions.add(new Action.DeleteReplicaSet(String.valueOf(stored.namespace()), rs.name()));
    }
  }

  // ---------------------------------------------------------------- traffic

  private @Nullable TrafficWeights observedWeights() {
    RolloutStatus.Weights weights = status.canary() == null ? null : status.canary().weights();
    if (weights != null) {
      return TrafficWeights.of(weights.canary().weight(), weights.stable().weight());
    }
    TrafficSplit traffic = observation.traffic();
    return traffic == null
        ? null
        : TrafficWeights.of(traffic.canaryWeight(), traffic.stableWeight());
  }

  /**
   * The split the mesh should carry (Argo's {@code CalculateReplicaCountsForTrafficRoutedCanary}
   * weights), or null to leave it as it is. Traffic only moves to the canary once its ReplicaSet is
   * fully available at its current target, and the canary subset only switches to a new hash then.
   */
  private @Nullable TrafficSplit desiredSplit(
      Rollout rollout,
      String hash,
      @Nullable ReplicaSetView newRs,
      @Nullable ReplicaSetView stableRs,
      boolean initial,
      boolean promoted,
      boolean aborted,
      int canaryTarget) {
    TrafficSplit current = observation.traffic();
    if (initial || promoted) {
      if (newRs == null || !newRs.fullyAvailable()) {
        return null;
      }
      return TrafficSplit.of(0, hash, hash);
    }
    String stableHash = stableRs == null ? status.stableRS() : stableRs.hash();
    boolean canaryReady =
        newRs != null && newRs.fullyAvailable() && newRs.replicas() >= canaryTarget;
    String canaryHash =
        canaryReady
            ? hash
            : current != null && current.canaryHash() != null ? current.canaryHash() : stableHash;
    if (newRs == null || newRs.availableReplicas() == 0) {
      // The new revision cannot serve yet. If an older canary (an interrupted update) still
      // carries traffic, it keeps what stable cannot take yet (Argo issue #3372: all traffic to
      // a stable that dynamic stable scale had shrunk); otherwise everything goes to stable.
      int carried = currentWeight(current);
      ReplicaSetView serving =
          current == null || current.canaryHash() == null ? null : find(sets, current.canaryHash());
      if (carried > 0
          && serving != null
          && serving.availableReplicas() > 0
          && !serving.hash().equals(hash)
          && !serving.hash().equals(stableHash)) {
        int weight = withinStableCapacity(rollout, stableRs, 0, carried);
        return withRoutes(TrafficSplit.of(weight, serving.hash(), stableHash), List.of());
      }
      return withRoutes(TrafficSplit.of(0, canaryHash, stableHash), List.of());
    }
    if (aborted) {
      // Abort: traffic returns to stable as fast as stable can carry it; the canary subset
      // keeps its hash until the canary is scaled down. Managed routes go at once.
      int weight =
          stableRs != null
                  && CanaryReplicas.abortsStepByStep(rollout, newRs.state(), stableRs.state())
              ? stepwiseAbortWeight(rollout, newRs, stableRs, current)
              : withinStableCapacity(rollout, stableRs, 0, currentWeight(current));
      return withRoutes(TrafficSplit.of(weight, hash, stableHash), List.of());
    }
    int weight;
    if (Boolean.TRUE.equals(status.promoteFull())) {
      weight =
          canaryReady && newRs.availableReplicas() >= rollout.spec().effectiveReplicas()
              ? 100
              : currentWeight(current);
    } else {
      int index = CanarySteps.currentStepIndex(rollout);
      List<Step> steps = canary.steps();
      if (index >= steps.size()) {
        weight =
            canaryReady && newRs.availableReplicas() >= rollout.spec().effectiveReplicas()
                ? 100
                : previousWeight(rollout, steps.size());
      } else {
        weight =
            canaryReady ? CanarySteps.currentSetWeight(rollout) : previousWeight(rollout, index);
      }
    }
    if (!canaryReady) {
      // Never point more traffic at a ReplicaSet than it had before it was ready.
      weight = Math.min(weight, currentWeight(current));
    }
    weight = withinStableCapacity(rollout, stableRs, weight, currentWeight(current));
    return withRoutes(
        TrafficSplit.of(weight, canaryHash, stableHash),
        headerRoutes(rollout),
        mirrorRoutes(rollout));
  }

  /**
   * Argo's {@code calculateDesiredWeightOnAbortOrStableRollback} with dynamic stable scale: traffic
   * steps back through the setWeight steps as stable's available pods grow to carry each one, and
   * never rises again because stable availability flaps.
   */
  private static int stepwiseAbortWeight(
      Rollout rollout,
      ReplicaSetView newRs,
      ReplicaSetView stableRs,
      @Nullable TrafficSplit current) {
    int replicas = rollout.spec().effectiveReplicas();
    if (replicas == 0) {
      return 0;
    }
    int desired = CanaryReplicas.abortStepWeight(rollout, newRs.state(), stableRs.state());
    int stableCarries = 100 * stableRs.availableReplicas() / replicas;
    int expected = Math.max(0, 100 - stableCarries);
    if (current == null) {
      return Math.max(expected, desired);
    }
    int now = current.canaryWeight();
    if (desired <= 0) {
      return Math.min(expected, now);
    }
    if (stableCarries < 100 - desired) {
      return now; // stable is still scaling up to carry the next step
    }
    return Math.min(desired, now);
  }

  /**
   * Moving traffic back to stable never gives it more than its available pods can carry (they may
   * still be scaling up under dynamic stable scale, or some were lost): the canary keeps the
   * difference, but never more than it has now.
   */
  private static int withinStableCapacity(
      Rollout rollout, @Nullable ReplicaSetView stableRs, int weight, int current) {
    if (stableRs == null || weight >= current) {
      return weight;
    }
    int replicas = rollout.spec().effectiveReplicas();
    if (replicas == 0) {
      return weight;
    }
    int stableCanCarry = (int) Math.min(100, (long) stableRs.availableReplicas() * 100 / replicas);
    return Math.min(current, Math.max(weight, 100 - stableCanCarry));
  }

  /**
   * {@code stableService} selects the stable ReplicaSet and {@code canaryService} the canary once
   * its pods are ready to serve (with traffic routing: whatever the split's canary destination
   * selects, so host-level and subset-level splitting switch together); an aborted canary's Service
   * goes back to stable once no traffic is routed to the canary.
   */
  private void pointServices(
      String hash,
      @Nullable ReplicaSetView newRs,
      @Nullable ReplicaSetView stableRs,
      boolean newIsStable,
      boolean aborted,
      boolean routed,
      @Nullable TrafficSplit traffic) {
    ReplicaSetView stable = newIsStable ? newRs : stableRs;
    String stableHash = stable != null && stable.fullyAvailable() ? stable.hash() : null;
    point(service(canary.stableService()), stableHash);
    String canaryHash;
    if (newIsStable) {
      canaryHash = stableHash;
    } else if (routed) {
      canaryHash =
          aborted && traffic != null && traffic.canaryWeight() == 0
              ? stableHash
              : traffic == null ? null : traffic.canaryHash();
    } else if (aborted) {
      canaryHash = stableHash;
    } else {
      canaryHash = newRs != null && newRs.fullyAvailable() ? hash : null;
    }
    point(service(canary.canaryService()), canaryHash);
  }

  private static int currentWeight(@Nullable TrafficSplit current) {
    return current == null ? 0 : current.canaryWeight();
  }

  /** The last setWeight strictly before the given step index (0 if none). */
  private int previousWeight(Rollout rollout, int index) {
    List<Step> steps = canary.steps();
    for (int i = Math.min(index, steps.size()) - 1; i >= 0; i--) {
      Optional<Integer> w = CanarySteps.setWeightOf(steps.get(i));
      if (w.isPresent()) {
        return w.get();
      }
    }
    return 0;
  }

  private static TrafficSplit withRoutes(
      TrafficSplit split, List<TrafficSplit.HeaderRoute> routes) {
    return withRoutes(split, routes, List.of());
  }

  private static TrafficSplit withRoutes(
      TrafficSplit split,
      List<TrafficSplit.HeaderRoute> headers,
      List<TrafficSplit.MirrorRoute> mirrors) {
    return new TrafficSplit(
        split.canaryWeight(), split.canaryHash(), split.stableHash(), headers, mirrors);
  }

  /** Mirror routes set by steps up to the current one, the latest per route name winning. */
  private List<TrafficSplit.MirrorRoute> mirrorRoutes(Rollout rollout) {
    Map<String, TrafficSplit.MirrorRoute> routes = new LinkedHashMap<>();
    List<Step> steps = canary.steps();
    int index = Math.min(CanarySteps.currentStepIndex(rollout), steps.size() - 1);
    for (int i = 0; i <= index; i++) {
      Step step = steps.get(i);
      for (int a = 0, n = actionCount(step); a < n; a++) {
        Step action = actionAt(step, a);
        if (action instanceof Step.SetMirrorRoute m && m.name() != null) {
          if (m.match().isEmpty()) {
            routes.remove(m.name());
            continue;
          }
          List<Map<String, Object>> match = new ArrayList<>();
          for (Step.RouteMatch r : m.match()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (r.method() != null) {
              entry.put("method", io.rollout4j.manifest.Manifests.toTree(r.method()));
            }
            if (r.path() != null) {
              entry.put("path", io.rollout4j.manifest.Manifests.toTree(r.path()));
            }
            if (!r.headers().isEmpty()) {
              entry.put("headers", io.rollout4j.manifest.Manifests.toTree(r.headers()));
            }
            match.add(entry);
          }
          int percentage = m.percentage() == null ? 100 : m.percentage();
          routes.put(m.name(), new TrafficSplit.MirrorRoute(m.name(), match, percentage));
        }
      }
    }
    return inManagedOrder(routes);
  }

  /** Header routes set by steps up to the current one, the latest per route name winning. */
  private List<TrafficSplit.HeaderRoute> headerRoutes(Rollout rollout) {
    Map<String, TrafficSplit.HeaderRoute> routes = new LinkedHashMap<>();
    List<Step> steps = canary.steps();
    int index = Math.min(CanarySteps.currentStepIndex(rollout), steps.size() - 1);
    for (int i = 0; i <= index; i++) {
      Step step = steps.get(i);
      for (int a = 0, n = actionCount(step); a < n; a++) {
        Step action = actionAt(step, a);
        if (action instanceof Step.SetHeaderRoute h && h.name() != null) {
          if (h.match().isEmpty()) {
            routes.remove(h.name());
          } else {
            Map<String, Map<String, String>> headers = new TreeMap<>();
            for (Step.HeaderRoutingMatch m : h.match()) {
              Map<String, String> value = new TreeMap<>();
              if (m.headerValue().exact() != null) {
                value.put("exact", m.headerValue().exact());
              }
              if (m.headerValue().regex() != null) {
                value.put("regex", m.headerValue().regex());
              }
              if (m.headerValue().prefix() != null) {
                value.put("prefix", m.headerValue().prefix());
              }
              headers.put(m.headerName(), value);
            }
            routes.put(h.name(), new TrafficSplit.HeaderRoute(h.name(), headers));
          }
        }
      }
    }
    return inManagedOrder(routes);
  }

  /**
   * Routes in {@code managedRoutes} order, which is their precedence in the mesh (validation makes
   * every step's route name one of them), so a split read back from the mesh compares equal.
   */
  private <T> List<T> inManagedOrder(Map<String, T> routesByName) {
    if (routesByName.isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    var routing = canary.trafficRouting();
    if (routing != null) {
      for (var managed : routing.managedRoutes()) {
        T route = routesByName.get(managed.name());
        if (route != null) {
          out.add(route);
        }
      }
    }
    return List.copyOf(out);
  }

  private static List<ReplicaSetState> states(List<ReplicaSetView> sets) {
    if (sets.isEmpty()) {
      return List.of();
    }
    List<ReplicaSetState> states = new ArrayList<>(sets.size());
    for (ReplicaSetView rs : sets) {
      states.add(rs.state());
    }
    return states;
  }

  // actionCount/actionAt walk a step's actions without a list per step: the route lookups visit
  // every step up to the current one on each reconcile.
  private static int actionCount(Step step) {
    return step instanceof Step.Combined c ? c.actions().size() : 1;
  }

  private static Step actionAt(Step step, int index) {
    return step instanceof Step.Combined c ? c.actions().get(index) : step;
  }

  // ---------------------------------------------------------------- analysis

  /**
   * Background analysis: one run per update, from {@code startingStep}, reacting as Argo does to
   * its phase.
   */
  private void background(Rollout rollout, String hash) {
    var request = canary.analysis();
    if (request == null
        || CanarySteps.currentStepIndex(rollout) < request.effectiveStartingStep()) {
      return;
    }
    io.rollout4j.model.AnalysisRun run =
        RunRules.latest(observation.analysisRuns(), hash, RunRole.BACKGROUND, null);
    if (run == null || needsNewRun(run)) {
      createRun(rollout, request.analysis(), hash, RunRole.BACKGROUND, null);
      return;
    }
    backgroundRun = runStatus(run);
    react(run, "Background analysis");
  }

  /** An analysis step: create its run, then wait for it; true once it succeeded. */
  private boolean stepAnalysisDone(Rollout rollout, String hash, int index, Step.Analysis step) {
    io.rollout4j.model.AnalysisRun run =
        RunRules.latest(observation.analysisRuns(), hash, RunRole.STEP, index);
    if (run == null || needsNewRun(run)) {
      createRun(rollout, step.analysis(), hash, RunRole.STEP, index);
      return false;
    }
    stepRun = runStatus(run);
    if (RunRules.phaseOf(run) == AnalysisPhase.SUCCESSFUL) {
      return true;
    }
    react(run, "Step-based analysis");
    return false;
  }

  /**
   * A finished run that must be replaced: it failed and the rollout was retried since, or it was
   * inconclusive and a human has promoted past the pause. Nothing is re-created while paused.
   */
  private boolean needsNewRun(io.rollout4j.model.AnalysisRun run) {
    AnalysisPhase phase = RunRules.phaseOf(run);
    if (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR) {
      return !status.isAborted() && status.abortedAt() != null;
    }
    if (phase == AnalysisPhase.INCONCLUSIVE) {
      // Only once the rollout has paused for this run and a human has promoted past the pause.
      boolean reactedBefore = recordedAs(run, AnalysisPhase.INCONCLUSIVE);
      return reactedBefore && !pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN);
    }
    return false;
  }

  /** Whether the rollout's status already reports this run in this phase. */
  private boolean recordedAs(io.rollout4j.model.AnalysisRun run, AnalysisPhase phase) {
    RolloutStatus.CanaryStatus c = status.canary();
    if (c == null) {
      return false;
    }
    for (RolloutStatus.RunStatus recorded :
        java.util.Arrays.asList(
            c.currentBackgroundAnalysisRunStatus(), c.currentStepAnalysisRunStatus())) {
      if (recorded != null && recorded.name().equals(run.name()) && recorded.status() == phase) {
        return true;
      }
    }
    return false;
  }

  private void react(io.rollout4j.model.AnalysisRun run, String what) {
    AnalysisPhase phase = RunRules.phaseOf(run);
    String message = run.status() == null ? null : run.status().message();
    if (phase == AnalysisPhase.FAILED || phase == AnalysisPhase.ERROR) {
      // Argo writes "phase error/failed" literally, whichever of the two it was.
      String reason =
          what
              + " phase error/failed"
              + (message == null || message.isEmpty() ? "" : ": " + message);
      abortReason = reason;
      status = status.toBuilder().abort(true).abortedAt(now.toString()).build();
      event(
          "Warning",
          "AnalysisRun" + phase.argoName(),
          "Analysis Run '" + run.name() + "' Status New: '" + phase.argoName() + "'");
      event(
          "Warning",
          "RolloutAborted",
          "Rollout aborted update to revision " + revision + ": " + reason);
      wake(now);
    } else if (phase == AnalysisPhase.INCONCLUSIVE
        && !pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      addPause(PauseReason.INCONCLUSIVE_ANALYSIS_RUN);
      event(
          "Warning",
          "AnalysisRunInconclusive",
          "Analysis Run '" + run.name() + "' Status New: 'Inconclusive'");
    }
  }

  private void createRun(
      Rollout rollout,
      io.rollout4j.model.RolloutAnalysis request,
      String hash,
      RunRole role,
      @Nullable Integer step) {
    io.rollout4j.model.AnalysisRun run;
    try {
      run =
          RunRules.build(
              rollout, request, observation, hash, status.stableRS(), revision, role, step);
    } catch (IllegalArgumentException e) {
      invalid(String.valueOf(e.getMessage()));
      return;
    }
    actions.add(new Action.CreateAnalysisRun(run));
    event(
        "Normal", "AnalysisRunRunning", "Analysis Run '" + run.name() + "' Status New: 'Running'");
    RolloutStatus.RunStatus created =
        new RolloutStatus.RunStatus(String.valueOf(run.name()), AnalysisPhase.PENDING, null);
    if (role == RunRole.STEP) {
      stepRun = created;
    } else {
      backgroundRun = created;
    }
  }

  private static RolloutStatus.RunStatus runStatus(io.rollout4j.model.AnalysisRun run) {
    return new RolloutStatus.RunStatus(
        String.valueOf(run.name()),
        RunRules.phaseOf(run),
        run.status() == null ? null : run.status().message());
  }

  /**
   * Runs end when their part of the rollout is over: another revision is current, the update was
   * promoted or aborted, or a step run's step has passed.
   */
  private void terminateStaleRuns(Rollout rollout, String hash, boolean promoted, boolean aborted) {
    int index = CanarySteps.currentStepIndex(rollout);
    terminateStaleRuns(
        hash,
        promoted,
        aborted,
        run ->
            !RunRole.STEP.labels(run)
                || StatusRules.isDecimal(run.metadata().labels().get(RunRules.STEP_INDEX), index));
  }

  // ---------------------------------------------------------------- steps

  private void advance(
      Rollout rollout,
      String hash,
      @Nullable ReplicaSetView newRs,
      @Nullable ReplicaSetView stableRs,
      List<ReplicaSetView> older,
      ReplicaCounts counts,
      @Nullable TrafficSplit traffic) {
    int replicas = rollout.spec().effectiveReplicas();
    boolean routed = canary.trafficRouting() != null;
    if (Boolean.TRUE.equals(status.promoteFull())) {
      if (newRs != null
          && newRs.availableReplicas() >= replicas
          && (!routed || atWeight(traffic, hash, 100))) {
        promote(hash, stableRs, "Full promotion requested");
      }
      return;
    }
    if (pausedFor(PauseReason.INCONCLUSIVE_ANALYSIS_RUN)) {
      return; // an inconclusive analysis waits for a human
    }
    List<Step> steps = canary.steps();
    int index = CanarySteps.currentStepIndex(rollout);
    if (index >= steps.size()) {
      boolean ready =
          newRs != null && newRs.availableReplicas() >= replicas && newRs.replicas() >= replicas;
      boolean basicDone = routed || older.stream().allMatch(rs -> rs.availableReplicas() == 0);
      if (ready && basicDone && (!routed || atWeight(traffic, hash, 100))) {
        promote(
            hash,
            stableRs,
            steps.isEmpty()
                ? "Completed rolling update"
                : "Completed all " + steps.size() + " canary steps");
      }
      return;
    }
    Step step = steps.get(index);
    int parts = actionCount(step);
    for (int a = 0; a < parts; a++) {
      Step part = actionAt(step, a);
      if (part instanceof Step.Experiment || part instanceof Step.Plugin) {
        unsupported(index, part);
        return;
      }
    }
    clearUnsupported();
    Step.Pause pause = null;
    boolean needsTargets = false;
    Step.Analysis analysisStep = null;
    for (int a = 0; a < parts; a++) {
      Step part = actionAt(step, a);
      if (part instanceof Step.Pause p) {
        pause = p;
      } else if (part instanceof Step.SetWeight || part instanceof Step.SetCanaryScale) {
        needsTargets = true;
      } else if (part instanceof Step.Analysis analysis && analysisStep == null) {
        analysisStep = analysis;
      }
    }
    if (needsTargets
        && !atTargets(newRs, stableRs, older, counts, routed, traffic, hash, rollout)) {
      return;
    }
    if (analysisStep != null && !stepAnalysisDone(rollout, hash, index, analysisStep)) {
      return;
    }
    if (pause != null && !pauseDone(pause)) {
      return;
    }
    completeStep(index, steps.size(), step);
  }

  private boolean atWeight(@Nullable TrafficSplit traffic, String hash, int weight) {
    return traffic != null && traffic.canaryWeight() == weight && hash.equals(traffic.canaryHash());
  }

  private boolean atTargets(
      @Nullable ReplicaSetView newRs,
      @Nullable ReplicaSetView stableRs,
      List<ReplicaSetView> older,
      ReplicaCounts counts,
      boolean routed,
      @Nullable TrafficSplit traffic,
      String hash,
      Rollout rollout) {
    if (newRs == null
        || newRs.replicas() != counts.canary()
        || newRs.availableReplicas() < counts.canary()) {
      return false;
    }
    if (!routed || !canary.isDynamicStableScale()) {
      if (stableRs == null
          || stableRs.replicas() != counts.stable()
          || stableRs.statusReplicas() != counts.stable()) {
        return false;
      }
    }
    if (!routed) {
      return older.stream().allMatch(rs -> rs.availableReplicas() == 0);
    }
    int weight = CanarySteps.currentSetWeight(rollout);
    return traffic != null
        && traffic.canaryWeight() == weight
        && (weight == 0 || hash.equals(traffic.canaryHash()));
  }

  /** Adds the pause condition on first sight; done when its duration passed or a user resumed. */
  private boolean pauseDone(Step.Pause pause) {
    RolloutStatus.PauseCondition condition = pauseOf(PauseReason.CANARY_PAUSE_STEP);
    if (condition == null) {
      if (Boolean.TRUE.equals(status.controllerPause())) {
        // The user resumed: the condition was cleared while the controller's pause remained.
        status = status.toBuilder().controllerPause(null).build();
        return true;
      }
      addPause(PauseReason.CANARY_PAUSE_STEP);
      Optional<Duration> duration = pause.parsedDuration();
      if (duration.isPresent()) {
        if (duration.get().isZero()) {
          return false;
        }
        wake(now.plus(duration.get()));
      }
      return false;
    }
    Optional<Duration> duration = pause.parsedDuration();
    if (duration.isEmpty()) {
      return false;
    }
    if (!pauseOver(condition, Timestamps.parse(condition.startTime()).plus(duration.get()))) {
      return false;
    }
    status = status.toBuilder().controllerPause(null).build();
    return true;
  }

  private void completeStep(int index, int total, Step step) {
    status = status.toBuilder().currentStepIndex(index + 1).build();
    event(
        "Normal",
        "RolloutStepCompleted",
        "Rollout step " + (index + 1) + "/" + total + " completed (" + describe(step) + ")");
  }

  private static String describe(Step step) {
    if (step instanceof Step.SetWeight w) {
      return "setWeight: " + w.weight();
    }
    if (step instanceof Step.Pause p) {
      return p.duration() == null
          ? "pause"
          : "pause: "
              + DurationStrings.parsePause(p.duration()).map(DurationStrings::format).orElse("?");
    }
    return step.kind();
  }

  private void unsupported(int index, Step step) {
    String message =
        "The Rollout \""
            + stored.name()
            + "\" is invalid: step "
            + index
            + " ("
            + step.kind()
            + ") is not supported by Rollout4j; remove it, or run this rollout with Argo Rollouts";
    invalidSpec("UnsupportedStep", message);
  }

  private void clearUnsupported() {
    RolloutStatus.Condition c = StatusRules.find(status.conditions(), StatusRules.INVALID_SPEC);
    if (c != null && "UnsupportedStep".equals(c.reason())) {
      status =
          status.toBuilder()
              .conditions(StatusRules.remove(status.conditions(), StatusRules.INVALID_SPEC))
              .build();
    }
  }

  private void promote(String hash, @Nullable ReplicaSetView previousStable, String reason) {
    status =
        status.toBuilder()
            .stableRS(hash)
            .promoteFull(null)
            .pauseConditions(List.of())
            .controllerPause(null)
            .currentStepIndex(canary.steps().isEmpty() ? null : canary.steps().size())
            .build();
    event(
        "Normal",
        "RolloutCompleted",
        "Rollout completed update to revision (" + hash + "): " + reason);
    if (previousStable != null
        && previousStable.replicas() > 0
        && canary.trafficRouting() != null) {
      int seconds = canary.scaleDownDelaySeconds() == null ? 30 : canary.scaleDownDelaySeconds();
      if (!canary.isDynamicStableScale() && seconds > 0) {
        Instant deadline = now.plusSeconds(seconds);
        GenericResource marked =
            ReplicaSets.withAnnotation(
                previousStable.resource(), RolloutLabels.SCALE_DOWN_DEADLINE, deadline.toString());
        marked = ReplicaSets.withEphemeral(marked, null);
        actions.add(
            new Action.UpdateReplicaSet(
                marked, previousStable.replicas(), previousStable.replicas()));
        wake(deadline);
      }
    }
  }

  // ---------------------------------------------------------------- status

  private void finishStatus(
      Rollout rollout,
      String hash,
      List<ReplicaSetView> sets,
      @Nullable ReplicaSetView newRs,
      @Nullable TrafficSplit traffic) {
    int replicas = 0;
    int ready = 0;
    int available = 0;
    for (ReplicaSetView rs : sets) {
      replicas += rs.statusReplicas();
      ready += rs.readyReplicas();
      available += rs.availableReplicas();
    }
    int updated = newRs == null ? 0 : newRs.statusReplicas();
    RolloutStatus.Builder b =
        status.toBuilder()
            .replicas(replicas)
            .updatedReplicas(updated)
            .readyReplicas(ready)
            .availableReplicas(available)
            .HPAReplicas(replicas)
            .selector(selectorString(rollout, hash))
            .observedGeneration(StatusRules.generationOf(stored));
    RolloutStatus.CanaryStatus canaryStatus = status.canary();
    if (stepRun != null || backgroundRun != null) {
      RolloutStatus.CanaryStatus c =
          canaryStatus == null
              ? new RolloutStatus.CanaryStatus(null, null, null, null, null, List.of())
              : canaryStatus;
      canaryStatus =
          new RolloutStatus.CanaryStatus(
              stepRun != null ? stepRun : c.currentStepAnalysisRunStatus(),
              backgroundRun != null ? backgroundRun : c.currentBackgroundAnalysisRunStatus(),
              c.currentExperiment(),
              c.weights(),
              c.stablePingPong(),
              c.stepPluginStatuses());
    }
    if (traffic != null
        && canary.trafficRouting() != null
        && (canaryStatus == null || !reports(canaryStatus.weights(), traffic))) {
      RolloutStatus.Weights weights =
          new RolloutStatus.Weights(
              new RolloutStatus.WeightDestination(
                  traffic.canaryWeight(), canary.canaryService(), traffic.canaryHash()),
              new RolloutStatus.WeightDestination(
                  traffic.stableWeight(), canary.stableService(), traffic.stableHash()),
              List.of(),
              null);
      RolloutStatus.CanaryStatus old = canaryStatus;
      canaryStatus =
          old == null
              ? new RolloutStatus.CanaryStatus(null, null, null, weights, null, List.of())
              : new RolloutStatus.CanaryStatus(
                  old.currentStepAnalysisRunStatus(),
                  old.currentBackgroundAnalysisRunStatus(),
                  old.currentExperiment(),
                  weights,
                  old.stablePingPong(),
                  old.stepPluginStatuses());
    }
    b.canary(canaryStatus);
    boolean analysisStep = false;
    Step current = CanarySteps.currentStep(rollout).orElse(null);
    if (current != null) {
      for (int a = 0, n = actionCount(current); a < n; a++) {
        analysisStep |= actionAt(current, a) instanceof Step.Analysis;
      }
    }
    boolean promoted = hash.equals(status.stableRS());
    List<RolloutStatus.Condition> conditions =
        conditions(
            rollout,
            hash,
            newRs,
            revision,
            abortReason,
            !analysisStep,
            new Counts(updated, ready, available),
            available
                >= rollout.spec().effectiveReplicas() - CanaryReplicas.maxUnavailable(rollout),
            promoted
                && updated >= rollout.spec().effectiveReplicas()
                && available >= updated
                && replicas == updated);
    b.conditions(conditions);
    // A progress deadline may have aborted the update while the conditions were worked out.
    b.abort(status.abort()).abortedAt(status.abortedAt());
    RolloutStatus interim = b.build();
    StatusRules.phase(rollout, b, interim);
    status = b.build();
  }

  /** Whether {@code status.canary.weights} already reports this split. */
  private boolean reports(RolloutStatus.@Nullable Weights weights, TrafficSplit traffic) {
    return weights != null
        && weights.additional().isEmpty()
        && weights.verified() == null
        && reports(
            weights.canary(), traffic.canaryWeight(), canary.canaryService(), traffic.canaryHash())
        && reports(
            weights.stable(), traffic.stableWeight(), canary.stableService(), traffic.stableHash());
  }

  private static boolean reports(
      RolloutStatus.WeightDestination destination,
      int weight,
      @Nullable String service,
      @Nullable String hash) {
    return destination.weight() == weight
        && java.util.Objects.equals(destination.serviceName(), service)
        && java.util.Objects.equals(destination.podTemplateHash(), hash);
  }

  static OwnerReference ownerOf(Rollout rollout) {
    String uid = rollout.metadata().uid();
    return new OwnerReference(
        Rollout.ARGO_API_VERSION,
        Rollout.KIND,
        String.valueOf(rollout.name()),
        uid == null ? "" : uid,
        true,
        true);
  }
}
