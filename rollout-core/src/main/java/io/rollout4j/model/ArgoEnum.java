package io.rollout4j.model;

/** An enum whose constants are written in manifests under Argo's spelling. */
public interface ArgoEnum {
  /** The value as Argo writes it, e.g. {@code Healthy}. */
  String argoName();
}
