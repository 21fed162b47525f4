package io.rollout4j.engine;

import io.rollout4j.model.GenericResource;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.Rollout;
import io.rollout4j.model.RolloutLabels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Reading and moving the revision a Service selects, the way Argo's controller does it. */
final class ServiceSelectors {
  private ServiceSelectors() {}

  /** The hash in {@code spec.selector.rollouts-pod-template-hash}, or null when it has none. */
  static @Nullable String hashOf(@Nullable GenericResource service) {
    Object hash =
        service == null ? null : service.path("spec", "selector", RolloutLabels.POD_TEMPLATE_HASH);
    return hash instanceof String s ? s : null;
  }

  /**
   * The Service with its selector pointed at {@code hash} and the managed-by annotation naming the
   * rollout; every other selector key, port and annotation is kept.
   */
  static GenericResource pointedAt(GenericResource service, String hash, String rollout) {
    Map<String, Object> spec = copy(service.get("spec"));
    Map<String, Object> selector = copy(spec.get("selector"));
    selector.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    spec.put("selector", selector);
    ObjectMeta m = service.metadata();
    Map<String, String> annotations = new LinkedHashMap<>(m.annotations());
    annotations.put(RolloutLabels.MANAGED_BY, rollout);
    return service
        .withBodyField("spec", spec)
        .withMetadata(
            m.withUserFields(m.labels(), annotations, m.ownerReferences(), m.finalizers()));
  }

  private static Map<String, Object> copy(@Nullable Object value) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
    }
    return out;
  }

  private record SelectorKey(Map<String, String> matchLabels, @Nullable String hash) {}

  private static final Memo<SelectorKey, String> SELECTORS =
      new Memo<>(4096, key -> selectorString(key.matchLabels(), key.hash()));

  static String selectorString(Rollout rollout, @Nullable String hash) {
    var selector = rollout.spec().selector();
    return SELECTORS.get(
        new SelectorKey(selector == null ? Map.of() : selector.matchLabels(), hash));
  }

  private static String selectorString(Map<String, String> matchLabels, @Nullable String hash) {
    Map<String, String> labels = new TreeMap<>(matchLabels);
    if (hash != null) {
      labels.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
    }
    StringBuilder out = new StringBuilder();
    labels.forEach(
        (k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }
}
