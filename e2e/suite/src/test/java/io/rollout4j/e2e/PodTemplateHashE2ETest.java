package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rollout4j.engine.PodTemplateHash;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.PodTemplateSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Rollout4j's pod-template hash is Argo's, checked two ways: against the Go oracle
 * (tools/pod-template-hash: k8s.io/api's types and Argo's algorithm) on thousands of seeded random
 * templates, and against the real Argo controller, which names the ReplicaSets it creates with it.
 */
class PodTemplateHashE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20261205L;

  @Test
  void oursEqualsTheGoOracleOnThreeThousandRandomTemplates() throws IOException {
    RandomPodTemplates templates = new RandomPodTemplates(SEED);
    Random counts = new Random(SEED);
    List<Map<String, Object>> cases = new ArrayList<>();
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("template", templates.next());
      // Argo adds the collision count once a hash collided; most rollouts have none.
      request.put("collisionCount", counts.nextInt(4) == 0 ? counts.nextInt(3) : null);
      cases.add(request);
      input.append(JSON.writeValueAsString(request)).append('\n');
    }
    // The input goes from a file: written through a pipe while the oracle answers into another,
    // both pipes fill and neither side moves.
    Path in = Files.createTempFile("templates", ".jsonl");
    Files.writeString(in, input);
    String output;
    try {
      Process oracle =
          new ProcessBuilder(ArgoController.bin().resolve("pod-template-hash").toString())
              .redirectInput(in.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      output = new String(oracle.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(oracle.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(oracle.exitValue()).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      Files.delete(in);
    }
    String[] lines = output.split("\n");
    assertThat(lines).hasSize(cases.size());
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String[] answer = lines[i].split("\t", 2);
      assertThat(answer[0]).as("the oracle read case %d: %s", i, lines[i]).isNotEqualTo("error");
      String ours =
          ours(cases.get(i).get("template"), (Integer) cases.get(i).get("collisionCount"));
      if (!answer[0].equals(ours)) {
        mismatches.add(
            "case "
                + i
                + ": ours "
                + ours
                + ", Argo's "
                + answer[0]
                + "\n  Go's JSON: "
                + answer[1]);
      }
    }
    Path report = Path.of("target", "differential", "pod-template-hash.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(
        report,
        cases.size()
            + " random templates (seed "
            + SEED
            + "), "
            + mismatches.size()
            + " hashes differ from the Go oracle\n"
            + String.join("\n", mismatches.subList(0, Math.min(5, mismatches.size()))));
    assertThat(mismatches).as("see %s", report).isEmpty();
  }

  @Test
  void argosControllerNamesItsReplicaSetsWithOurHash() throws IOException {
    int count = 30;
    try (RealCluster cluster = RealCluster.connect()) {
      ArgoController.installCrds(cluster);
      String ns = cluster.namespace("hashes");
      RandomPodTemplates templates = new RandomPodTemplates(SEED + 1);
      Map<String, String> expected = new LinkedHashMap<>();
      StringBuilder manifests = new StringBuilder();
      for (int i = 0; i < count; i++) {
        Map<String, Object> template = validForPods(templates.next());
        String name = "hash-" + i;
        @SuppressWarnings("unchecked")
        Map<String, Object> labels =
            (Map<String, Object>) ((Map<String, Object>) template.get("metadata")).get("labels");
        labels.put("app", name);
        expected.put(name, null);
        Map<String, Object> rollout = new LinkedHashMap<>();
        rollout.put("apiVersion", "argoproj.io/v1alpha1");
        rollout.put("kind", "Rollout");
        rollout.put(
            "metadata",
            Map.of("name", name, "labels", Map.of(ArgoController.INSTANCE_LABEL, "hashes")));
        rollout.put(
            "spec",
            Map.of(
                "replicas",
                0,
                "selector",
                Map.of("matchLabels", Map.of("app", name)),
                "template",
                template,
                "strategy",
                Map.of("canary", Map.of())));
        manifests.append("---\n").append(JSON.writeValueAsString(rollout)).append('\n');
      }
      try (ArgoController argo = ArgoController.start(cluster, "hashes")) {
        cluster.apply(ns, manifests.toString());
        // Argo names the ReplicaSet before creating it; a random template the API server's pod
        // validation refuses (sysctls with hostNetwork, ...) still shows that name in its error.
        Map<String, String> argos = new LinkedHashMap<>();
        // Ours from the Rollout as the API server stores it, which is what both controllers
        // read: Argo's CRD schema prunes the fields it does not know before either sees them.
        for (String name : expected.keySet()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> spec =
              (Map<String, Object>)
                  cluster.argo("Rollout", ns, name).getAdditionalProperties().get("spec");
          expected.put(name, ours(spec.get("template"), null));
        }
        try {
          awaitNames(cluster, ns, expected, argos, count);
        } catch (AssertionError e) {
          throw new AssertionError(
              e.getMessage()
                  + "; not for: "
                  + expected.keySet().stream()
                      .filter(name -> !argos.containsKey(name))
                      .map(name -> name + " " + statusOf(cluster, ns, name))
                      .toList(),
              e);
        }
        assertThat(argos)
            .as("Argo's hash per rollout")
            .containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(argo.alive()).isTrue();
      }
    }
  }

  private static void awaitNames(
      RealCluster cluster,
      String ns,
      Map<String, String> expected,
      Map<String, String> argos,
      int count) {
    RealCluster.await(
        "Argo named a ReplicaSet for each of the " + count + " rollouts",
        Duration.ofMinutes(1),
        () -> {
          argos.clear();
          for (ReplicaSet rs :
              cluster.client.apps().replicaSets().inNamespace(ns).list().getItems()) {
            String owner = rs.getMetadata().getOwnerReferences().get(0).getName();
            argos.put(owner, rs.getMetadata().getLabels().get("rollouts-pod-template-hash"));
          }
          for (String name : expected.keySet()) {
            String refused = argos.containsKey(name) ? null : refused(cluster, ns, name);
            if (refused != null) {
              argos.put(name, refused.substring(name.length() + 1));
            }
          }
          return argos.size() >= count;
        });
  }

  /**
   * Argo validates a template as a Pod before it names its ReplicaSet: drop what the random
   * generator combines freely but Kubernetes refuses (requests above limits, probes on init
   * containers, a mount without its volume, a toleration's value with Exists, ...).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> validForPods(Map<String, Object> template) {
    Map<String, Object> spec = (Map<String, Object>) template.get("spec");
    spec.remove("initContainers");
    boolean mounts = false;
    for (Object c : (List<Object>) spec.get("containers")) {
      Map<String, Object> container = (Map<String, Object>) c;
      if (container.get("resources") instanceof Map<?, ?> resources) {
        ((Map<String, Object>) resources).remove("limits");
      }
      mounts |= container.containsKey("volumeMounts");
      if (container.get("env") instanceof List<?> env) {
        for (Object e : env) {
          if (((Map<String, Object>) e).get("valueFrom") instanceof Map<?, ?> from
              && from.get("resourceFieldRef") instanceof Map<?, ?> ref) {
            ((Map<String, Object>) ref).remove("divisor");
          }
        }
      }
    }
    if (mounts && !spec.containsKey("volumes")) {
      spec.put("volumes", List.of(Map.of("name", "data", "emptyDir", Map.of())));
    }
    if (spec.get("tolerations") instanceof List<?> tolerations) {
      for (Object t : tolerations) {
        Map<String, Object> toleration = (Map<String, Object>) t;
        toleration.put("effect", "NoExecute");
        if ("Exists".equals(toleration.get("operator"))) {
          toleration.remove("value");
        }
      }
    }
    return template;
  }

  private static String statusOf(RealCluster cluster, String ns, String rollout) {
    var object = cluster.argo("Rollout", ns, rollout);
    return object == null
        ? "(none)"
        : String.valueOf(object.getAdditionalProperties().get("status"));
  }

  /** The ReplicaSet name in Argo's "Failed to create new replica set" condition, if any. */
  private static String refused(RealCluster cluster, String ns, String rollout) {
    var object = cluster.argo("Rollout", ns, rollout);
    String status =
        object == null ? "" : String.valueOf(object.getAdditionalProperties().get("status"));
    var matcher =
        java.util.regex.Pattern.compile(
                "Failed to create new replica set \"(" + rollout + "-[a-z0-9]+)\"")
            .matcher(status);
    return matcher.find() ? matcher.group(1) : null;
  }

  private static String ours(Object template, Integer collisionCount) {
    return PodTemplateHash.of(Manifests.fromTree(template, PodTemplateSpec.class), collisionCount);
  }
}
