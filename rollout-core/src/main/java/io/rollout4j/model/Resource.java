package io.rollout4j.model;

import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes object as Rollout4j reads and writes it: one of Argo's kinds, typed, or any other
 * kind as a {@link GenericResource}.
 */
public sealed interface Resource
    permits Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun, GenericResource {

  /** The API group and version of Argo's kinds. */
  String ARGO_API_VERSION = "argoproj.io/v1alpha1";

  String apiVersion();

  String kind();

  ObjectMeta metadata();

  default @Nullable String name() {
    return metadata().name();
  }

  default @Nullable String namespace() {
    return metadata().namespace();
  }
}
