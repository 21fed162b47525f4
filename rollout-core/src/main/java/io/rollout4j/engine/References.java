package io.rollout4j.engine;

import io.rollout4j.manifest.AnalysisValidator;
import io.rollout4j.manifest.Problem;
import io.rollout4j.model.AnalysisTemplateRef;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.Argument;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Metric;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutAnalysis;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutSpec;
import io.rollout4j.model.Step;
import io.rollout4j.model.WorkloadRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Argo's reference validation: before a rollout does anything, every object it names must exist and
 * fit (the workloadRef target, its Services, every AnalysisTemplate of every analysis it may run,
 * the mesh objects of its router). While one does not, the rollout gets {@code InvalidSpec} with
 * Argo's field error and nothing moves: a canary must never step past an analysis that cannot run.
 * Checked in Argo's order, and the first problem is reported as Argo reports it ({@code <field>:
 * Invalid value: "<value>": <detail>}).
 */
final class References {
  private References() {}

  private static final String DEPLOYMENT = "Deployment";

  /**
   * Which Services and analyses a rollout names depends on its spec alone, and decide asks on every
   * reconcile: memoized per spec.
   */
  private static final Memo<RolloutSpec, Names> NAMES =
      new Memo<>(
          1024,
          spec ->
              new Names(
                  java.util.Collections.unmodifiableMap(services(spec)),
                  List.copyOf(analyses(spec))));

  /** A template's own validation depends on its spec alone: memoized per spec. */
  private static final Memo<AnalysisTemplateSpec, Problem> TEMPLATE_ERRORS =
      new Memo<>(
          1024,
          spec -> {
            Problem first = AnalysisValidator.firstError(spec);
            return first == null ? Problem.error("", "") : first;
          });

  /** One analysis the rollout may run: where its templates are named, and what it asks for. */
  record Analysis(String path, RolloutAnalysis request, boolean background) {}

  /** What a spec names: its Services by field path and its analyses, both in Argo's order. */
  private record Names(Map<String, String> services, List<Analysis> analyses) {}

  /** The first reference problem as Argo words it, or null when every reference holds. */
  static @Nullable String problem(Rollout rollout, Observation observation) {
    List<String> found = new ArrayList<>(1);
    collect(rollout, observation, found, true);
    return found.isEmpty() ? null : found.get(0);
  }

  /**
   * Every reference problem, in Argo's order, each as Argo words it ({@code <field>: Invalid value:
   * ...}): what a linter shows at once instead of one per fix.
   */
  static List<String> all(Rollout rollout, Observation observation) {
    List<String> found = new ArrayList<>();
    collect(rollout, observation, found, false);
    return found;
  }

  private static void collect(
      Rollout rollout, Observation observation, List<String> found, boolean firstOnly) {
    String workload = workload(rollout, observation);
    if (add(found, workload, firstOnly)) {
      return;
    }
    Names names = NAMES.get(rollout.spec());
    Map<String, String> services = names.services();
    for (Map.Entry<String, String> e : services.entrySet()) {
      if (!observation.services().containsKey(e.getValue())
          && add(
              found,
              invalid(e.getKey(), e.getValue(), "service \"" + e.getValue() + "\" not found"),
              firstOnly)) {
        return;
      }
    }
    Map<Analysis, List<Named>> resolved = new LinkedHashMap<>();
    for (Analysis analysis : names.analyses()) {
      List<Named> templates = new ArrayList<>();
      String missing =
          resolve(
              analysis.request().templates(),
              analysis.path(),
              observation,
              templates,
              new HashSet<>());
      if (missing != null) {
        if (add(found, missing, firstOnly)) {
          return;
        }
      } else {
        resolved.put(analysis, templates);
      }
    }
    if (add(found, observation.trafficProblem(), firstOnly)) {
      return;
    }
    PodTemplateSpec template =
        rollout.spec().workloadRef() != null
            ? observation.workloadTemplate()
            : rollout.spec().template();
    for (Map.Entry<String, String> e : services.entrySet()) {
      String problem =
          service(rollout, template, e.getKey(), observation.services().get(e.getValue()));
      if (add(found, problem, firstOnly)) {
        return;
      }
    }
    for (Map.Entry<Analysis, List<Named>> e : resolved.entrySet()) {
      if (add(found, analysis(rollout, e.getKey(), e.getValue()), firstOnly)) {
        return;
      }
    }
  }

  /** Adds a problem; true when collecting should stop (the first one was all that was asked). */
  private static boolean add(List<String> found, @Nullable String problem, boolean firstOnly) {
    if (problem == null) {
      return false;
    }
    found.add(problem);
    return firstOnly;
  }

  /**
   * The templates an analysis names, nested ones included ({@code spec.templates} of a template),
   * each once.
   *
   * @throws IllegalArgumentException naming the first template that does not exist
   */
  static List<AnalysisTemplateSpec> templates(
      List<AnalysisTemplateRef> refs, Observation observation) {
    List<Named> out = new ArrayList<>();
    String missing = resolve(refs, "templates", observation, out, new HashSet<>());
    if (missing != null) {
      throw new IllegalArgumentException(missing);
    }
    return out.stream().map(Named::spec).toList();
  }

  private record Named(String name, boolean cluster, AnalysisTemplateSpec spec) {}

  private static @Nullable String resolve(
      List<AnalysisTemplateRef> refs,
      String path,
      Observation observation,
      List<Named> out,
      Set<String> seen) {
    for (AnalysisTemplateRef ref : refs) {
      String name = String.valueOf(ref.templateName());
      boolean cluster = ref.isClusterScope();
      AnalysisTemplateSpec spec =
          cluster ? observation.clusterTemplates().get(name) : observation.templates().get(name);
      if (spec == null) {
        return invalid(
            path,
            name,
            (cluster ? "ClusterAnalysisTemplate" : "AnalysisTemplate")
                + " '"
                + name
                + "' not found");
      }
      if (!seen.add((cluster ? "cluster/" : "") + name)) {
        continue; // Argo keeps each template once; a cycle of nested templates ends here
      }
      out.add(new Named(name, cluster, spec));
      if (!spec.templates().isEmpty()) {
        String nested = resolve(spec.templates(), "spec.templates", observation, out, seen);
        if (nested != null) {
          return nested;
        }
      }
    }
    return null;
  }

  private static @Nullable String workload(Rollout rollout, Observation observation) {
    WorkloadRef ref = rollout.spec().workloadRef();
    if (ref == null) {
      return null;
    }
    String group = groupOf(ref.apiVersion());
    String resource =
        switch (String.valueOf(ref.kind())) {
          case DEPLOYMENT -> group.equals("apps") ? "deployments.apps" : null;
          case "ReplicaSet" -> group.equals("apps") ? "replicasets.apps" : null;
          case "PodTemplate" -> group.isEmpty() ? "podtemplates" : null;
          default -> null;
        };
    String value =
        "v1alpha1.ObjectRef{APIVersion:"
            + quote(ref.apiVersion())
            + ", Kind:"
            + quote(ref.kind())
            + ", Name:"
            + quote(ref.name())
            + ", ScaleDown:"
            + quote(ref.scaleDown())
            + "}";
    if (resource == null) {
      return "spec.workloadRef: Invalid value: "
          + value
          + ": workload of type "
          + group
          + "/"
          + ref.kind()
          + " is not supported";
    }
    if (observation.workload() == null) {
      return "spec.workloadRef: Invalid value: "
          + value
          + ": "
          + resource
          + " \""
          + ref.name()
          + "\" not found";
    }
    return null;
  }

  private static String groupOf(@Nullable String apiVersion) {
    if (apiVersion == null) {
      return "";
    }
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static String quote(@Nullable String text) {
    return "\"" + (text == null ? "" : text) + "\"";
  }

  /** The Services a strategy names, by field path, in the order Argo fetches them. */
  static Map<String, String> services(RolloutSpec spec) {
    Map<String, String> out = new LinkedHashMap<>();
    var blueGreen = spec.blueGreen();
    var canary = spec.canary();
    if (blueGreen != null) {
      put(out, "spec.strategy.blueGreen.activeService", blueGreen.activeService());
      put(out, "spec.strategy.blueGreen.previewService", blueGreen.previewService());
    } else if (canary != null) {
      put(out, "spec.strategy.canary.stableService", canary.stableService());
      put(out, "spec.strategy.canary.canaryService", canary.canaryService());
      if (canary.pingPong() != null) {
        put(out, "spec.strategy.canary.pingPong.pingService", canary.pingPong().pingService());
        put(out, "spec.strategy.canary.pingPong.pongService", canary.pingPong().pongService());
      }
    }
    return out;
  }

  private static void put(Map<String, String> out, String path, @Nullable String name) {
    if (name != null && !name.isEmpty()) {
      out.put(path, name);
    }
  }

  /** Every analysis the strategy may run, in the order Argo fetches their templates. */
  static List<Analysis> analyses(RolloutSpec spec) {
    List<Analysis> out = new ArrayList<>();
    var blueGreen = spec.blueGreen();
    var canary = spec.canary();
    if (blueGreen != null) {
      if (blueGreen.prePromotionAnalysis() != null) {
        out.add(
            new Analysis(
                "spec.strategy.blueGreen.prePromotionAnalysis.templates",
                blueGreen.prePromotionAnalysis(),
                false));
      }
      if (blueGreen.postPromotionAnalysis() != null) {
        out.add(
            new Analysis(
                "spec.strategy.blueGreen.postPromotionAnalysis.templates",
                blueGreen.postPromotionAnalysis(),
                false));
      }
    } else if (canary != null) {
      List<Step> steps = canary.steps();
      for (int i = 0; i < steps.size(); i++) {
        RolloutAnalysis inline = inlineAnalysis(steps.get(i));
        if (inline != null) {
          out.add(
              new Analysis(
                  "spec.strategy.canary.steps[" + i + "].analysis.templates", inline, false));
        }
      }
      if (canary.analysis() != null) {
        out.add(
            new Analysis(
                "spec.strategy.canary.analysis.templates", canary.analysis().analysis(), true));
      }
    }
    return out;
  }

  private static @Nullable RolloutAnalysis inlineAnalysis(Step step) {
    if (step instanceof Step.Analysis analysis) {
      return analysis.analysis();
    }
    if (step instanceof Step.Combined combined) {
      return combined.action(Step.Analysis.class).map(Step.Analysis::analysis).orElse(null);
    }
    return null;
  }

  /** Argo's {@code ValidateService}: the selector fits the pods, and no other rollout owns it. */
  private static @Nullable String service(
      Rollout rollout,
      @Nullable PodTemplateSpec template,
      String path,
      @Nullable GenericResource service) {
    if (service == null) {
      return null;
    }
    String name = String.valueOf(service.metadata().name());
    Map<String, String> labels =
        template == null || template.metadata() == null ? Map.of() : template.metadata().labels();
    if (service.path("spec", "selector") instanceof Map<?, ?> selector && template != null) {
      for (Map.Entry<?, ?> e : selector.entrySet()) {
        String key = String.valueOf(e.getKey());
        if (key.equals(RolloutLabels.POD_TEMPLATE_HASH)) {
          continue;
        }
        if (!String.valueOf(e.getValue()).equals(labels.get(key))) {
          return invalid(
              path, name, "Service \"" + name + "\" has unmatch label \"" + key + "\" in rollout");
        }
      }
    }
    String managedBy = service.metadata().annotations().get(RolloutLabels.MANAGED_BY);
    if (managedBy != null && !managedBy.equals(rollout.name())) {
      return invalid(path, name, "Service \"" + name + "\" is managed by another Rollout");
    }
    return null;
  }

  /** Argo's {@code ValidateAnalysisTemplatesWithType}, plus each template's own validation. */
  private static @Nullable String analysis(
      Rollout rollout, Analysis analysis, List<Named> templates) {
    for (Named t : templates) {
      Problem error = TEMPLATE_ERRORS.get(t.spec());
      if (!error.message().isEmpty()) {
        return invalid(
            analysis.path(),
            t.name(),
            (t.cluster() ? "ClusterAnalysisTemplate " : "AnalysisTemplate ")
                + t.name()
                + ": "
                + error.path()
                + ": "
                + error.message());
      }
    }
    String names =
        "templateNames: "
            + templates.stream()
                .filter(t -> !t.cluster())
                .map(Named::name)
                .collect(java.util.stream.Collectors.joining(" ", "[", "]"));
    Set<String> metricNames = new HashSet<>();
    Map<String, Argument> args = new LinkedHashMap<>();
    for (Named t : templates) {
      for (Metric metric : t.spec().metrics()) {
        if (!metricNames.add(metric.name())) {
          return invalid(
              analysis.path(), names, "two metrics have the same name '" + metric.name() + "'");
        }
      }
      for (Argument arg : t.spec().args()) {
        args.putIfAbsent(arg.name(), arg);
      }
    }
    Set<String> supplied = new HashSet<>();
    for (Argument arg : analysis.request().args()) {
      supplied.add(arg.name());
    }
    for (Argument arg : args.values()) {
      if (arg.value() == null && arg.valueFrom() == null && !supplied.contains(arg.name())) {
        return invalid(analysis.path(), names, "args." + arg.name() + " was not resolved");
      }
    }
    if (!analysis.background()) {
      for (Named t : templates) {
        for (Metric metric : t.spec().metrics()) {
          if (runsIndefinitely(metric)) {
            return invalid(
                analysis.path(),
                t.name(),
                "AnalysisTemplate "
                    + t.name()
                    + " has metric "
                    + metric.name()
                    + " which runs indefinitely. Invalid value for count: "
                    + (metric.count() == null ? "<nil>" : metric.count().toString()));
          }
        }
      }
    }
    return null;
  }

  /** Argo's {@code EffectiveCount} is nil: an interval and no (or a zero) count. */
  private static boolean runsIndefinitely(Metric metric) {
    Integer count = metric.count() == null ? null : metric.count().asInteger();
    boolean unbounded = metric.count() == null || (count != null && count == 0);
    return unbounded && metric.interval() != null && !metric.interval().isEmpty();
  }

  private static String invalid(String path, String value, String detail) {
    return path + ": Invalid value: \"" + value + "\": " + detail;
  }
}
