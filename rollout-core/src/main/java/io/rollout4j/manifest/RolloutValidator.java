package io.rollout4j.manifest;

import io.rollout4j.model.AntiAffinity;
import io.rollout4j.model.Argument;
import io.rollout4j.model.BackgroundAnalysis;
import io.rollout4j.model.BlueGreenStrategy;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.DurationStrings;
import io.rollout4j.model.IntOrString;
import io.rollout4j.model.IstioTrafficRouting;
import io.rollout4j.model.LabelSelector;
import io.rollout4j.model.PingPong;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutAnalysis;
import io.rollout4j.model.RolloutSpec;
import io.rollout4j.model.Step;
import io.rollout4j.model.TrafficRouting;
import io.rollout4j.model.WorkloadRef;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Argo Rollouts' InvalidSpec rules for what can be checked from the Rollout alone (references to
 * Services, templates and VirtualServices are checked by the engine against the cluster). Every
 * problem is returned, each with its path and, where Argo has one, Argo's own message, so users who
 * search for it find Argo's documentation.
 */
public final class RolloutValidator {
  private RolloutValidator() {}

  static final String MISSING_STRATEGY =
      "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'";

  private static final Set<String> SCALE_DOWN_MODES = Set.of("never", "onsuccess", "progressively");

  /** Kubernetes resource quantities: a decimal number and an optional SI/binary suffix. */
  private static final Pattern QUANTITY =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\\d+)?");

  private static final Pattern DOWNWARD_API =
      Pattern.compile(
          "metadata\\.(name|namespace|uid|labels\\['[^']+'\\]|annotations\\['[^']+'\\])");

  /** Every InvalidSpec problem of the rollout; empty when it is valid. */
  public static List<Problem> validate(Rollout rollout) {
    // The spec only: the engine memoizes the result per spec (Reconciler).
    List<Problem> problems = new ArrayList<>();
    validateSpec(rollout.spec(), problems);
    return List.copyOf(problems);
  }

  private static void validateSpec(RolloutSpec spec, List<Problem> problems) {
    if (spec.replicas() != null && spec.replicas() < 0) {
      problems.add(Problem.error("spec.replicas", "must be greater than or equal to 0"));
    }
    LabelSelector selector = spec.selector();
    WorkloadRef workloadRef = spec.workloadRef();
    PodTemplateSpec template = spec.template();
    if (selector == null) {
      if (workloadRef == null) {
        problems.add(Problem.error("spec.selector", "Rollout has missing field '.spec.selector'"));
      }
    } else if (selector.isEmpty()) {
      problems.add(Problem.error("spec.selector", "empty selector is invalid for deployment"));
    }
    if (workloadRef != null) {
      if (template != null && (!template.spec().isEmpty() || !template.labels().isEmpty())) {
        problems.add(
            Problem.error(
                "spec.template", "template must be empty for workload reference rollout"));
      }
      validateWorkloadRef(workloadRef, problems);
    } else if (template == null) {
      problems.add(Problem.error("spec.template", "Rollout has missing field '.spec.template'"));
    } else {
      validateTemplate(template, problems);
      if (selector != null && !selector.isEmpty() && !selector.matches(template.labels())) {
        problems.add(
            Problem.error(
                "spec.template.metadata.labels", "`selector` does not match template `labels`"));
      }
    }
    nonNegative(spec.minReadySeconds(), "spec.minReadySeconds", problems);
    nonNegative(spec.revisionHistoryLimit(), "spec.revisionHistoryLimit", problems);
    nonNegative(spec.progressDeadlineSeconds(), "spec.progressDeadlineSeconds", problems);
    if (spec.effectiveProgressDeadlineSeconds() <= spec.effectiveMinReadySeconds()) {
      problems.add(
          Problem.error(
              "spec.progressDeadlineSeconds",
              "Invalid value: "
                  + spec.effectiveProgressDeadlineSeconds()
                  + ": must be greater than minReadySeconds"));
    }
    if (spec.restartAt() != null && !isRfc3339(spec.restartAt())) {
      problems.add(
          Problem.error(
              "spec.restartAt",
              "expected an RFC 3339 time such as 2024-05-01T10:00:00Z, found \""
                  + spec.restartAt()
                  + "\""));
    }
    if (spec.rollbackWindow() != null) {
      nonNegative(spec.rollbackWindow().revisions(), "spec.rollbackWindow.revisions", problems);
    }
    if (spec.analysis() != null) {
      nonNegative(
          spec.analysis().successfulRunHistoryLimit(),
          "spec.analysis.successfulRunHistoryLimit",
          problems);
      nonNegative(
          spec.analysis().unsuccessfulRunHistoryLimit(),
          "spec.analysis.unsuccessfulRunHistoryLimit",
          problems);
    }
    if (spec.strategy() == null) {
      problems.add(Problem.error("spec.strategy", MISSING_STRATEGY));
    } else if (spec.strategy() instanceof CanaryStrategy canary) {
      validateCanary(canary, problems);
    } else if (spec.strategy() instanceof BlueGreenStrategy blueGreen) {
      validateBlueGreen(spec, blueGreen, problems);
    }
  }

  private static void validateWorkloadRef(WorkloadRef ref, List<Problem> problems) {
    String group = groupOf(ref.apiVersion());
    String kind = ref.kind() == null ? "" : ref.kind();
    boolean supported =
        (group.equals("apps") && (kind.equals("Deployment") || kind.equals("ReplicaSet")))
            || (group.isEmpty() && kind.equals("PodTemplate"));
    if (!supported) {
      problems.add(
          Problem.error(
              "spec.workloadRef",
              "workload of type "
                  + group
                  + "/"
                  + kind
                  + " is not supported"
                  + " (expected apps/v1 Deployment or ReplicaSet, or v1 PodTemplate)"));
    }
    if (ref.name() == null || ref.name().isEmpty()) {
      problems.add(Problem.error("spec.workloadRef.name", "Required value"));
    }
    if (ref.scaleDown() != null
        && !ref.scaleDown().isEmpty()
        && !SCALE_DOWN_MODES.contains(ref.scaleDown())) {
      problems.add(
          Problem.error(
              "spec.workloadRef.scaleDown",
              "expected one of never, onsuccess, progressively, found \""
                  + ref.scaleDown()
                  + "\""));
    }
  }

  private static String groupOf(@Nullable String apiVersion) {
    if (apiVersion == null) {
      return "";
    }
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static void validateTemplate(PodTemplateSpec template, List<Problem> problems) {
    Object containers = template.spec().get("containers");
    if (!(containers instanceof List<?> list) || list.isEmpty()) {
      problems.add(Problem.error("spec.template.spec.containers", "Required value"));
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String path = "spec.template.spec.containers[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> container)) {
        problems.add(Problem.error(path, "expected an object"));
        continue;
      }
      if (!(container.get("name") instanceof String name) || name.isEmpty()) {
        problems.add(Problem.error(path + ".name", "Required value"));
      }
      if (!(container.get("image") instanceof String image) || image.isEmpty()) {
        problems.add(Problem.error(path + ".image", "Required value"));
      }
      if (container.get("resources") instanceof Map<?, ?> resources) {
        for (String kind : List.of("requests", "limits")) {
          if (resources.get(kind) instanceof Map<?, ?> quantities) {
            quantities.forEach(
                (resource, quantity) ->
                    validateQuantity(
                        quantity, path + ".resources." + kind + "." + resource, problems));
          }
        }
      }
    }
  }

  private static void validateQuantity(
      @Nullable Object quantity, String path, List<Problem> problems) {
    boolean valid =
        quantity instanceof Number
            || (quantity instanceof String text && QUANTITY.matcher(text).matches());
    if (!valid) {
      problems.add(
          Problem.error(
              path,
              "Invalid value: \""
                  + quantity
                  + "\": quantities must match the regular expression"
                  + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    }
  }

  // ---------------------------------------------------------------- canary

  private static void validateCanary(CanaryStrategy canary, List<Problem> problems) {
    String base = "spec.strategy.canary";
    validateIntOrPercent(canary.maxSurge(), base + ".maxSurge", false, problems);
    validateIntOrPercent(canary.maxUnavailable(), base + ".maxUnavailable", true, problems);
    if (isZero(canary.maxSurge()) && isZero(canary.maxUnavailable())) {
      problems.add(
          Problem.error(
              base + ".maxUnavailable", "MaxSurge and MaxUnavailable both can not be zero"));
    }
    String canaryService = emptyToNull(canary.canaryService());
    String stableService = emptyToNull(canary.stableService());
    if (canaryService != null && canaryService.equals(stableService)) {
      problems.add(
          Problem.error(
              base + ".stableService",
              "This rollout uses the same service for the stable and canary services, but two"
                  + " different services are required."));
    }
    TrafficRouting routing = canary.trafficRouting();
    if (routing != null) {
      validateTrafficRouting(canary, routing, problems);
    } else {
      if (canary.scaleDownDelaySeconds() != null) {
        problems.add(
            Problem.error(
                base + ".scaleDownDelaySeconds",
                "Canary scaleDownDelaySeconds can only be used with traffic routing"));
      }
      if (canary.isDynamicStableScale()) {
        problems.add(
            Problem.error(
                base + ".dynamicStableScale",
                "Canary dynamicStableScale can only be used with traffic routing"));
      }
      if (canary.abortScaleDownDelaySeconds() != null) {
        problems.add(
            Problem.error(
                base + ".abortScaleDownDelaySeconds",
                "Canary abortScaleDownDelaySeconds can only be used with traffic routing"));
      }
      if (canary.minPodsPerReplicaSet() != null) {
        problems.add(
            Problem.error(
                base + ".minPodsPerReplicaSet",
                "Canary minPodsPerReplicaSet can only be used with traffic routing"));
      }
    }
    if (canary.isDynamicStableScale() && canary.scaleDownDelaySeconds() != null) {
      problems.add(
          Problem.error(
              base + ".dynamicStableScale",
              "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds"));
    }
    nonNegative(canary.scaleDownDelaySeconds(), base + ".scaleDownDelaySeconds", problems);
    nonNegative(
        canary.scaleDownDelayRevisionLimit(), base + ".scaleDownDelayRevisionLimit", problems);
    nonNegative(
        canary.abortScaleDownDelaySeconds(), base + ".abortScaleDownDelaySeconds", problems);
    if (canary.minPodsPerReplicaSet() != null && canary.minPodsPerReplicaSet() < 1) {
      problems.add(Problem.error(base + ".minPodsPerReplicaSet", "must be at least 1"));
    }
    if (canary.pingPong() != null) {
      validatePingPong(canary.pingPong(), routing, base + ".pingPong", problems);
    }
    if (canary.antiAffinity() != null) {
      validateAntiAffinity(canary.antiAffinity(), base + ".antiAffinity", problems);
    }
    if (canary.replicaProgressThreshold() != null) {
      String type = canary.replicaProgressThreshold().type();
      if (!type.equals("Percent") && !type.equals("Pods")) {
        problems.add(
            Problem.error(
                base + ".replicaProgressThreshold.type",
                "expected Percent or Pods, found \"" + type + "\""));
      }
    }
    int maxWeight = routing == null ? 100 : routing.effectiveMaxTrafficWeight();
    List<Step> steps = canary.steps();
    for (int i = 0; i < steps.size(); i++) {
      validateStep(steps.get(i), canary, maxWeight, base + ".steps[" + i + "]", problems);
    }
    BackgroundAnalysis background = canary.analysis();
    if (background != null) {
      validateAnalysis(background.analysis(), base + ".analysis", problems);
      Integer startingStep = background.startingStep();
      if (startingStep != null && (startingStep < 0 || startingStep > steps.size())) {
        problems.add(
            Problem.error(
                base + ".analysis.startingStep",
                "must be between 0 and the number of steps ("
                    + steps.size()
                    + "), found "
                    + startingStep));
      }
    }
  }

  private static void validateTrafficRouting(
      CanaryStrategy canary, TrafficRouting routing, List<Problem> problems) {
    String base = "spec.strategy.canary";
    String path = base + ".trafficRouting";
    List<String> routers = routing.routers();
    if (routers.isEmpty()) {
      problems.add(
          Problem.error(
              path,
              "expected a traffic router (istio, nginx, alb, smi, ambassador, appMesh, traefik,"
                  + " apisix or plugins)"));
    }
    IstioTrafficRouting istio = routing.istio();
    boolean needsServices =
        routers.stream().anyMatch(r -> !r.equals("istio") && !r.equals("plugins"))
            || (istio != null && istio.destinationRule() == null);
    if (needsServices
        && canary.pingPong() == null
        && (emptyToNull(canary.canaryService()) == null
            || emptyToNull(canary.stableService()) == null)) {
      problems.add(
          Problem.error(
              base + ".canaryService",
              "Canary service and Stable service must to be set to use Traffic Routing"));
    }
    if (routing.maxTrafficWeight() != null) {
      boolean allowed = routers.stream().allMatch(r -> r.equals("nginx") || r.equals("plugins"));
      if (!allowed) {
        problems.add(
            Problem.error(
                path + ".maxTrafficWeight",
                "Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins"));
      }
      if (routing.maxTrafficWeight() < 1) {
        problems.add(Problem.error(path + ".maxTrafficWeight", "must be at least 1"));
      }
    }
    if (istio != null) {
      validateIstio(istio, path + ".istio", problems);
    }
    for (int i = 0; i < routing.managedRoutes().size(); i++) {
      if (routing.managedRoutes().get(i).name().isEmpty()) {
        problems.add(Problem.error(path + ".managedRoutes[" + i + "].name", "Required value"));
      }
    }
  }

  private static void validateIstio(
      IstioTrafficRouting istio, String path, List<Problem> problems) {
    boolean single = istio.virtualService() != null;
    boolean multiple = !istio.virtualServices().isEmpty();
    if (single == multiple) {
      problems.add(
          Problem.error(path, "either VirtualService or VirtualServices must be configured"));
    }
    List<IstioTrafficRouting.VirtualService> services = istio.allVirtualServices();
    for (int i = 0; i < services.size(); i++) {
      String vsPath = single ? path + ".virtualService" : path + ".virtualServices[" + i + "]";
      if (services.get(i).name().isEmpty()) {
        problems.add(Problem.error(vsPath + ".name", "Required value"));
      }
    }
    IstioTrafficRouting.DestinationRule rule = istio.destinationRule();
    if (rule != null) {
      String rulePath = path + ".destinationRule";
      if (rule.name().isEmpty()) {
        problems.add(Problem.error(rulePath + ".name", "Required value"));
      }
      if (rule.canarySubsetName().isEmpty()) {
        problems.add(Problem.error(rulePath + ".canarySubsetName", "Required value"));
      }
      if (rule.stableSubsetName().isEmpty()) {
        problems.add(Problem.error(rulePath + ".stableSubsetName", "Required value"));
      }
      if (!rule.canarySubsetName().isEmpty()
          && rule.canarySubsetName().equals(rule.stableSubsetName())) {
        problems.add(
            Problem.error(
                rulePath + ".stableSubsetName",
                "the canary and stable subsets must be different, both are \""
                    + rule.stableSubsetName()
                    + "\""));
      }
    }
  }

  private static void validatePingPong(
      PingPong pingPong, @Nullable TrafficRouting routing, String path, List<Problem> problems) {
    String ping = emptyToNull(pingPong.pingService());
    String pong = emptyToNull(pingPong.pongService());
    if (ping == null || pong == null) {
      problems.add(
          Problem.error(path, "Ping service and Pong service must to be set to use Ping Pong"));
    } else if (ping.equals(pong)) {
      problems.add(
          Problem.error(path + ".pongService", "Ping service and Pong service must be different"));
    }
    boolean supported =
        routing != null
            && routing.routers().stream()
                .anyMatch(r -> r.equals("alb") || r.equals("istio") || r.equals("plugins"));
    if (!supported) {
      problems.add(
          Problem.error(
              path, "Ping-pong feature works with the ALB, Istio and plugin traffic routers only"));
    }
  }

  private static void validateStep(
      Step step, CanaryStrategy canary, int maxWeight, String path, List<Problem> problems) {
    TrafficRouting routing = canary.trafficRouting();
    if (step instanceof Step.Combined combined) {
      for (Step action : combined.actions()) {
        validateStep(action, canary, maxWeight, path, problems);
      }
    } else if (step instanceof Step.SetWeight w) {
      if (w.weight() < 0 || w.weight() > maxWeight) {
        problems.add(
            Problem.error(path + ".setWeight", "SetWeight needs to be between 0 and " + maxWeight));
      }
    } else if (step instanceof Step.Pause p) {
      if (p.duration() != null
          && DurationStrings.parsePause(p.duration()).map(d -> d.isNegative()).orElse(true)) {
        problems.add(
            Problem.error(path + ".pause.duration", "Duration needs to be greater than 0"));
      }
    } else if (step instanceof Step.Analysis a) {
      validateAnalysis(a.analysis(), path + ".analysis", problems);
    } else if (step instanceof Step.SetCanaryScale s) {
      if (routing == null) {
        problems.add(
            Problem.error(
                path + ".setCanaryScale", "SetCanaryScale requires TrafficRouting to be set"));
      }
      int set =
          (s.replicas() == null ? 0 : 1)
              + (s.weight() == null ? 0 : 1)
              + (Boolean.TRUE.equals(s.matchTrafficWeight()) ? 1 : 0);
      if (set != 1) {
        problems.add(
            Problem.error(
                path + ".setCanaryScale",
                "SetCanaryScale must set exactly one of replicas, weight or matchTrafficWeight"));
      }
      nonNegative(s.replicas(), path + ".setCanaryScale.replicas", problems);
      nonNegative(s.weight(), path + ".setCanaryScale.weight", problems);
    } else if (step instanceof Step.SetHeaderRoute h) {
      boolean supported =
          routing != null
              && routing.routers().stream()
                  .anyMatch(
                      r ->
                          r.equals("istio")
                              || r.equals("alb")
                              || r.equals("apisix")
                              || r.equals("plugins"));
      if (!supported) {
        problems.add(
            Problem.error(
                path + ".setHeaderRoute",
                "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix"));
      }
      validateManagedRoute(h.name(), routing, path + ".setHeaderRoute", problems);
      boolean albOnly = routing != null && routing.alb() != null && routing.istio() == null;
      for (int i = 0; i < h.match().size(); i++) {
        Step.HeaderRoutingMatch m = h.match().get(i);
        String mPath = path + ".setHeaderRoute.match[" + i + "]";
        if (m.headerName().isEmpty()) {
          problems.add(Problem.error(mPath + ".headerName", "Required value"));
        }
        validateStringMatch(m.headerValue(), mPath + ".headerValue", problems);
        if (albOnly && m.headerValue().exact() == null) {
          problems.add(
              Problem.error(
                  mPath + ".headerValue",
                  "SetHeaderRoute match value invalid. ALB supports 'exact' value only"));
        }
      }
    } else if (step instanceof Step.SetMirrorRoute m) {
      boolean supported =
          routing != null
              && routing.routers().stream().anyMatch(r -> r.equals("istio") || r.equals("plugins"));
      if (!supported) {
        problems.add(
            Problem.error(
                path + ".setMirrorRoute",
                "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins"));
      }
      validateManagedRoute(m.name(), routing, path + ".setMirrorRoute", problems);
      if (m.percentage() != null && (m.percentage() < 0 || m.percentage() > 100)) {
        problems.add(
            Problem.error(path + ".setMirrorRoute.percentage", "must be between 0 and 100"));
      }
      for (int i = 0; i < m.match().size(); i++) {
        Step.RouteMatch match = m.match().get(i);
        String mPath = path + ".setMirrorRoute.match[" + i + "]";
        if (match.method() != null) {
          validateStringMatch(match.method(), mPath + ".method", problems);
        }
        if (match.path() != null) {
          validateStringMatch(match.path(), mPath + ".path", problems);
        }
        match
            .headers()
            .forEach(
                (name, value) ->
                    validateStringMatch(value, Codec.child(mPath + ".headers", name), problems));
      }
    } else if (step instanceof Step.Experiment e) {
      for (int i = 0; i < e.templates().size(); i++) {
        Step.ExperimentTemplate t = e.templates().get(i);
        String tPath = path + ".experiment.templates[" + i + "]";
        if (!t.specRef().equals("canary") && !t.specRef().equals("stable")) {
          problems.add(
              Problem.error(
                  tPath + ".specRef", "expected canary or stable, found \"" + t.specRef() + "\""));
        }
        if (t.weight() != null) {
          if (routing == null) {
            problems.add(
                Problem.error(
                    tPath + ".weight",
                    "Experiment template weight cannot be set unless TrafficRouting is enabled"));
          } else if (routing.routers().stream()
              .noneMatch(
                  r ->
                      r.equals("smi")
                          || r.equals("alb")
                          || r.equals("istio")
                          || r.equals("plugins"))) {
            problems.add(
                Problem.error(
                    tPath + ".weight",
                    "Experiment template weight is only available for TrafficRouting with SMI,"
                        + " ALB, and Istio at this time"));
          }
        }
      }
      if (e.duration() != null
          && DurationStrings.parsePause(e.duration()).map(d -> d.isNegative()).orElse(true)) {
        problems.add(
            Problem.error(path + ".experiment.duration", "Duration needs to be greater than 0"));
      }
    } else if (step instanceof Step.Plugin p) {
      if (p.name().isEmpty()) {
        problems.add(Problem.error(path + ".plugin.name", "Required value"));
      }
    }
  }

  private static void validateManagedRoute(
      @Nullable String name,
      @Nullable TrafficRouting routing,
      String path,
      List<Problem> problems) {
    if (routing == null) {
      return;
    }
    if (routing.managedRoutes().isEmpty()) {
      problems.add(
          Problem.error(
              path,
              "Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'"));
      return;
    }
    boolean listed = routing.managedRoutes().stream().anyMatch(r -> r.name().equals(name));
    if (!listed) {
      problems.add(
          Problem.error(
              path + ".name",
              "Steps define a route that does not exist in"
                  + " spec.strategy.canary.trafficRouting.managedRoutes"));
    }
  }

  private static void validateStringMatch(
      Step.StringMatch match, String path, List<Problem> problems) {
    int set =
        (match.exact() == null ? 0 : 1)
            + (match.regex() == null ? 0 : 1)
            + (match.prefix() == null ? 0 : 1);
    if (set == 0) {
      problems.add(
          Problem.error(
              path,
              "StringMatch value missed, match value must have one of the following: exact, regex,"
                  + " prefix"));
    } else if (set > 1) {
      problems.add(
          Problem.error(
              path,
              "StringMatch match value must have exactly one of the following: exact, regex,"
                  + " prefix"));
    }
  }

  private static void validateAnalysis(
      RolloutAnalysis analysis, String path, List<Problem> problems) {
    if (analysis.templates().isEmpty()) {
      problems.add(Problem.error(path + ".templates", "at least one template is required"));
    }
    for (int i = 0; i < analysis.templates().size(); i++) {
      String name = analysis.templates().get(i).templateName();
      if (name == null || name.isEmpty()) {
        problems.add(Problem.error(path + ".templates[" + i + "].templateName", "Required value"));
      }
    }
    for (int i = 0; i < analysis.args().size(); i++) {
      validateArgument(analysis.args().get(i), path + ".args[" + i + "]", problems);
    }
    for (int i = 0; i < analysis.measurementRetention().size(); i++) {
      if (analysis.measurementRetention().get(i).limit() < 0) {
        problems.add(
            Problem.error(
                path + ".measurementRetention[" + i + "].limit",
                "must be greater than or equal to 0"));
      }
    }
  }

  private static void validateArgument(Argument arg, String path, List<Problem> problems) {
    if (arg.name().isEmpty()) {
      problems.add(Problem.error(path + ".name", "Required value"));
    }
    Argument.ValueFrom from = arg.valueFrom();
    if (from == null) {
      return;
    }
    if (arg.value() != null) {
      problems.add(Problem.error(path, "value and valueFrom can not both be set"));
    }
    if (from.secretKeyRef() != null) {
      problems.add(
          Problem.error(
              path + ".valueFrom.secretKeyRef",
              "a rollout cannot read secrets for analysis arguments; reference the Secret in the"
                  + " AnalysisTemplate's args instead"));
    }
    String hash = from.podTemplateHashValue();
    if (hash != null && !hash.equals("Stable") && !hash.equals("Latest")) {
      problems.add(
          Problem.error(
              path + ".valueFrom.podTemplateHashValue",
              "expected Stable or Latest, found \"" + hash + "\""));
    }
    if (hash == null && from.fieldRef() == null) {
      problems.add(Problem.error(path + ".valueFrom", "expected podTemplateHashValue or fieldRef"));
    }
    if (from.fieldRef() != null) {
      String fieldPath = from.fieldRef().fieldPath();
      if (fieldPath.startsWith("metadata.") && !DOWNWARD_API.matcher(fieldPath).matches()) {
        problems.add(
            Problem.error(
                path + ".valueFrom.fieldRef.fieldPath",
                "Analyses arguments must refer to valid object metadata supported by downwardAPI"));
      }
    }
  }

  // ---------------------------------------------------------------- blue-green

  private static void validateBlueGreen(
      RolloutSpec spec, BlueGreenStrategy blueGreen, List<Problem> problems) {
    String base = "spec.strategy.blueGreen";
    String active = emptyToNull(blueGreen.activeService());
    if (active == null) {
      problems.add(
          Problem.error(
              base + ".activeService",
              "Rollout has missing field '.spec.strategy.blueGreen.activeService'"));
    } else if (active.equals(blueGreen.previewService())) {
      problems.add(
          Problem.error(
              base + ".previewService",
              "This rollout uses the same service for the active and preview services, but two"
                  + " different services are required."));
    }
    Integer revisionLimit = blueGreen.scaleDownDelayRevisionLimit();
    if (revisionLimit != null && spec.effectiveRevisionHistoryLimit() < revisionLimit) {
      problems.add(
          Problem.error(
              "spec.revisionHistoryLimit",
              "This rollout's revision history limit can not be smaller than the rollout's scale"
                  + " down limit"));
    }
    nonNegative(blueGreen.previewReplicaCount(), base + ".previewReplicaCount", problems);
    nonNegative(blueGreen.autoPromotionSeconds(), base + ".autoPromotionSeconds", problems);
    nonNegative(blueGreen.scaleDownDelaySeconds(), base + ".scaleDownDelaySeconds", problems);
    nonNegative(revisionLimit, base + ".scaleDownDelayRevisionLimit", problems);
    nonNegative(
        blueGreen.abortScaleDownDelaySeconds(), base + ".abortScaleDownDelaySeconds", problems);
    validateIntOrPercent(blueGreen.maxUnavailable(), base + ".maxUnavailable", true, problems);
    if (blueGreen.antiAffinity() != null) {
      validateAntiAffinity(blueGreen.antiAffinity(), base + ".antiAffinity", problems);
    }
    if (blueGreen.prePromotionAnalysis() != null) {
      validateAnalysis(blueGreen.prePromotionAnalysis(), base + ".prePromotionAnalysis", problems);
    }
    if (blueGreen.postPromotionAnalysis() != null) {
      validateAnalysis(
          blueGreen.postPromotionAnalysis(), base + ".postPromotionAnalysis", problems);
    }
  }

  // ---------------------------------------------------------------- shared

  private static void validateAntiAffinity(
      AntiAffinity antiAffinity, String path, List<Problem> problems) {
    var preferred = antiAffinity.preferredDuringSchedulingIgnoredDuringExecution();
    boolean required = antiAffinity.requiredDuringSchedulingIgnoredDuringExecution() != null;
    if ((preferred != null) == required) {
      problems.add(Problem.error(path, "AntiAffinity must have exactly one strategy listed"));
    }
    if (preferred != null && (preferred.weight() < 1 || preferred.weight() > 100)) {
      problems.add(
          Problem.error(
              path + ".preferredDuringSchedulingIgnoredDuringExecution.weight",
              "AntiAffinity weight must be between 1 and 100, found " + preferred.weight()));
    }
  }

  private static void validateIntOrPercent(
      @Nullable IntOrString value, String path, boolean capAtHundred, List<Problem> problems) {
    if (value == null) {
      return;
    }
    Integer i = value.intValue();
    if (i != null) {
      if (i < 0) {
        problems.add(Problem.error(path, "must be greater than or equal to 0"));
      }
      return;
    }
    if (!value.isPercentLike()) {
      problems.add(
          Problem.error(
              path,
              "expected an integer or a percentage such as \"25%\", found \""
                  + value.stringValue()
                  + "\""));
      return;
    }
    if (capAtHundred && value.scaledValue(100, false) > 100) {
      problems.add(Problem.error(path, "must not be greater than 100%"));
    }
  }

  private static boolean isZero(@Nullable IntOrString value) {
    if (value == null) {
      return false;
    }
    Integer i = value.intValue();
    if (i != null) {
      return i == 0;
    }
    return value.isPercentLike() && value.scaledValue(100, false) == 0;
  }

  private static void nonNegative(@Nullable Integer value, String path, List<Problem> problems) {
    if (value != null && value < 0) {
      problems.add(Problem.error(path, "must be greater than or equal to 0, found " + value));
    }
  }

  private static @Nullable String emptyToNull(@Nullable String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static boolean isRfc3339(String text) {
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
