package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.PodTemplateSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A template copied back from a ReplicaSet (kubectl argo rollouts undo) carries the API server's
 * defaults and hashes differently: it must still find its ReplicaSet, as in Argo.
 */
class PodTemplateMatchTest {
  private static final PodTemplateSpec WRITTEN =
      new PodTemplateSpec(
          ObjectMeta.ofLabels(Map.of("app", "demo"), Map.of()),
          Map.of(
              "containers",
              List.of(
                  Map.of(
                      "name",
                      "demo",
                      "image",
                      "argoproj/rollouts-demo:blue",
                      "ports",
                      List.of(Map.of("containerPort", 8080)),
                      "readinessProbe",
                      Map.of("httpGet", Map.of("path", "/", "port", 8080))))));

  /** The ReplicaSet as kube-apiserver 1.34 returns it: defaults filled, hash label added. */
  private static ReplicaSetView replicaSet(String image) {
    Map<String, Object> container =
        Map.ofEntries(
            Map.entry("name", "demo"),
            Map.entry("image", image),
            Map.entry("ports", List.of(Map.of("containerPort", 8080, "protocol", "TCP"))),
            Map.entry(
                "readinessProbe",
                Map.of(
                    "httpGet", Map.of("path", "/", "port", 8080, "scheme", "HTTP"),
                    "timeoutSeconds", 1,
                    "periodSeconds", 10,
                    "successThreshold", 1,
                    "failureThreshold", 3)),
            Map.entry("resources", Map.of()),
            Map.entry("terminationMessagePath", "/dev/termination-log"),
            Map.entry("terminationMessagePolicy", "File"),
            Map.entry("imagePullPolicy", "IfNotPresent"));
    Map<String, Object> rs =
        Map.of(
            "apiVersion",
            "apps/v1",
            "kind",
            "ReplicaSet",
            "metadata",
            Map.of(
                "name",
                "demo-6b4684986b",
                "labels",
                Map.of("app", "demo", "rollouts-pod-template-hash", "6b4684986b")),
            "spec",
            Map.of(
                "replicas",
                5,
                "template",
                Map.of(
                    "metadata",
                    Map.of(
                        "creationTimestamp",
                        "null",
                        "labels",
                        Map.of("app", "demo", "rollouts-pod-template-hash", "6b4684986b")),
                    "spec",
                    Map.of(
                        "containers",
                        List.of(container),
                        "restartPolicy",
                        "Always",
                        "terminationGracePeriodSeconds",
                        30,
                        "dnsPolicy",
                        "ClusterFirst",
                        "securityContext",
                        Map.of(),
                        "schedulerName",
                        "default-scheduler"))));
    return ReplicaSetView.of((GenericResource) Manifests.fromMap(rs));
  }

  @Test
  void aTemplateWithTheServersDefaultsFindsTheReplicaSetThatRunsIt() {
    String ownHash = PodTemplateHash.of(WRITTEN, null);
    assertThat(
            PodTemplateMatch.hashOf(
                WRITTEN, ownHash, List.of(replicaSet("argoproj/rollouts-demo:blue"))))
        .isEqualTo("6b4684986b");
    assertThat(
            PodTemplateMatch.hashOf(
                WRITTEN, ownHash, List.of(replicaSet("argoproj/rollouts-demo:green"))))
        .as("another image is another template")
        .isEqualTo(ownHash);
  }

  @Test
  void imagesPullAlwaysOnlyWhenLatestOrUntagged() {
    assertThat(PodTemplateMatch.pullsAlways("nginx")).isTrue();
    assertThat(PodTemplateMatch.pullsAlways("nginx:latest")).isTrue();
    assertThat(PodTemplateMatch.pullsAlways("registry:5000/nginx")).isTrue();
    assertThat(PodTemplateMatch.pullsAlways("registry:5000/nginx:1.2")).isFalse();
    assertThat(PodTemplateMatch.pullsAlways("nginx@sha256:abc")).isFalse();
  }
}
