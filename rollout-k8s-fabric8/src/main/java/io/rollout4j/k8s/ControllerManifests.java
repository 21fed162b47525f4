package io.rollout4j.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The manifests a cluster needs before a controller runs: Argo's CustomResourceDefinitions (same
 * names, scope and subresources as Argo's, so a cluster that has Argo's works unchanged) and the
 * least-privilege RBAC of the controller. Apply them with kubectl, or with the fabric8 client.
 */
public final class ControllerManifests {
  private ControllerManifests() {}

  /** Rollout, AnalysisRun, AnalysisTemplate and ClusterAnalysisTemplate CRDs, multi-document. */
  public static String crds() {
    return read("crds.yaml");
  }

  /** The controller's ClusterRole. */
  public static String rbac() {
    return read("rbac.yaml");
  }

  private static String read(String name) {
    try (InputStream in = ControllerManifests.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource io/rollout4j/k8s/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
