package io.rollout4j.engine;

import io.rollout4j.analysis.AnalysisRuns;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisRunSpec;
import io.rollout4j.model.AnalysisTemplateSpec;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutAnalysis;
import io.rollout4j.model.RolloutLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Which AnalysisRun belongs to which part of a rollout, and how a new one is made. */
final class RunRules {
  private RunRules() {}

  static final String TYPE = "rollout-type";
  static final String STEP_INDEX = "step-index";

  private static final Pattern LABEL_FIELD =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

  /** The newest run of this hash and role, or null. */
  static @Nullable AnalysisRun latest(
      List<AnalysisRun> runs, String hash, RunRole role, @Nullable Integer step) {
    AnalysisRun found = null;
    for (AnalysisRun run : runs) {
      Map<String, String> labels = run.metadata().labels();
      if (!hash.equals(labels.get(RolloutLabels.POD_TEMPLATE_HASH))
          || !role.label.equals(labels.get(TYPE))) {
        continue;
      }
      if (step != null && !StatusRules.isDecimal(labels.get(STEP_INDEX), step)) {
        continue;
      }
      if (found == null
          || String.valueOf(run.metadata().creationTimestamp())
                  .compareTo(String.valueOf(found.metadata().creationTimestamp()))
              > 0
          || (String.valueOf(run.metadata().creationTimestamp())
                  .equals(String.valueOf(found.metadata().creationTimestamp()))
              && String.valueOf(run.name()).compareTo(String.valueOf(found.name())) > 0)) {
        found = run;
      }
    }
    return found;
  }

  static AnalysisPhase phaseOf(AnalysisRun run) {
    return run.status() == null || run.status().phase() == null
        ? AnalysisPhase.PENDING
        : run.status().phase();
  }

  /**
   * A new run, named as Argo names them ({@code <rollout>-<hash>-<revision>} plus {@code -<step>},
   * {@code -pre} or {@code -post} by its role, with {@code .1}, {@code .2} on collisions), labelled
   * with the hash, the role and the step, and owned by the rollout.
   *
   * @throws IllegalArgumentException when a template is missing or an argument cannot be resolved
   */
  static AnalysisRun build(
      Rollout rollout,
      RolloutAnalysis request,
      Observation observation,
      String hash,
      @Nullable String stableHash,
      int revision,
      RunRole role,
      @Nullable Integer step) {
    List<AnalysisTemplateSpec> templates = References.templates(request.templates(), observation);
    AnalysisRunSpec spec =
        AnalysisRuns.spec(
            templates,
            request,
            new AnalysisRuns.ArgumentSources(stableHash, hash, path -> field(rollout, path)));
    String base = rollout.name() + "-" + hash + "-" + revision + nameSuffix(role, step);
    String name = base;
    for (int i = 1; taken(observation.analysisRuns(), name); i++) {
      name = base + "." + i;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (request.analysisRunMetadata() != null) {
      labels.putAll(request.analysisRunMetadata().labels());
    }
    labels.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    labels.put(TYPE, role.label);
    if (step != null) {
      labels.put(STEP_INDEX, Integer.toString(step));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (request.analysisRunMetadata() != null) {
      annotations.putAll(request.analysisRunMetadata().annotations());
    }
    annotations.put(RolloutLabels.REVISION, Integer.toString(revision));
    ObjectMeta metadata =
        ObjectMeta.owned(
            name, rollout.namespace(), labels, annotations, List.of(ReplicaSets.ownerOf(rollout)));
    return AnalysisRuns.create(metadata, spec);
  }

  private static String nameSuffix(RunRole role, @Nullable Integer step) {
    return step != null ? "-" + step : role.nameSuffix;
  }

  private static boolean taken(List<AnalysisRun> runs, String name) {
    return runs.stream().anyMatch(r -> name.equals(r.name()));
  }

  /** A rollout field for {@code valueFrom.fieldRef}: downward-API metadata paths. */
  static @Nullable String field(Rollout rollout, String path) {
    switch (path) {
      case "metadata.name":
        return rollout.name();
      case "metadata.namespace":
        return rollout.namespace();
      case "metadata.uid":
        return rollout.metadata().uid();
      default:
        break;
    }
    Matcher m = LABEL_FIELD.matcher(path);
    if (m.matches()) {
      // Kubernetes' ExtractFieldPathAsString, which Argo uses, gives "" for a label or annotation
      // the object does not carry; Argo's own e2e tests depend on that.
      return (m.group(1).equals("labels")
              ? rollout.metadata().labels()
              : rollout.metadata().annotations())
          .getOrDefault(m.group(2), "");
    }
    return null;
  }
}
