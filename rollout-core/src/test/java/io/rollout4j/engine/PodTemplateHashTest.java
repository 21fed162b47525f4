package io.rollout4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.ObjectMeta;
import io.rollout4j.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pod-template hash is Argo Rollouts' own, so a rollout changes controllers without a new
 * ReplicaSet. The expected values come from tools/pod-template-hash (Go, k8s.io/api v0.34, Argo's
 * algorithm); the e2e tier checks many more against it and against Argo's controller.
 */
class PodTemplateHashTest {

  private static PodTemplateSpec template(boolean reversed, String image) {
    Map<String, Object> container = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    if (reversed) {
      container.put("image", image);
      container.put("name", "app");
      labels.put("tier", "web");
      labels.put("app", "shop");
    } else {
      container.put("name", "app");
      container.put("image", image);
      labels.put("app", "shop");
      labels.put("tier", "web");
    }
    return new PodTemplateSpec(
        ObjectMeta.ofLabels(labels, Map.of()), Map.of("containers", List.of(container)));
  }

  private static PodTemplateSpec fromJson(String json) throws Exception {
    Object tree = new ObjectMapper().readValue(json, Object.class);
    return Manifests.fromTree(tree, PodTemplateSpec.class);
  }

  @Test
  void theHashIsArgosWhateverTheKeyOrder() {
    assertThat(PodTemplateHash.of(template(false, "shop:1"), null)).isEqualTo("5d6ccbb478");
    assertThat(PodTemplateHash.of(template(true, "shop:1"), null)).isEqualTo("5d6ccbb478");
    assertThat(PodTemplateHash.of(template(false, "shop:1"), 1)).isEqualTo("74b5b4d495");
    assertThat(PodTemplateHash.of(template(false, "shop:2"), null)).isEqualTo("6bd9d78899");
  }

  @Test
  void argosIstioExampleHashesAsArgoNamesItsReplicaSet() throws Exception {
    PodTemplateSpec example =
        fromJson(
            """
            {"metadata":{"labels":{"app":"istio-subset-split"}},
             "spec":{"containers":[{"name":"istio-subset-split","image":"nginx:1.19-alpine",
               "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
               "resources":{"requests":{"memory":"16Mi","cpu":"5m"}}}]}}""");
    assertThat(PodTemplateHash.of(example, null)).isEqualTo("74cc5fff57");
  }

  @Test
  void goFieldOrderZeroValuesQuantitiesAndEscapingAllCount() throws Exception {
    PodTemplateSpec rich =
        fromJson(
            """
            {"metadata":{"labels":{"app":"x"},"annotations":{"note":"a<b>&c\\u2028\\u0001\\t"}},
             "spec":{"volumes":[{"name":"v","configMap":{"name":"cm","defaultMode":420}},
               {"name":"d","downwardAPI":{"items":[{"path":"cpu",
                 "resourceFieldRef":{"resource":"limits.cpu"}}]}}],
              "containers":[{"name":"a","image":"i",
                "livenessProbe":{"httpGet":{"port":"http"},"periodSeconds":5},
                "env":[{"name":"K","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}],
                "resources":{"limits":{"cpu":"0.5","memory":"1024Mi"}}}],
              "affinity":{"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[
                {"weight":1,"podAffinityTerm":{"topologyKey":"kubernetes.io/hostname",
                  "labelSelector":{"matchLabels":{"app":"x"}}}}]}},
              "tolerations":[{"key":"k","operator":"Exists"}],
              "terminationGracePeriodSeconds":0,"hostNetwork":false,"notAField":1}}""");
    assertThat(new String(GoJson.encode(Manifests.toTree(rich)), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"metadata\":{\"labels\":{\"app\":\"x\"},\"annotations\":{\"note\":"
                + "\"a\\u003cb\\u003e\\u0026c\\u2028\\u0001\\t\"}},\"spec\":{\"volumes\":[{\"name\":"
                + "\"v\",\"configMap\":{\"name\":\"cm\",\"defaultMode\":420}},{\"name\":\"d\","
                + "\"downwardAPI\":{\"items\":[{\"path\":\"cpu\",\"resourceFieldRef\":"
                + "{\"resource\":\"limits.cpu\",\"divisor\":\"0\"}}]}}],\"containers\":[{\"name\":"
                + "\"a\",\"image\":\"i\",\"env\":[{\"name\":\"K\",\"valueFrom\":{\"secretKeyRef\":"
                + "{\"name\":\"s\",\"key\":\"k\"}}}],\"resources\":{\"limits\":{\"cpu\":\"500m\","
                + "\"memory\":\"1Gi\"}},\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"},"
                + "\"periodSeconds\":5}}],\"terminationGracePeriodSeconds\":0,\"affinity\":"
                + "{\"podAntiAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":"
                + "[{\"weight\":1,\"podAffinityTerm\":{\"labelSelector\":{\"matchLabels\":"
                + "{\"app\":\"x\"}},\"topologyKey\":\"kubernetes.io/hostname\"}}]}},"
                + "\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}}");
    assertThat(PodTemplateHash.of(rich, 3)).isEqualTo("777d89f7c8");
  }

  @ParameterizedTest
  @CsvSource({
    "0.5, 500m",
    "1024Mi, 1Gi",
    "1.5, 1500m",
    "100m, 100m",
    "1000m, 1",
    "1e3, 1e3",
    "1.5e3, 1500",
    "+1, +1",
    "-1, -1",
    "0, 0",
    "00, 0",
    "1Ki, 1Ki",
    "8Ki, 8Ki",
    "1024Ki, 1Mi",
    "1.5Gi, 1536Mi",
    "0.1Ki, 102400m",
    "1n, 1n",
    "0.0000000001, 1n",
    "1.0000000001, 1000000001n",
    "123456789012345678, 123456789012345678",
    "1234567890123456789, 1234567890123456789",
    "1E, 1E",
    "1000E, 1",
    "1e-3, 1e-3",
    "2e10, 20e9",
    "5.5M, 5500k",
    "0.001k, 1",
    "1., 1.",
    "12Mi, 12Mi",
    "1023Ki, 1023Ki",
    ".5, 500m",
    "1u, 1u",
    "1000n, 1u",
    "7Ei, 7Ei",
    "0.5Ki, 512",
    "3000Mi, 3000Mi",
    "10e2, 1e3",
    "1e0, 1e0",
    "100Ki, 100Ki",
    "+0.5, 500m"
  })
  void quantitiesAreWrittenAsKubernetesWritesThem(String written, String canonical) {
    assertThat(GoQuantity.canonical(written)).isEqualTo(canonical);
  }

  @Test
  void aReplicaSetNamedByAnEarlierVersionsHashIsStillTheTemplatesReplicaSet() {
    // Before Argo's hash, Rollout4j hashed canonical JSON: "575665ccc5" for this template.
    PodTemplateSpec template = template(false, "shop:1");
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put(
        "metadata",
        Map.of(
            "labels",
            Map.of("app", "shop", "tier", "web", "rollouts-pod-template-hash", "575665ccc5")));
    tree.put("spec", Map.of("containers", List.of(Map.of("name", "app", "image", "shop:1"))));
    ReplicaSetView old =
        ReplicaSetView.of(
            (GenericResource)
                Manifests.fromMap(
                    Map.of(
                        "apiVersion",
                        "apps/v1",
                        "kind",
                        "ReplicaSet",
                        "metadata",
                        Map.of(
                            "name",
                            "shop-575665ccc5",
                            "labels",
                            Map.of("rollouts-pod-template-hash", "575665ccc5")),
                        "spec",
                        Map.of("replicas", 3, "template", tree))));
    assertThat(PodTemplateMatch.hashOf(template, PodTemplateHash.of(template, null), List.of(old)))
        .isEqualTo("575665ccc5");
  }
}
