package io.rollout4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutPhase;
import io.rollout4j.model.RolloutStatus;
import io.rollout4j.port.TrafficSplit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random interleavings of time, user actions, new revisions, crash-looping pods, engine restarts
 * and port faults, with Argo's safety invariants checked after every reconcile pass.
 */
class RolloutInvariantProperties {

  enum Kind {
    ADVANCE,
    PROMOTE,
    PROMOTE_FULL,
    ABORT,
    RETRY,
    PAUSE,
    RESUME,
    NEW_REVISION,
    BAD_REVISION,
    RESTART,
    USER_RESTART,
    FAULTS
  }

  record Op(Kind kind, int seconds) {
    @Override
    public String toString() {
      return kind == Kind.ADVANCE ? "advance " + seconds + "s" : kind.name().toLowerCase();
    }
  }

  @Provide
  Arbitrary<List<Op>> scenarios() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(8, Kind.ADVANCE),
                    net.jqwik.api.Tuple.of(1, Kind.PROMOTE),
                    net.jqwik.api.Tuple.of(1, Kind.PROMOTE_FULL),
                    net.jqwik.api.Tuple.of(1, Kind.ABORT),
                    net.jqwik.api.Tuple.of(1, Kind.RETRY),
                    net.jqwik.api.Tuple.of(1, Kind.PAUSE),
                    net.jqwik.api.Tuple.of(1, Kind.RESUME),
                    net.jqwik.api.Tuple.of(2, Kind.NEW_REVISION),
                    net.jqwik.api.Tuple.of(1, Kind.BAD_REVISION),
                    net.jqwik.api.Tuple.of(2, Kind.RESTART),
                    net.jqwik.api.Tuple.of(1, Kind.USER_RESTART),
                    net.jqwik.api.Tuple.of(2, Kind.FAULTS)),
                Arbitraries.integers().between(1, 900))
            .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(20);
  }

  // ---------------------------------------------------------------- traffic-routed (the seed)

  @Property(tries = 300)
  void trafficRoutedRolloutNeverSendsTrafficToPodsThatAreNotAvailable(
      @ForAll("scenarios") List<Op> ops) {
    RolloutHarness harness = Seed.deployed();
    harness.advance(Duration.ofMinutes(1));
    harness.afterEveryPass(h -> checkTraffic(h, Seed.NAMESPACE, Seed.ROLLOUT));
    run(harness, ops, routedRevisions());
  }

  @Property(tries = 200)
  void dynamicStableScaleNeverGivesStableMoreTrafficThanItsPodsCarry(
      @ForAll("scenarios") List<Op> ops) {
    RolloutHarness harness = RolloutHarness.create();
    harness.metrics().script("skywalking", request -> Seed.apdex(9950));
    harness.apply(Seed.NAMESPACE, Seed.bookinfo());
    harness.apply(Seed.NAMESPACE, Seed.read("tse-gitops-demo/argo/tse/conf.yaml"));
    harness.apply(Seed.NAMESPACE, Seed.read("tse-gitops-demo/argo/rollout/analysis.yaml"));
    harness.apply(
        Seed.NAMESPACE,
        Seed.read("tse-gitops-demo/argo/rollout/rollout.yaml")
            .replace(
                "      canaryMetadata:", "      dynamicStableScale: true\n      canaryMetadata:"));
    harness.advance(Duration.ofMinutes(1));
    harness.afterEveryPass(
        h -> {
          checkTraffic(h, Seed.NAMESPACE, Seed.ROLLOUT);
          TrafficSplit s = h.mesh().current(Seed.NAMESPACE, Seed.ROLLOUT).orElseThrow();
          if (s.canaryWeight() > 0) {
            assertThat(available(h, Seed.NAMESPACE, s.stableHash()))
                .as("stable pods for %d%% of traffic", s.stableWeight())
                .isGreaterThanOrEqualTo((int) Math.ceil(5 * s.stableWeight() / 100.0));
          }
        });
    run(harness, ops, routedRevisions());
  }

  private static List<String> routedRevisions() {
    List<String> bookinfo = new ArrayList<>();
    for (int v = 2; v < 40; v++) {
      bookinfo.add(
          Seed.bookinfo()
              .replace(
                  Seed.V1_IMAGE, "docker.io/istio/examples-bookinfo-reviews-v" + v + ":1.16.4"));
    }
    return bookinfo;
  }

  private static void checkTraffic(RolloutHarness harness, String namespace, String name) {
    Optional<TrafficSplit> split = harness.mesh().current(namespace, name);
    if (split.isEmpty()) {
      return;
    }
    TrafficSplit s = split.get();
    assertThat(s.canaryWeight() + s.stableWeight()).isEqualTo(100);
    if (s.canaryWeight() > 0) {
      assertThat(available(harness, namespace, s.canaryHash()))
          .as("canary %s has available pods while it gets %d%%", s.canaryHash(), s.canaryWeight())
          .isPositive();
    }
    if (s.stableWeight() > 0) {
      assertThat(available(harness, namespace, s.stableHash()))
          .as("stable %s has available pods while it gets %d%%", s.stableHash(), s.stableWeight())
          .isPositive();
    }
    RolloutStatus status = harness.rollout(namespace, name).status();
    if (status != null && status.canary() != null && status.canary().weights() != null) {
      RolloutStatus.Weights w = status.canary().weights();
      assertThat(w.canary().weight() + w.stable().weight()).isEqualTo(100);
    }
  }

  // ---------------------------------------------------------------- basic canary

  private static final String BASIC =
      """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata: {name: basic}
      spec:
        replicas: 6
        selector: {matchLabels: {app: basic}}
        template:
          metadata: {labels: {app: basic}}
          spec:
            containers: [{name: app, image: "app:1"}]
        strategy:
          canary:
            maxSurge: 1
            maxUnavailable: 1
            steps:
            - setWeight: 20
            - pause: {duration: 2m}
            - setWeight: 50
            - pause: {}
            - setWeight: 80
            - pause: {duration: 1m}
      """;

  @Property(tries = 300)
  void basicCanaryStaysWithinSurgeAndAvailability(@ForAll("scenarios") List<Op> ops) {
    RolloutHarness harness = RolloutHarness.create();
    harness.apply("apps", BASIC);
    harness.advance(Duration.ofMinutes(1));
    assertThat(harness.rollout("apps", "basic").status().phase()).isEqualTo(RolloutPhase.HEALTHY);
    harness.afterEveryPass(RolloutInvariantProperties::checkBasic);
    List<String> revisions = new ArrayList<>();
    for (int v = 2; v < 40; v++) {
      revisions.add(BASIC.replace("app:1", "app:" + v));
    }
    run(harness, ops, revisions);
  }

  private static void checkBasic(RolloutHarness harness) {
    Rollout rollout = harness.rollout("apps", "basic");
    int replicas = rollout.spec().effectiveReplicas();
    int specTotal = 0;
    int available = 0;
    for (Resource r : harness.cluster().list("ReplicaSet", "apps")) {
      GenericResource rs = (GenericResource) r;
      specTotal += ((Number) rs.path("spec", "replicas")).intValue();
      available += ((Number) rs.path("status", "availableReplicas")).intValue();
    }
    assertThat(specTotal).as("pods").isLessThanOrEqualTo(replicas + MAX_SURGE);
    if (!crashLooping) {
      assertThat(available).as("available pods").isGreaterThanOrEqualTo(replicas - MAX_UNAVAILABLE);
    }
  }

  /** The basic canary's maxSurge and maxUnavailable, as its manifest below sets them. */
  private static final int MAX_SURGE = 1;

  private static final int MAX_UNAVAILABLE = 1;

  static boolean crashLooping;

  // ---------------------------------------------------------------- restart convergence

  @Property(tries = 150)
  void restartsAndFaultsConvergeToTheSameEndStateAsAnUninterruptedRun(
      @ForAll("scenarios") List<Op> ops) {
    List<Op> steady =
        ops.stream()
            .filter(o -> o.kind() == Kind.ADVANCE || o.kind() == Kind.NEW_REVISION)
            .toList();
    RolloutHarness calm = Seed.deployed();
    calm.advance(Duration.ofMinutes(1));
    RolloutHarness troubled = Seed.deployed();
    troubled.advance(Duration.ofMinutes(1));
    List<String> revisions = routedRevisions();

    int revision = 0;
    int opIndex = 0;
    for (Op op : steady) {
      if (op.kind() == Kind.NEW_REVISION) {
        String bookinfo = revisions.get(revision++ % revisions.size());
        calm.apply(Seed.NAMESPACE, bookinfo);
        troubled.apply(Seed.NAMESPACE, bookinfo);
        continue;
      }
      calm.advance(Duration.ofSeconds(op.seconds()));
      troubled.cluster().faults().failWithProbability(0.3, op.seconds() + opIndex);
      troubled.mesh().faults().failWithProbability(0.3, op.seconds() * 31L + opIndex);
      troubled.advance(Duration.ofSeconds(op.seconds() / 2));
      troubled.restartEngine();
      troubled.advance(Duration.ofSeconds(op.seconds() - op.seconds() / 2));
      opIndex++;
    }
    troubled.cluster().faults().clear();
    troubled.mesh().faults().clear();
    calm.advance(Duration.ofHours(2));
    troubled.advance(Duration.ofHours(2));

    assertThat(endState(troubled)).isEqualTo(endState(calm));
  }

  private static Map<String, Object> endState(RolloutHarness harness) {
    RolloutStatus status = harness.rollout(Seed.NAMESPACE, Seed.ROLLOUT).status();
    Map<String, Integer> replicas = new java.util.TreeMap<>();
    for (Resource r : harness.cluster().list("ReplicaSet", Seed.NAMESPACE)) {
      GenericResource rs = (GenericResource) r;
      if (rs.metadata().name().startsWith(Seed.ROLLOUT)) {
        replicas.put(
            rs.metadata().labels().get("rollouts-pod-template-hash"),
            ((Number) rs.path("spec", "replicas")).intValue());
      }
    }
    return Map.of(
        "stable", String.valueOf(status.stableRS()),
        "current", String.valueOf(status.currentPodHash()),
        "phase", String.valueOf(status.phase()),
        "traffic",
            String.valueOf(harness.mesh().current(Seed.NAMESPACE, Seed.ROLLOUT).orElse(null)),
        "replicas", replicas);
  }

  // ---------------------------------------------------------------- driver

  static void run(RolloutHarness harness, List<Op> ops, List<String> revisions) {
    String namespace = harness.cluster().allOfKind(Rollout.KIND).get(0).namespace();
    String name = harness.cluster().allOfKind(Rollout.KIND).get(0).name();
    boolean routed = name.equals(Seed.ROLLOUT);
    int revision = 0;
    crashLooping = false;
    for (Op op : ops) {
      switch (op.kind()) {
        case ADVANCE -> harness.advance(Duration.ofSeconds(op.seconds()));
        case PROMOTE -> harness.promote(namespace, name);
        case PROMOTE_FULL -> harness.promoteFull(namespace, name);
        case ABORT -> harness.abort(namespace, name);
        case RETRY -> harness.retry(namespace, name);
        case PAUSE -> harness.pause(namespace, name);
        case RESUME -> harness.resume(namespace, name);
        case NEW_REVISION ->
            harness.apply(
                routed ? Seed.NAMESPACE : "apps", revisions.get(revision++ % revisions.size()));
        case BAD_REVISION -> {
          String image = "crashloop-" + op.seconds();
          crashLooping = true;
          harness.cluster().podsNeverReady(rs -> String.valueOf(rs.body()).contains(image));
          String manifest = revisions.get(revision++ % revisions.size());
          harness.apply(
              routed ? Seed.NAMESPACE : "apps",
              routed
                  ? manifest.replaceFirst("examples-bookinfo-reviews-v\\d+:1.16.4", image)
                  : manifest.replaceFirst("app:\\d+", image));
        }
        case RESTART -> harness.restartEngine();
        case USER_RESTART -> harness.restart(namespace, name);
        case FAULTS -> {
          harness.cluster().faults().failWithProbability(0.3, op.seconds());
          harness.mesh().faults().failWithProbability(0.3, op.seconds() + 1L);
          harness.advance(Duration.ofSeconds(op.seconds()));
          harness.cluster().faults().clear();
          harness.mesh().faults().clear();
        }
      }
    }
  }

  static int available(RolloutHarness harness, String namespace, String hash) {
    for (Resource r : harness.cluster().list("ReplicaSet", namespace)) {
      GenericResource rs = (GenericResource) r;
      if (hash != null && hash.equals(rs.metadata().labels().get("rollouts-pod-template-hash"))) {
        return ((Number) rs.path("status", "availableReplicas")).intValue();
      }
    }
    return 0;
  }
}
