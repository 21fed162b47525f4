package io.rollout4j.action;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.Rollout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The change an action makes, as the plugin sends it: a JSON merge patch of the Rollout's status
 * subresource ({@code {"status":{"abort":true}}}), a JSON merge patch of the Rollout itself ({@code
 * {"spec":{"paused":false}}}), and for undo the pod template to put back into the Rollout or into
 * its workloadRef target. Patches hold absolute values, so applying one again to a newer version of
 * the object (after a write conflict) gives the same result a server-side patch would.
 *
 * @param summary what {@code kubectl argo rollouts} prints, e.g. {@code rollout 'web' promoted}
 * @param statusPatch merge patch for {@code /status}; empty when the status is not changed
 * @param specPatch merge patch for the Rollout; empty when the object is not changed
 * @param template for undo: the template to restore; null otherwise
 * @param intoWorkload whether {@code template} goes into the workloadRef target rather than into
 *     the Rollout
 */
public record RolloutChange(
    String summary,
    Map<String, @Nullable Object> statusPatch,
    Map<String, @Nullable Object> specPatch,
    @Nullable PodTemplateSpec template,
    boolean intoWorkload) {

  public RolloutChange {
    statusPatch = Collections.unmodifiableMap(new LinkedHashMap<>(statusPatch));
    specPatch = Collections.unmodifiableMap(new LinkedHashMap<>(specPatch));
  }

  static RolloutChange none(String summary) {
    return new RolloutChange(summary, Map.of(), Map.of(), null, false);
  }

  /** Nothing to write (an undo to the template already in place, say). */
  public boolean isEmpty() {
    return statusPatch.isEmpty() && specPatch.isEmpty() && template == null;
  }

  /** The rollout with its status patch applied. */
  public Rollout withStatusPatch(Rollout rollout) {
    return statusPatch.isEmpty() ? rollout : patched(rollout, statusPatch);
  }

  /** The rollout with its object patch (and, for undo into the Rollout, the template) applied. */
  public Rollout withSpecPatch(Rollout rollout) {
    Rollout out = specPatch.isEmpty() ? rollout : patched(rollout, specPatch);
    if (template != null && !intoWorkload) {
      out = out.withSpec(out.spec().withTemplate(template));
    }
    return out;
  }

  /** The workloadRef target with the restored template, for undo of a workloadRef rollout. */
  public GenericResource withTemplate(GenericResource workload) {
    if (template == null || !intoWorkload) {
      return workload;
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    if (workload.get("spec") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> spec.put(String.valueOf(k), v));
    }
    spec.put("template", Manifests.toTree(template));
    return workload.withBodyField("spec", spec);
  }

  private static Rollout patched(Rollout rollout, Map<String, @Nullable Object> patch) {
    Map<String, Object> tree = Manifests.toMap(rollout);
    Map<String, Object> merged = new LinkedHashMap<>();
    if (MergePatch.apply(tree, patch) instanceof Map<?, ?> m) {
      m.forEach((k, v) -> merged.put(String.valueOf(k), v));
    }
    return (Rollout) Manifests.fromMap(merged);
  }
}
