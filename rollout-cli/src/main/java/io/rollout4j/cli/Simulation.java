package io.rollout4j.cli;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunStatus;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Metric;
import io.rollout4j.model.PauseReason;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.model.Step;
import io.rollout4j.model.WorkloadRef;
import io.rollout4j.port.TrafficSplit;
import io.rollout4j.testkit.RolloutHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A rollout change run in virtual time on the test harness: the manifests applied as GitOps would,
 * the rollout brought to Healthy, the change applied (a new image, replica count or manifest file),
 * then the engine run with scripted metrics and actions until the rollout is promoted, aborted,
 * paused for a person, or the time limit passes.
 */
final class Simulation {
  private static final Duration CHUNK = Duration.ofMinutes(1);
  private static final Duration SETTLE_AFTER_END = Duration.ofMinutes(2);
  private static final Duration FIRST_DEPLOY_LIMIT = Duration.ofMinutes(30);

  /** What to simulate. */
  record Options(
      @Nullable String rollout,
      List<String> changes,
      Answers answers,
      Actions actions,
      Duration limit,
      Duration podsReadyAfter) {}

  private final ManifestSet set;
  private final Options options;
  private final RolloutHarness harness = RolloutHarness.create();
  private final String namespace;
  private final String name;
  private Instant start = Instant.EPOCH;
  private final Timeline timeline;

  private Simulation(ManifestSet set, Options options, ManifestSet.Item item) {
    this.set = set;
    this.options = options;
    this.namespace = item.namespace();
    this.name = String.valueOf(item.resource().name());
    this.timeline =
        new Timeline(
            namespace + "/" + name,
            options.changes().isEmpty()
                ? "first deployment"
                : String.join(", ", options.changes()));
  }

  /**
   * Runs the simulation.
   *
   * @throws IllegalArgumentException when the rollout or a change cannot be found or applied
   */
  static Timeline run(ManifestSet set, Options options, java.io.PrintWriter warnings) {
    Simulation simulation = new Simulation(set, options, target(set, options.rollout()));
    for (String metric : simulation.unanswered()) {
      warnings.println(
          "warning: no answer for metric "
              + metric
              + " (--metrics): each of its measurements will be an Error");
    }
    warnings.flush();
    return simulation.run();
  }

  /** The rollout to simulate: the one named, or the only one. */
  static ManifestSet.Item target(ManifestSet set, @Nullable String wanted) {
    List<ManifestSet.Item> rollouts =
        set.items().stream().filter(i -> i.resource() instanceof Rollout).toList();
    if (rollouts.isEmpty()) {
      throw new IllegalArgumentException("no Rollout under the given paths");
    }
    if (wanted == null) {
      if (rollouts.size() > 1) {
        throw new IllegalArgumentException(
            "--rollout is required: there are "
                + rollouts.size()
                + " rollouts ("
                + String.join(
                    ", ", rollouts.stream().map(i -> String.valueOf(i.resource().name())).toList())
                + ")");
      }
      return rollouts.get(0);
    }
    String ns = wanted.contains("/") ? wanted.substring(0, wanted.indexOf('/')) : null;
    String n = wanted.contains("/") ? wanted.substring(wanted.indexOf('/') + 1) : wanted;
    return rollouts.stream()
        .filter(i -> n.equals(i.resource().name()) && (ns == null || ns.equals(i.namespace())))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no Rollout "
                        + wanted
                        + " under the given paths; there are: "
                        + String.join(
                            ", ",
                            rollouts.stream()
                                .map(i -> i.namespace() + "/" + i.resource().name())
                                .toList())));
  }

  private Timeline run() {
    harness.cluster().podReadyAfter(options.podsReadyAfter());
    for (String type : providerTypes()) {
      harness
          .metrics()
          .script(type, request -> options.answers().measure(request, since(request.now())));
    }
    set.applyTo(harness);
    boolean firstDeployment = options.changes().isEmpty();
    if (firstDeployment) {
      start = harness.clock().instant();
      harness.afterEveryPass(h -> record());
    } else {
      Instant deadline = harness.clock().instant().plus(FIRST_DEPLOY_LIMIT);
      harness.reconcile();
      while (!settled(harness.rollout(namespace, name))
          && harness.clock().instant().isBefore(deadline)) {
        harness.advance(CHUNK);
      }
      Rollout before = harness.rollout(namespace, name);
      if (!settled(before)) {
        start = harness.clock().instant();
        record();
        timeline.outcome = Timeline.Outcome.STUCK;
        timeline.summary =
            "the rollout did not become Healthy before the change: " + message(before);
        return timeline;
      }
      start = harness.clock().instant();
      harness.afterEveryPass(h -> record());
      for (String change : options.changes()) {
        apply(change, before);
      }
    }
    harness.reconcile();
    String initialStable = firstDeployment ? null : stableOf(harness.rollout(namespace, name));
    List<Actions.Action> pending = new ArrayList<>(options.actions().actions());
    Instant end = start.plus(options.limit());
    Instant endedAt = null;
    while (harness.clock().instant().isBefore(end)) {
      Instant next = harness.clock().instant().plus(CHUNK);
      if (!pending.isEmpty() && !start.plus(pending.get(0).at()).isAfter(next)) {
        Actions.Action action = pending.remove(0);
        Instant at = start.plus(action.at());
        if (at.isAfter(harness.clock().instant())) {
          harness.advance(Duration.between(harness.clock().instant(), at));
        }
        timeline.actions.add(
            new Timeline.Done(since(harness.clock().instant()), action.describe()));
        action.perform(harness, namespace, name);
        continue;
      }
      harness.advance(CHUNK);
      Rollout now = harness.rollout(namespace, name);
      Timeline.Outcome outcome = outcome(now, initialStable, pending.isEmpty());
      if (outcome != null) {
        endedAt = reachedCurrentPhase();
        timeline.outcome = outcome;
        harness.advance(SETTLE_AFTER_END);
        break;
      }
    }
    Rollout last = harness.rollout(namespace, name);
    if (endedAt == null) {
      endedAt = harness.clock().instant();
      Timeline.Outcome outcome = outcome(last, initialStable, true);
      timeline.outcome = outcome == null ? Timeline.Outcome.STUCK : outcome;
    }
    timeline.endedAt = Duration.between(start, endedAt);
    timeline.summary = summary(last);
    measurements();
    return timeline;
  }

  /** When the rollout reached the phase it is in now: the first of the last rows in it. */
  private Instant reachedCurrentPhase() {
    List<Timeline.Row> rows = timeline.rows;
    if (rows.isEmpty()) {
      return harness.clock().instant();
    }
    String phase = rows.get(rows.size() - 1).phase();
    int first = rows.size() - 1;
    while (first > 0 && rows.get(first - 1).phase().equals(phase)) {
      first--;
    }
    return start.plus(rows.get(first).at());
  }

  private Duration since(Instant instant) {
    return Duration.between(start, instant);
  }

  /** Every provider type the manifests' analyses use: each is answered from the answers file. */
  private Set<String> providerTypes() {
    Set<String> types = new LinkedHashSet<>();
    for (ManifestSet.Item item : set.items()) {
      List<Metric> metrics = item.metrics();
      metrics.forEach(m -> types.add(m.provider().type()));
    }
    return types;
  }

  /** Metrics of the manifests no answer covers: each measurement of them will be an Error. */
  List<String> unanswered() {
    List<String> out = new ArrayList<>();
    for (ManifestSet.Item item : set.items()) {
      List<Metric> metrics = item.metrics();
      for (Metric m : metrics) {
        if (!options.answers().covers(m.name()) && !m.provider().type().equals("job")) {
          out.add(m.name());
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- the change

  private void apply(String change, Rollout rollout) {
    int eq = change.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "--change "
              + change
              + ": expected image=IMAGE, image.CONTAINER=IMAGE, replicas=N or file=PATH");
    }
    String key = change.substring(0, eq);
    String value = change.substring(eq + 1);
    if (key.equals("file")) {
      try {
        harness.apply(namespace, Files.readString(Path.of(value), StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(
            "--change file=" + value + ": cannot read: " + e.getMessage(), e);
      }
      return;
    }
    if (key.equals("replicas")) {
      int replicas;
      try {
        replicas = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--change replicas=" + value + ": expected a number", e);
      }
      Map<String, Object> tree = Manifests.toMap(rollout);
      mapAt(tree, "spec").put("replicas", replicas);
      harness.apply(namespace, Manifests.toYaml(Manifests.fromMap(tree)));
      return;
    }
    if (!key.equals("image") && !key.startsWith("image.")) {
      throw new IllegalArgumentException(
          "--change " + key + ": expected image, image.CONTAINER, replicas or file");
    }
    String container = key.equals("image") ? null : key.substring("image.".length());
    Resource target = rollout;
    String where = "the Rollout";
    WorkloadRef ref = rollout.spec().workloadRef();
    if (ref != null) {
      target =
          harness
              .cluster()
              .get(String.valueOf(ref.kind()), namespace, String.valueOf(ref.name()))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--change "
                              + change
                              + ": the workloadRef target "
                              + ref.kind()
                              + " "
                              + ref.name()
                              + " is not in the manifests"));
      where = ref.kind() + " " + ref.name();
    }
    Map<String, Object> tree = Manifests.toMap(target);
    List<Map<String, Object>> containers = containers(tree);
    List<String> names = containers.stream().map(c -> String.valueOf(c.get("name"))).toList();
    Map<String, Object> chosen = null;
    if (container == null) {
      if (containers.size() != 1) {
        throw new IllegalArgumentException(
            "--change "
                + change
                + ": the pod template of "
                + where
                + " has containers "
                + names
                + "; say which with image.CONTAINER=IMAGE");
      }
      chosen = containers.get(0);
    } else {
      for (Map<String, Object> c : containers) {
        if (container.equals(c.get("name"))) {
          chosen = c;
        }
      }
      if (chosen == null) {
        throw new IllegalArgumentException(
            "--change "
                + change
                + ": no container "
                + container
                + " in "
                + where
                + "; it has "
                + names);
      }
    }
    chosen.put("image", value);
    harness.apply(namespace, Manifests.toYaml(Manifests.fromMap(tree)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapAt(Map<String, Object> tree, String key) {
    Object value = tree.get(key);
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
      tree.put(key, copy);
      return copy;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    tree.put(key, created);
    return created;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> containers(Map<String, Object> tree) {
    Map<String, Object> podSpec = mapAt(mapAt(mapAt(tree, "spec"), "template"), "spec");
    List<Map<String, Object>> out = new ArrayList<>();
    if (podSpec.get("containers") instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      for (Object c : list) {
        Map<String, Object> container = new LinkedHashMap<>((Map<String, Object>) c);
        copy.add(container);
        out.add(container);
      }
      podSpec.put("containers", copy);
    }
    return out;
  }

  // ---------------------------------------------------------------- observing

  private static boolean settled(Rollout rollout) {
    RolloutStatus s = rollout.status();
    return s != null
        && s.phase() == RolloutPhase.HEALTHY
        && s.stableRS() != null
        && s.stableRS().equals(s.currentPodHash());
  }

  private static @Nullable String stableOf(Rollout rollout) {
    return rollout.status() == null ? null : rollout.status().stableRS();
  }

  private Timeline.@Nullable Outcome outcome(
      Rollout rollout, @Nullable String initialStable, boolean noActionsLeft) {
    RolloutStatus s = rollout.status();
    if (s == null) {
      return null;
    }
    if (s.isAborted() && s.phase() == RolloutPhase.DEGRADED) {
      return noActionsLeft ? Timeline.Outcome.ABORTED : null;
    }
    if (settled(rollout)
        && (initialStable == null
            || !initialStable.equals(s.stableRS())
            || options.changes().isEmpty())) {
      return Timeline.Outcome.PROMOTED;
    }
    if (noActionsLeft && waitsForAPerson(rollout)) {
      return Timeline.Outcome.PAUSED;
    }
    return null;
  }

  /** Paused with nothing that will end the pause by itself. */
  private static boolean waitsForAPerson(Rollout rollout) {
    RolloutStatus s = rollout.status();
    if (s == null) {
      return false;
    }
    if (rollout.spec().isPaused()) {
      return true;
    }
    for (RolloutStatus.PauseCondition c : s.pauseConditions()) {
      if (c.reason() == PauseReason.INCONCLUSIVE_ANALYSIS_RUN
          || c.reason() == PauseReason.BLUE_GREEN_PAUSE
              && rollout.spec().blueGreen() != null
              && rollout.spec().blueGreen().autoPromotionSeconds() == null) {
        return true;
      }
      if (c.reason() == PauseReason.CANARY_PAUSE_STEP
          && rollout.spec().strategy() instanceof CanaryStrategy canary
          && s.currentStepIndex() != null
          && s.currentStepIndex() < canary.steps().size()
          && canary.steps().get(s.currentStepIndex()) instanceof Step.Pause p
          && p.duration() == null) {
        return true;
      }
    }
    return false;
  }

  private void record() {
    Rollout rollout = harness.rollout(namespace, name);
    RolloutStatus s = rollout.status();
    Duration at = since(harness.clock().instant());
    if (s == null) {
      timeline.add(new Timeline.Row(at, null, 0, null, null, null, "—", "—", ""));
      return;
    }
    int steps = rollout.spec().strategy() instanceof CanaryStrategy c ? c.steps().size() : 0;
    Timeline.Pods stable = pods(s.stableRS());
    Timeline.Pods canary =
        s.currentPodHash() == null || s.currentPodHash().equals(s.stableRS())
            ? null
            : pods(s.currentPodHash());
    Integer weight = weight(rollout, stable, canary);
    timeline.add(
        new Timeline.Row(
            at,
            rollout.spec().strategy() instanceof CanaryStrategy ? s.currentStepIndex() : null,
            steps,
            weight,
            stable,
            canary,
            analysis(),
            s.phase() == null ? "—" : s.phase().argoName() + (s.isAborted() ? " (aborted)" : ""),
            message(rollout)));
  }

  private static String message(Rollout rollout) {
    RolloutStatus s = rollout.status();
    return s == null || s.message() == null ? "" : s.message();
  }

  /**
   * The canary's share of traffic: the mesh's weight where the rollout routes through one, else the
   * share of available pods, as a canary without a router splits traffic.
   */
  private @Nullable Integer weight(
      Rollout rollout, Timeline.@Nullable Pods stable, Timeline.@Nullable Pods canary) {
    if (rollout.spec().canary() != null && rollout.spec().canary().trafficRouting() != null) {
      return harness.mesh().current(namespace, name).map(TrafficSplit::canaryWeight).orElse(0);
    }
    if (rollout.spec().blueGreen() != null) {
      return null;
    }
    int c = canary == null ? 0 : canary.available();
    int total = c + (stable == null ? 0 : stable.available());
    return total == 0 ? null : Math.round(100f * c / total);
  }

  private Timeline.@Nullable Pods pods(@Nullable String hash) {
    if (hash == null) {
      return null;
    }
    for (Resource r : harness.cluster().list("ReplicaSet", namespace)) {
      if (r instanceof GenericResource rs
          && hash.equals(rs.metadata().labels().get(RolloutLabels.POD_TEMPLATE_HASH))) {
        return new Timeline.Pods(
            number(rs.path("status", "availableReplicas")), number(rs.path("spec", "replicas")));
      }
    }
    return null;
  }

  private static int number(@Nullable Object value) {
    return value instanceof Number n ? n.intValue() : 0;
  }

  private List<AnalysisRun> runs() {
    List<AnalysisRun> runs = new ArrayList<>();
    for (Resource r : harness.cluster().list(AnalysisRun.KIND, namespace)) {
      if (r instanceof AnalysisRun run
          && run.metadata().ownerReferences().stream().anyMatch(o -> name.equals(o.name()))) {
        runs.add(run);
      }
    }
    runs.sort(
        Comparator.comparing(r -> String.valueOf(r.metadata().creationTimestamp()) + r.name()));
    return runs;
  }

  /** The latest run: each metric's measurements so far and the last one's phase; the run's. */
  private String analysis() {
    List<AnalysisRun> runs = runs();
    if (runs.isEmpty()) {
      return "—";
    }
    AnalysisRun run = runs.get(runs.size() - 1);
    AnalysisRunStatus status = run.status();
    if (status == null || status.metricResults().isEmpty()) {
      return "started";
    }
    List<String> parts = new ArrayList<>();
    for (AnalysisRunStatus.MetricResult result : status.metricResults()) {
      List<AnalysisRunStatus.Measurement> ms = result.measurements();
      var lastPhase = ms.isEmpty() ? null : ms.get(ms.size() - 1).phase();
      String last =
          lastPhase == null ? "" : ", last " + lastPhase.argoName().toLowerCase(Locale.ROOT);
      parts.add(
          (status.metricResults().size() > 1 ? result.name() + ": " : "")
              + count(result)
              + " measured"
              + last);
    }
    String text = String.join("; ", parts);
    if (status.phase() != null && status.phase().isCompleted()) {
      text += "; run " + status.phase().argoName().toLowerCase(Locale.ROOT);
    }
    return text;
  }

  private static int count(AnalysisRunStatus.MetricResult result) {
    return result.count() != null ? result.count() : result.measurements().size();
  }

  private void measurements() {
    for (AnalysisRun run : runs()) {
      if (run.status() == null) {
        continue;
      }
      for (AnalysisRunStatus.MetricResult result : run.status().metricResults()) {
        for (AnalysisRunStatus.Measurement m : result.measurements()) {
          String when = m.finishedAt() != null ? m.finishedAt() : m.startedAt();
          if (when == null) {
            continue;
          }
          timeline.measurements.add(
              new Timeline.Measurement(
                  since(Instant.parse(when)),
                  String.valueOf(run.name()),
                  result.name(),
                  m.phase() == null ? "" : m.phase().argoName(),
                  m.value() == null ? (m.message() == null ? "" : m.message()) : m.value()));
        }
      }
    }
    timeline.measurements.sort(Comparator.comparing(Timeline.Measurement::at));
  }

  private String summary(Rollout rollout) {
    RolloutStatus s = rollout.status();
    if (s == null) {
      return "the rollout has no status";
    }
    return switch (timeline.outcome) {
      case PROMOTED -> s.stableRS() + " is stable and takes all traffic";
      case ABORTED -> "aborted, all traffic back on " + s.stableRS() + ": " + message(rollout);
      case PAUSED ->
          "paused at step "
              + s.currentStepIndex()
              + ", waiting for promote"
              + (message(rollout).isEmpty() ? "" : ": " + message(rollout));
      case STUCK ->
          "still "
              + (s.phase() == null ? "without a phase" : s.phase().argoName())
              + " at the end of --duration "
              + io.rollout4j.model.DurationStrings.format(options.limit())
              + (message(rollout).isEmpty() ? "" : ": " + message(rollout));
    };
  }
}
