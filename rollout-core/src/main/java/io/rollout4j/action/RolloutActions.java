package io.rollout4j.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisPhase;
import io.rollout4j.model.CanaryStrategy;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.OwnerReference;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import io.rollout4j.model.RolloutStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The user actions of {@code kubectl argo rollouts} as pure functions: each takes the rollout as
 * read and returns the patches the plugin (v1.9) sends for it. Nothing here reads or writes a
 * cluster; {@code RolloutController} and {@code RolloutHarness} apply the result.
 *
 * <pre>{@code
 * RolloutChange change = RolloutActions.promote(rollout);
 * change.statusPatch();   // {"status":{"pauseConditions":null}} while paused at a step
 * }</pre>
 */
public final class RolloutActions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RolloutActions() {}

  /**
   * {@code promote}: ends a pause (and unpauses {@code spec.paused}); a canary that is not paused
   * moves to its next step; a canary paused on an inconclusive step analysis also moves on and the
   * controller's pause is lifted, so a pause step that follows does not hold it.
   */
  public static RolloutChange promote(Rollout rollout) {
    RolloutStatus status = statusOf(rollout);
    Map<String, @Nullable Object> spec = rollout.spec().isPaused() ? unpause() : Map.of();
    Map<String, @Nullable Object> statusFields = new LinkedHashMap<>();
    Integer next = nextStep(rollout);
    if (inconclusiveStepAnalysis(rollout)
        && !status.pauseConditions().isEmpty()
        && Boolean.TRUE.equals(status.controllerPause())) {
      if (next != null) {
        statusFields.put("pauseConditions", null);
        statusFields.put("controllerPause", false);
        statusFields.put("currentStepIndex", next);
      }
    } else if (!status.pauseConditions().isEmpty()) {
      statusFields.put("pauseConditions", null);
    } else if (rollout.spec().canary() != null && next != null) {
      // Promoting a canary in the middle of an analysis or an experiment skips that step.
      statusFields.put("pauseConditions", null);
      statusFields.put("currentStepIndex", next);
    }
    return new RolloutChange(
        "rollout '" + rollout.name() + "' promoted", status(statusFields), spec, null, false);
  }

  /**
   * {@code promote --full}: skips every remaining step, analysis and pause and takes the new
   * revision to all traffic; does nothing to the status of a rollout already fully promoted.
   */
  public static RolloutChange promoteFull(Rollout rollout) {
    RolloutStatus status = statusOf(rollout);
    Map<String, @Nullable Object> statusFields = new LinkedHashMap<>();
    if (!Objects.equals(status.currentPodHash(), status.stableRS())) {
      statusFields.put("promoteFull", true);
    }
    return new RolloutChange(
        "rollout '" + rollout.name() + "' fully promoted",
        status(statusFields),
        rollout.spec().isPaused() ? unpause() : Map.of(),
        null,
        false);
  }

  /** {@code abort}: traffic and replicas go back to the stable revision. */
  public static RolloutChange abort(Rollout rollout) {
    return new RolloutChange(
        "rollout '" + rollout.name() + "' aborted",
        status(Map.of("abort", true)),
        Map.of(),
        null,
        false);
  }

  /** {@code retry rollout}: an aborted rollout starts its update again. */
  public static RolloutChange retry(Rollout rollout) {
    return new RolloutChange(
        "rollout '" + rollout.name() + "' retried",
        status(Map.of("abort", false)),
        Map.of(),
        null,
        false);
  }

  /** {@code pause}: {@code spec.paused: true}. */
  public static RolloutChange pause(Rollout rollout) {
    return new RolloutChange(
        "rollout '" + rollout.name() + "' paused",
        Map.of(),
        Map.of("spec", Map.of("paused", true)),
        null,
        false);
  }

  /** Argo CD's resume action: {@code spec.paused: false}; pause conditions stay. */
  public static RolloutChange resume(Rollout rollout) {
    return new RolloutChange(
        "rollout '" + rollout.name() + "' resumed", Map.of(), unpause(), null, false);
  }

  /**
   * {@code restart}: {@code spec.restartAt} = {@code at} (whole seconds, UTC): every pod older than
   * that is replaced, a few at a time.
   */
  public static RolloutChange restart(Rollout rollout, Instant at) {
    String when = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    return new RolloutChange(
        "rollout '" + rollout.name() + "' restarts",
        Map.of(),
        Map.of("spec", Map.of("restartAt", when)),
        null,
        false);
  }

  /**
   * {@code undo [--to-revision N]}: the pod template of revision {@code toRevision} (0: the one
   * before the newest) goes back into the Rollout or, with a workloadRef, into its target, without
   * the hash label and the ephemeral metadata the controller put on its pods. An undo to the
   * template already in place changes nothing.
   *
   * @param replicaSets the ReplicaSets of the rollout's namespace; those it controls are used
   * @throws IllegalArgumentException when the revision is not in the rollout's history
   */
  public static RolloutChange undo(
      Rollout rollout, List<GenericResource> replicaSets, int toRevision) {
    GenericResource target = revision(rollout, replicaSets, toRevision);
    Map<String, Object> restored = templateWithoutRolloutMetadata(target);
    if (rollout.spec().template() != null
        && derivative(
            withoutHash(Manifests.toTree(rollout.spec().template())),
            withoutHash(templateOf(target)))) {
      return RolloutChange.none(
          "skipped rollback (current template already matches revision "
              + revisionOf(target)
              + ")");
    }
    PodTemplateSpec template = Manifests.fromTree(restored, PodTemplateSpec.class);
    return new RolloutChange(
        "rollout '" + rollout.name() + "' undo",
        Map.of(),
        Map.of(),
        template,
        rollout.spec().workloadRef() != null);
  }

  // ---------------------------------------------------------------- helpers

  private static RolloutStatus statusOf(Rollout rollout) {
    return rollout.status() == null ? RolloutStatus.builder().build() : rollout.status();
  }

  private static Map<String, @Nullable Object> unpause() {
    return Map.of("spec", Map.of("paused", false));
  }

  private static Map<String, @Nullable Object> status(Map<String, ?> fields) {
    if (fields.isEmpty()) {
      return Map.of();
    }
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    out.put("status", new LinkedHashMap<>(fields));
    return out;
  }

  /** Argo's {@code GetCurrentCanaryStep} index plus one, kept within the steps; null without. */
  private static @Nullable Integer nextStep(Rollout rollout) {
    if (!(rollout.spec().strategy() instanceof CanaryStrategy canary) || canary.steps().isEmpty()) {
      return null;
    }
    Integer current = statusOf(rollout).currentStepIndex();
    int index = current == null ? 0 : current;
    return index < canary.steps().size() ? index + 1 : index;
  }

  private static boolean inconclusiveStepAnalysis(Rollout rollout) {
    RolloutStatus.CanaryStatus canary = statusOf(rollout).canary();
    return rollout.spec().canary() != null
        && canary != null
        && canary.currentStepAnalysisRunStatus() != null
        && canary.currentStepAnalysisRunStatus().status() == AnalysisPhase.INCONCLUSIVE;
  }

  private static GenericResource revision(
      Rollout rollout, List<GenericResource> replicaSets, int toRevision) {
    List<GenericResource> owned = new ArrayList<>();
    for (GenericResource rs : replicaSets) {
      if (controlledBy(rs, rollout)) {
        owned.add(rs);
      }
    }
    if (toRevision > 0) {
      return owned.stream()
          .filter(rs -> revisionOf(rs) == toRevision)
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "unable to find specified revision " + toRevision + " in history"));
    }
    owned.sort(java.util.Comparator.comparingInt(RolloutActions::revisionOf).reversed());
    if (owned.size() < 2) {
      throw new IllegalArgumentException(
          "no revision found for rollout \"" + rollout.name() + "\"");
    }
    return owned.get(1);
  }

  private static boolean controlledBy(GenericResource rs, Rollout rollout) {
    for (OwnerReference owner : rs.metadata().ownerReferences()) {
      if (Rollout.KIND.equals(owner.kind())
          && owner.name().equals(rollout.name())
          && Boolean.TRUE.equals(owner.controller())
          && (rollout.metadata().uid() == null || owner.uid().equals(rollout.metadata().uid()))) {
        return true;
      }
    }
    return false;
  }

  private static int revisionOf(GenericResource rs) {
    try {
      return Integer.parseInt(
          rs.metadata().annotations().getOrDefault(RolloutLabels.REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static @Nullable Object templateOf(GenericResource rs) {
    return rs.path("spec", "template");
  }

  private static @Nullable Object withoutHash(@Nullable Object template) {
    if (!(template instanceof Map<?, ?> t)) {
      return template;
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    t.forEach((k, v) -> copy.put(String.valueOf(k), v));
    if (copy.get("metadata") instanceof Map<?, ?> m) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      m.forEach((k, v) -> metadata.put(String.valueOf(k), v));
      if (metadata.get("labels") instanceof Map<?, ?> l) {
        Map<String, Object> labels = new LinkedHashMap<>();
        l.forEach((k, v) -> labels.put(String.valueOf(k), v));
        labels.remove(RolloutLabels.POD_TEMPLATE_HASH);
        metadata.put("labels", labels);
      }
      copy.put("metadata", metadata);
    }
    return copy;
  }

  /**
   * Kubernetes' {@code Semantic.DeepDerivative}: every field {@code a} sets has the same value in
   * {@code b}; fields {@code a} leaves unset do not count.
   */
  static boolean derivative(@Nullable Object a, @Nullable Object b) {
    if (a == null) {
      return true;
    }
    if (a instanceof Map<?, ?> ma) {
      if (ma.isEmpty()) {
        return true;
      }
      if (!(b instanceof Map<?, ?> mb)) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!derivative(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> la) {
      if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
        return false;
      }
      for (int i = 0; i < la.size(); i++) {
        if (!derivative(la.get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Number na && b instanceof Number nb) {
      return na.doubleValue() == nb.doubleValue();
    }
    return a.equals(b);
  }

  /** The ReplicaSet's pod template as the user wrote it: no hash label, no injected metadata. */
  private static Map<String, Object> templateWithoutRolloutMetadata(GenericResource rs) {
    Map<String, String> labels = strings(rs.path("spec", "template", "metadata", "labels"));
    Map<String, String> annotations =
        strings(rs.path("spec", "template", "metadata", "annotations"));
    labels.remove(RolloutLabels.POD_TEMPLATE_HASH);
    String original = rs.metadata().annotations().get(RolloutLabels.TEMPLATE_METADATA);
    if (original != null) {
      // The template's own labels and annotations, recorded before ephemeral metadata went on.
      Map<?, ?> recorded = jsonObject(original);
      if (recorded != null) {
        labels = strings(recorded.get("labels"));
        annotations = strings(recorded.get("annotations"));
      }
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("labels", labels);
    if (!annotations.isEmpty()) {
      metadata.put("annotations", annotations);
    }
    Object spec = rs.path("spec", "template", "spec");
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("metadata", metadata);
    template.put("spec", spec == null ? Map.of() : spec);
    return template;
  }

  /** The JSON object in {@code text}; null when it is not one (an annotation someone edited). */
  private static @Nullable Map<?, ?> jsonObject(String text) {
    try {
      return JSON.readValue(text, Map.class);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static Map<String, String> strings(@Nullable Object node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }
}
