package io.rollout4j.engine;

import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.port.TrafficSplit;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the ports report about one rollout at one instant: its ReplicaSets, the pod template of the
 * referenced workload (for {@code workloadRef}), the referenced workload itself, the traffic split
 * present in the mesh and the rollout's AnalysisRuns. {@code trafficProblem} is set when the mesh
 * objects the rollout refers to are missing or do not fit its spec; the rollout is then invalid
 * until they are fixed. {@code unsupportedRouter} is set when the rollout's traffic router is one
 * the configured MeshPort does not serve: the rollout is then left alone, with a condition saying
 * so.
 */
public record Observation(
    List<GenericResource> replicaSets,
    @Nullable PodTemplateSpec workloadTemplate,
    @Nullable GenericResource workload,
    @Nullable TrafficSplit traffic,
    List<AnalysisRun> analysisRuns,
    List<GenericResource> pods,
    Map<String, AnalysisTemplateSpec> templates,
    Map<String, AnalysisTemplateSpec> clusterTemplates,
    Map<String, GenericResource> services,
    @Nullable String trafficProblem,
    @Nullable String unsupportedRouter) {

  public Observation {
    services = Map.copyOf(services);
    replicaSets = List.copyOf(replicaSets);
    analysisRuns = List.copyOf(analysisRuns);
    pods = List.copyOf(pods);
    templates = Map.copyOf(templates);
    clusterTemplates = Map.copyOf(clusterTemplates);
  }

  /** An observation without templates. */
  public Observation(
      List<GenericResource> replicaSets,
      @Nullable PodTemplateSpec workloadTemplate,
      @Nullable GenericResource workload,
      @Nullable TrafficSplit traffic,
      List<AnalysisRun> analysisRuns,
      List<GenericResource> pods) {
    this(
        replicaSets,
        workloadTemplate,
        workload,
        traffic,
        analysisRuns,
        pods,
        Map.of(),
        Map.of(),
        Map.of(),
        null,
        null);
  }

  /** An observation without pods, which are only read while a restart is pending. */
  public Observation(
      List<GenericResource> replicaSets,
      @Nullable PodTemplateSpec workloadTemplate,
      @Nullable GenericResource workload,
      @Nullable TrafficSplit traffic,
      List<AnalysisRun> analysisRuns) {
    this(replicaSets, workloadTemplate, workload, traffic, analysisRuns, List.of());
  }
}
