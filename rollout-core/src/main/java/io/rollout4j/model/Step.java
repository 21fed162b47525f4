package io.rollout4j.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One canary step: exactly one of Argo's eight step kinds. */
public sealed interface Step {

  /** The step's field name in a manifest, e.g. {@code setWeight}. */
  String kind();

  static Step setWeight(int weight) {
    return new SetWeight(weight);
  }

  static Step pause() {
    return new Pause(null);
  }

  static Step pause(Duration duration) {
    return new Pause(IntOrString.of(DurationStrings.format(duration)));
  }

  /** {@code setWeight: N}: the canary's share of traffic (or of pods, without a router). */
  record SetWeight(int weight) implements Step {
    @Override
    public String kind() {
      return "setWeight";
    }
  }

  /** {@code pause: {}} waits for a promote; {@code pause: {duration: 10m}} waits that long. */
  record Pause(@Nullable IntOrString duration) implements Step {
    @Override
    public String kind() {
      return "pause";
    }

    /** The duration, empty for an indefinite pause or an unparseable value. */
    public Optional<Duration> parsedDuration() {
      return duration == null ? Optional.empty() : DurationStrings.parsePause(duration);
    }
  }

  /** {@code analysis: {...}}: run the templates and wait for the run to succeed. */
  record Analysis(RolloutAnalysis analysis) implements Step {
    @Override
    public String kind() {
      return "analysis";
    }
  }

  /** {@code setCanaryScale}: replicas, weight, or back to {@code matchTrafficWeight}. */
  record SetCanaryScale(
      @Nullable Integer replicas, @Nullable Integer weight, @Nullable Boolean matchTrafficWeight)
      implements Step {
    @Override
    public String kind() {
      return "setCanaryScale";
    }
  }

  /** {@code setHeaderRoute}: send requests matching headers to the canary; no match removes it. */
  record SetHeaderRoute(@Nullable String name, List<HeaderRoutingMatch> match) implements Step {
    public SetHeaderRoute {
      match = Immutables.list(match);
    }

    @Override
    public String kind() {
      return "setHeaderRoute";
    }
  }

  /** {@code setMirrorRoute}: mirror matching requests to the canary; no match removes it. */
  record SetMirrorRoute(@Nullable String name, List<RouteMatch> match, @Nullable Integer percentage)
      implements Step {
    public SetMirrorRoute {
      match = Immutables.list(match);
    }

    @Override
    public String kind() {
      return "setMirrorRoute";
    }
  }

  /** {@code experiment}: extra ReplicaSets and analyses run side by side for a while. */
  record Experiment(
      @Nullable IntOrString duration,
      List<ExperimentTemplate> templates,
      List<ExperimentAnalysis> analyses,
      List<DryRun> dryRun,
      @Nullable PodMetadata analysisRunMetadata)
      implements Step {
    public Experiment {
      templates = Immutables.list(templates);
      analyses = Immutables.list(analyses);
      dryRun = Immutables.list(dryRun);
    }

    @Override
    public String kind() {
      return "experiment";
    }
  }

  /** {@code plugin}: a step plugin with its free-form configuration. */
  record Plugin(String name, Map<String, Object> config) implements Step {
    public Plugin {
      config = Immutables.jsonMap(config);
    }

    @Override
    public String kind() {
      return "plugin";
    }
  }

  /**
   * Several actions in one step, as Argo allows: at most one of setWeight, pause, experiment or
   * analysis, together with any of setCanaryScale, setHeaderRoute, setMirrorRoute or plugin (for
   * example {@code {setCanaryScale: {weight: 20}, setHeaderRoute: {...}, pause: {}}}). It keeps the
   * step's index, which Argo's status refers to.
   */
  record Combined(List<Step> actions) implements Step {
    /** The step kinds of which a single step may hold at most one. */
    public static final java.util.Set<String> EXCLUSIVE_KINDS =
        java.util.Set.of("setWeight", "pause", "experiment", "analysis");

    public Combined {
      actions = Immutables.list(actions);
      if (actions.size() < 2) {
        throw new IllegalArgumentException("a combined step needs at least two actions");
      }
      java.util.Set<String> kinds = new java.util.HashSet<>();
      long exclusive = 0;
      for (Step action : actions) {
        if (action instanceof Combined) {
          throw new IllegalArgumentException("combined steps cannot be nested");
        }
        if (!kinds.add(action.kind())) {
          throw new IllegalArgumentException(
              "a step cannot hold two " + action.kind() + " actions");
        }
        if (EXCLUSIVE_KINDS.contains(action.kind())) {
          exclusive++;
        }
      }
      if (exclusive > 1) {
        throw new IllegalArgumentException(MULTIPLE_KINDS_MESSAGE);
      }
    }

    @Override
    public String kind() {
      return "combined";
    }

    /** The action of the given type, if the step holds one. */
    public <T extends Step> java.util.Optional<T> action(Class<T> type) {
      return actions.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
  }

  /** Argo's message for a step with none, or more than one, of its exclusive kinds. */
  String MULTIPLE_KINDS_MESSAGE =
      "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or"
          + " pause";

  /** A header match for {@code setHeaderRoute}. */
  record HeaderRoutingMatch(String headerName, StringMatch headerValue) {}

  /** A request match for {@code setMirrorRoute}. */
  record RouteMatch(
      @Nullable StringMatch method, @Nullable StringMatch path, Map<String, StringMatch> headers) {
    public RouteMatch {
      headers = Immutables.map(headers);
    }
  }

  /** A string matcher: exactly one of exact, regex or prefix. */
  record StringMatch(@Nullable String exact, @Nullable String regex, @Nullable String prefix) {
    public static StringMatch exact(String value) {
      return new StringMatch(value, null, null);
    }

    int setCount() {
      return (exact == null ? 0 : 1) + (regex == null ? 0 : 1) + (prefix == null ? 0 : 1);
    }

    /** Whether exactly one of exact, regex and prefix is set. */
    public boolean isValid() {
      return setCount() == 1;
    }
  }

  /** One ReplicaSet of an experiment step. */
  record ExperimentTemplate(
      String name,
      String specRef,
      @Nullable Integer replicas,
      @Nullable PodMetadata metadata,
      @Nullable LabelSelector selector,
      @Nullable Integer weight,
      @Nullable ExperimentService service) {}

  /** The Service an experiment template may get; an empty name lets Argo choose one. */
  record ExperimentService(@Nullable String name) {}

  /** An analysis run as part of an experiment step. */
  record ExperimentAnalysis(
      String name,
      String templateName,
      @Nullable Boolean clusterScope,
      List<Argument> args,
      @Nullable Boolean requiredForCompletion) {
    public ExperimentAnalysis {
      args = Immutables.list(args);
    }
  }
}
