package io.rollout4j.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Any kind Rollout4j does not model (Deployment, Service, ReplicaSet, VirtualService, ...): its
 * metadata typed, everything else ({@code spec}, {@code status}, {@code data}, ...) kept exactly as
 * written in {@code body}.
 */
public record GenericResource(
    String apiVersion, String kind, ObjectMeta metadata, Map<String, Object> body)
    implements Resource {

  public GenericResource {
    apiVersion = java.util.Objects.requireNonNull(Immutables.shared(apiVersion));
    kind = java.util.Objects.requireNonNull(Immutables.shared(kind));
    body = Immutables.jsonMap(body);
  }

  /** A top-level field of the body, such as {@code spec}, or null. */
  public @Nullable Object get(String field) {
    return body.get(field);
  }

  /**
   * {@code field.key} of the body, e.g. {@code path("spec", "replicas")}, or null: the common
   * two-level read without the varargs array of {@link #path(String...)} (the engine reads
   * ReplicaSet fields on every reconcile).
   */
  public @Nullable Object path(String field, String key) {
    return body.get(field) instanceof Map<?, ?> m ? m.get(key) : null;
  }

  /** A nested value by path of map keys, e.g. {@code get("spec", "replicas")}; null if absent. */
  public @Nullable Object path(String... keys) {
    Object current = body;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  public GenericResource withMetadata(ObjectMeta newMetadata) {
    return new GenericResource(apiVersion, kind, newMetadata, body);
  }

  public GenericResource withBodyField(String field, @Nullable Object value) {
    Map<String, @Nullable Object> copy = new LinkedHashMap<>(body);
    copy.put(field, value);
    @SuppressWarnings("nullness") // JSON null is a legitimate body value
    Map<String, Object> result = copy;
    return new GenericResource(apiVersion, kind, metadata, result);
  }
}
