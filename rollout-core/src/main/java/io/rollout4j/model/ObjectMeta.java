package io.rollout4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Kubernetes object metadata Rollout4j reads and writes. Server-managed fields other than these
 * (for example {@code managedFields}) are not kept.
 */
public record ObjectMeta(
    @Nullable String name,
    @Nullable String generateName,
    @Nullable String namespace,
    @Nullable String uid,
    @Nullable String resourceVersion,
    @Nullable Long generation,
    @Nullable String creationTimestamp,
    @Nullable String deletionTimestamp,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<OwnerReference> ownerReferences,
    List<String> finalizers) {

  public ObjectMeta {
    name = Immutables.shared(name);
    generateName = Immutables.shared(generateName);
    namespace = Immutables.shared(namespace);
    creationTimestamp = Immutables.shared(creationTimestamp);
    labels = Immutables.map(labels);
    annotations = Immutables.map(annotations);
    ownerReferences = Immutables.list(ownerReferences);
    finalizers = Immutables.list(finalizers);
  }

  /** Metadata with nothing set. */
  public static ObjectMeta empty() {
    return new ObjectMeta(
        null, null, null, null, null, null, null, null, Map.of(), Map.of(), List.of(), List.of());
  }

  /** Metadata with just a name and an optional namespace. */
  public static ObjectMeta of(String name, @Nullable String namespace) {
    return new ObjectMeta(
        name, null, namespace, null, null, null, null, null, Map.of(), Map.of(), List.of(),
        List.of());
  }

  /** Metadata of an object Rollout4j creates: named, labelled, annotated and owned. */
  public static ObjectMeta owned(
      String name,
      @Nullable String namespace,
      Map<String, String> labels,
      Map<String, String> annotations,
      List<OwnerReference> owners) {
    return new ObjectMeta(
        name,
        null,
        namespace,
        null,
        null,
        null,
        null,
        null,
        labels,
        annotations,
        owners,
        List.of());
  }

  /** Metadata carrying only labels and annotations, as in a pod template. */
  public static ObjectMeta ofLabels(Map<String, String> labels, Map<String, String> annotations) {
    return new ObjectMeta(
        null, null, null, null, null, null, null, null, labels, annotations, List.of(), List.of());
  }

  public ObjectMeta withNamespace(@Nullable String newNamespace) {
    return new ObjectMeta(
        name,
        generateName,
        newNamespace,
        uid,
        resourceVersion,
        generation,
        creationTimestamp,
        deletionTimestamp,
        labels,
        annotations,
        ownerReferences,
        finalizers);
  }

  /** The same metadata as stored at another version (what an API server does on a write). */
  public ObjectMeta withVersion(@Nullable String newResourceVersion, @Nullable Long newGeneration) {
    return new ObjectMeta(
        name,
        generateName,
        namespace,
        uid,
        newResourceVersion,
        newGeneration,
        creationTimestamp,
        deletionTimestamp,
        labels,
        annotations,
        ownerReferences,
        finalizers);
  }

  /** The same metadata with other labels, annotations, owners and finalizers. */
  public ObjectMeta withUserFields(
      Map<String, String> newLabels,
      Map<String, String> newAnnotations,
      List<OwnerReference> newOwners,
      List<String> newFinalizers) {
    return new ObjectMeta(
        name,
        generateName,
        namespace,
        uid,
        resourceVersion,
        generation,
        creationTimestamp,
        deletionTimestamp,
        newLabels,
        newAnnotations,
        newOwners,
        newFinalizers);
  }

  public ObjectMeta withLabel(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(labels);
    copy.put(key, value);
    return withUserFields(copy, annotations, ownerReferences, finalizers);
  }

  public ObjectMeta withAnnotation(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(annotations);
    copy.put(key, value);
    return withUserFields(labels, copy, ownerReferences, finalizers);
  }
}
