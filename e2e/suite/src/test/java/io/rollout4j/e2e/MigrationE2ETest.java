package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Handing rollouts over from the real Argo Rollouts controller to Rollout4j without a redeploy: one
 * rollout Argo brought to Healthy and one Argo paused mid-canary (Istio subset routing at 10 %)
 * change controllers (Argo stopped, Rollout4j started for the same instance id). Nothing may
 * change: no new ReplicaSet, no Pod replaced, the same traffic split, the same step; then the
 * paused one continues from its step when promoted through the kubectl plugin.
 */
class MigrationE2ETest {
  private static final String INSTANCE = "handover";
  private static final List<String> ROLLOUTS = List.of("shop", "cart");

  @Test
  void aHealthyAndAPausedRolloutChangeControllersWithoutANewReplicaSetAPodRestartOrATrafficChange()
      throws IOException {
    try (RealCluster cluster = RealCluster.connect()) {
      ArgoController.installCrds(cluster);
      String ns = cluster.namespace("handover");
      String example =
          Files.readString(
              Scenario.shared()
                  .resolve("argo-rollouts-examples/examples/istio/istio-subset-split.yaml"));
      Map<String, String> before;
      String argoGet;
      try (ArgoController argo = ArgoController.start(cluster, INSTANCE)) {
        for (String name : ROLLOUTS) {
          cluster.apply(ns, labelled(example.replace("istio-subset-split", name)));
        }
        for (String name : ROLLOUTS) {
          awaitRollout(cluster, ns, name, "Healthy", Duration.ofMinutes(2));
        }
        ArgoController.plugin(cluster, ns, "set", "image", "cart", "cart=nginx:1.21-alpine");
        awaitRollout(cluster, ns, "cart", "Paused", Duration.ofMinutes(2));
        RealCluster.await(
            "Argo's canary pod ready and the split at 10 %",
            Duration.ofMinutes(1),
            () -> state(cluster, ns).getOrDefault("vs/cart", "").contains("canary=10"));
        before = settled(cluster, ns);
        argoGet = ArgoController.plugin(cluster, ns, "get", "rollout", "cart");
        assertThat(argo.alive()).as("Argo's controller ran throughout").isTrue();
      }
      assertThat(before.get("rollout/cart")).contains("step=1", "phase=Paused");
      assertThat(before.get("rollout/shop")).contains("phase=Healthy");

      try (ControllerProcess ours =
          ControllerProcess.start(
              cluster.kubeconfig.toString(),
              ns,
              "--instance-id=" + INSTANCE,
              "--leader-elect=false")) {
        RealCluster.await(
            "Rollout4j's controller started",
            Duration.ofMinutes(1),
            () -> ours.logText().contains("started"));
        // Watch the handed-over objects for 20 s: any state other than Argo's last one is a change
        // a user would see (a new ReplicaSet, a replaced Pod, a moved weight, another step).
        Set<Map<String, String>> seen = new LinkedHashSet<>();
        Instant end = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(end)) {
          seen.add(state(cluster, ns));
          sleep(Duration.ofMillis(200));
        }
        String oursGet = ArgoController.plugin(cluster, ns, "get", "rollout", "cart");
        Path report = Path.of("target", "differential", "migration.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(
            report,
            "Argo's last state:\n"
                + render(before)
                + "\nkubectl argo rollouts get rollout cart, under Argo:\n"
                + argoGet
                + "\nthe same after 20 s under Rollout4j:\n"
                + oursGet
                + "\nstates seen under Rollout4j: "
                + seen.size()
                + "\n"
                + changes(before, seen));
        assertThat(changes(before, seen))
            .as("what Rollout4j changed after taking over (report: %s)", report)
            .isEmpty();
        assertThat(ours.alive()).isTrue();

        // The paused canary continues from its step: promotion finishes it on Argo's ReplicaSet.
        String canaryHash = hashOf(before.get("rollout/cart"), "current");
        ArgoController.plugin(cluster, ns, "promote", "cart");
        awaitRollout(cluster, ns, "cart", "Healthy", Duration.ofMinutes(2));
        Map<String, String> after = state(cluster, ns);
        assertThat(after.get("rollout/cart")).contains("stable=" + canaryHash);
        assertThat(after.get("vs/cart")).contains("canary=0", "stable=100");
        assertThat(replicaSetNames(after)).isEqualTo(replicaSetNames(before));
      }
    }
  }

  /** The example's objects, the Rollout labelled for the instance both controllers run as. */
  private static String labelled(String text) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Yaml yaml = new Yaml(options);
    List<Object> documents = new ArrayList<>();
    for (Object document : yaml.loadAll(text)) {
      if (document != null) {
        ArgoController.label(document, INSTANCE);
        documents.add(document);
      }
    }
    return yaml.dumpAll(documents.iterator());
  }

  private static void awaitRollout(
      RealCluster cluster, String ns, String name, String phase, Duration deadline) {
    RealCluster.await(
        name + " " + phase,
        deadline,
        () -> {
          GenericKubernetesResource rollout = cluster.argo("Rollout", ns, name);
          Object status = rollout == null ? null : rollout.getAdditionalProperties().get("status");
          return status instanceof Map<?, ?> s && phase.equals(s.get("phase"));
        });
  }

  /** Argo's state once nothing has changed for 5 s: its pods ready, its weights written. */
  private static Map<String, String> settled(RealCluster cluster, String ns) {
    Map<String, String> last = state(cluster, ns);
    Instant stableSince = Instant.now();
    Instant end = Instant.now().plus(Duration.ofMinutes(1));
    while (Instant.now().isBefore(end)) {
      sleep(Duration.ofMillis(200));
      Map<String, String> now = state(cluster, ns);
      if (!now.equals(last)) {
        last = now;
        stableSince = Instant.now();
      } else if (Duration.between(stableSince, Instant.now()).toSeconds() >= 5) {
        return last;
      }
    }
    throw new AssertionError("Argo's rollouts did not settle: " + last);
  }

  /**
   * What a user would notice: every ReplicaSet (by name, with its uid and size), every Pod (by
   * uid), the Services' selectors, the VirtualServices' weights, the DestinationRules' subsets and
   * the Rollouts' step, phase and revisions.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> state(RealCluster cluster, String ns) {
    Map<String, String> out = new TreeMap<>();
    for (ReplicaSet rs : cluster.client.apps().replicaSets().inNamespace(ns).list().getItems()) {
      out.put(
          "rs/" + rs.getMetadata().getName(),
          "uid=" + rs.getMetadata().getUid() + " replicas=" + rs.getSpec().getReplicas());
    }
    for (Pod pod : cluster.client.pods().inNamespace(ns).list().getItems()) {
      out.put("pod/" + pod.getMetadata().getName(), "uid=" + pod.getMetadata().getUid());
    }
    for (String name : ROLLOUTS) {
      var service = cluster.client.services().inNamespace(ns).withName(name).get();
      out.put("service/" + name, String.valueOf(service.getSpec().getSelector()));
      GenericKubernetesResource vs = cluster.istio("VirtualService", ns, name + "-vsvc");
      StringBuilder weights = new StringBuilder();
      for (Object route : (List<Object>) path(vs, "spec", "http")) {
        for (Object destination : (List<Object>) ((Map<String, Object>) route).get("route")) {
          Map<String, Object> d = (Map<String, Object>) destination;
          weights
              .append(((Map<String, Object>) d.get("destination")).get("subset"))
              .append('=')
              .append(d.get("weight"))
              .append(' ');
        }
      }
      out.put("vs/" + name, weights.toString().trim());
      GenericKubernetesResource dr = cluster.istio("DestinationRule", ns, name + "-destrule");
      out.put("dr/" + name, Serialization.asJson(path(dr, "spec", "subsets")));
      GenericKubernetesResource rollout = cluster.argo("Rollout", ns, name);
      Map<String, Object> status =
          (Map<String, Object>) rollout.getAdditionalProperties().get("status");
      out.put(
          "rollout/" + name,
          status == null
              ? "no status"
              : "phase="
                  + status.get("phase")
                  + " step="
                  + status.get("currentStepIndex")
                  + " stable="
                  + status.get("stableRS")
                  + " current="
                  + status.get("currentPodHash")
                  + " paused="
                  + (status.get("pauseConditions") != null));
    }
    return out;
  }

  /** Every entry of a seen state that differs from Argo's last state, as "key: before -> now". */
  private static String changes(Map<String, String> before, Set<Map<String, String>> seen) {
    StringBuilder out = new StringBuilder();
    for (Map<String, String> state : seen) {
      Set<String> keys = new java.util.TreeSet<>(before.keySet());
      keys.addAll(state.keySet());
      for (String key : keys) {
        if (!Objects.equals(before.get(key), state.get(key))) {
          out.append(key)
              .append(": ")
              .append(before.get(key))
              .append(" -> ")
              .append(state.get(key))
              .append('\n');
        }
      }
    }
    return out.toString();
  }

  private static Object path(GenericKubernetesResource object, String... keys) {
    Object at = object.getAdditionalProperties();
    for (String key : keys) {
      at = at instanceof Map<?, ?> map ? map.get(key) : null;
    }
    return Objects.requireNonNull(at, () -> String.join(".", keys) + " missing");
  }

  private static String hashOf(String rolloutState, String field) {
    for (String part : rolloutState.split(" ")) {
      if (part.startsWith(field + "=")) {
        return part.substring(field.length() + 1);
      }
    }
    throw new AssertionError(field + " not in " + rolloutState);
  }

  private static Set<String> replicaSetNames(Map<String, String> state) {
    Set<String> names = new LinkedHashSet<>();
    state.keySet().stream().filter(k -> k.startsWith("rs/")).forEach(names::add);
    return names;
  }

  private static String render(Map<String, String> state) {
    StringBuilder out = new StringBuilder();
    state.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
