package io.rollout4j.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one controller did to one namespace, as a user would compare it: every distinct state of the
 * Rollout's status, its ReplicaSets, Services, VirtualServices, DestinationRules and AnalysisRuns,
 * normalised so that two controllers can be compared (pod-template hashes become T1, T2, … in the
 * order the templates appear; times are left out). Recorded from watches, so every write is seen,
 * however short-lived: a poll every second would miss states that last less than that.
 */
final class Trace implements AutoCloseable {
  /** One recorded state: field → value, and when it was first seen. */
  record State(Instant at, Map<String, String> fields) {}

  private static final List<ResourceDefinitionContext> KINDS =
      List.of(
          context("argoproj.io", "v1alpha1", "Rollout", "rollouts"),
          context("argoproj.io", "v1alpha1", "AnalysisRun", "analysisruns"),
          context("apps", "v1", "ReplicaSet", "replicasets"),
          context("", "v1", "Service", "services"),
          context("networking.istio.io", "v1", "VirtualService", "virtualservices"),
          context("networking.istio.io", "v1", "DestinationRule", "destinationrules"));

  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers =
      new LinkedHashMap<>();
  private final Map<String, String> templates = new LinkedHashMap<>();
  private final List<State> states = new ArrayList<>();

  Trace(RealCluster cluster, String namespace) {
    for (ResourceDefinitionContext kind : KINDS) {
      informers.put(
          kind.getKind(),
          cluster
              .client
              .genericKubernetesResources(kind)
              .inNamespace(namespace)
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                      record();
                    }

                    @Override
                    public void onUpdate(
                        GenericKubernetesResource old, GenericKubernetesResource now) {
                      record();
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                      record();
                    }
                  },
                  0));
    }
  }

  /** A namespaced kind for fabric8's generic client (the perf runner uses it too). */
  static ResourceDefinitionContext context(
      String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  synchronized List<State> states() {
    return List.copyOf(states);
  }

  /** The last state, or an empty one before anything was seen. */
  synchronized Map<String, String> now() {
    return states.isEmpty() ? Map.of() : states.get(states.size() - 1).fields();
  }

  private synchronized void record() {
    Map<String, String> state = snapshot();
    if (states.isEmpty() || !states.get(states.size() - 1).fields().equals(state)) {
      states.add(new State(Instant.now(), state));
    }
  }

  private List<GenericKubernetesResource> list(String kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(kind);
    return informer == null ? List.of() : informer.getStore().list();
  }

  private Map<String, String> snapshot() {
    // Templates in the order their ReplicaSets were created: T1 the first revision, and so on.
    list("ReplicaSet").stream()
        .sorted(
            Comparator.comparing(
                    (GenericKubernetesResource rs) ->
                        String.valueOf(rs.getMetadata().getCreationTimestamp()))
                .thenComparing(rs -> rs.getMetadata().getName()))
        .forEach(
            rs -> {
              String hash = label(rs, "rollouts-pod-template-hash");
              if (hash != null) {
                templates.computeIfAbsent(hash, h -> "T" + (templates.size() + 1));
              }
            });
    Map<String, String> out = new TreeMap<>();
    for (GenericKubernetesResource rollout : list("Rollout")) {
      rollout(out, rollout);
    }
    for (GenericKubernetesResource rs : list("ReplicaSet")) {
      String hash = label(rs, "rollouts-pod-template-hash");
      // A ReplicaSet no rollout owns (a Deployment's) is named as it is: the Deployment
      // controller's names do not depend on the namespace, so they match on both sides.
      String template = hash == null ? rs.getMetadata().getName() : template(hash);
      out.put("rs/" + template + " desired", text(path(rs, "spec", "replicas"), "0"));
      out.put("rs/" + template + " ready", text(path(rs, "status", "readyReplicas"), "0"));
      out.put("rs/" + template + " available", text(path(rs, "status", "availableReplicas"), "0"));
    }
    for (GenericKubernetesResource service : list("Service")) {
      Object selector = path(service, "spec", "selector", "rollouts-pod-template-hash");
      out.put(
          "service/" + service.getMetadata().getName() + " selector",
          selector == null ? "-" : template(String.valueOf(selector)));
    }
    for (GenericKubernetesResource vs : list("VirtualService")) {
      virtualService(out, vs);
    }
    for (GenericKubernetesResource dr : list("DestinationRule")) {
      List<String> subsets = new ArrayList<>();
      for (Object s : list(path(dr, "spec", "subsets"))) {
        Map<?, ?> subset = (Map<?, ?>) s;
        Object labels = subset.get("labels");
        Object hash = labels instanceof Map<?, ?> m ? m.get("rollouts-pod-template-hash") : null;
        subsets.add(subset.get("name") + "=" + (hash == null ? "-" : template(hash.toString())));
      }
      out.put(
          "destinationrule/" + dr.getMetadata().getName() + " subsets", String.join(" ", subsets));
    }
    for (GenericKubernetesResource run : list("AnalysisRun")) {
      String name = normalise(run.getMetadata().getName());
      out.put("analysisrun/" + name + " phase", text(path(run, "status", "phase"), "-"));
      List<String> phases = new ArrayList<>();
      for (Object result : list(path(run, "status", "metricResults"))) {
        Map<?, ?> metric = (Map<?, ?>) result;
        for (Object m : list(metric.get("measurements"))) {
          phases.add(String.valueOf(((Map<?, ?>) m).get("phase")));
        }
      }
      out.put("analysisrun/" + name + " measurements", Integer.toString(phases.size()));
      out.put(
          "analysisrun/" + name + " measurement phases",
          phases.stream().distinct().sorted().collect(Collectors.joining(",")));
    }
    return out;
  }

  private void rollout(Map<String, String> out, GenericKubernetesResource rollout) {
    String key = "rollout ";
    out.put(key + "phase", text(path(rollout, "status", "phase"), "-"));
    out.put(key + "message", normalise(text(path(rollout, "status", "message"), "")));
    out.put(key + "currentStepIndex", text(path(rollout, "status", "currentStepIndex"), "-"));
    out.put(key + "abort", text(path(rollout, "status", "abort"), "false"));
    out.put(key + "controllerPause", text(path(rollout, "status", "controllerPause"), "false"));
    out.put(key + "spec.paused", text(path(rollout, "spec", "paused"), "false"));
    out.put(
        key + "pauseConditions",
        list(path(rollout, "status", "pauseConditions")).stream()
            .map(c -> String.valueOf(((Map<?, ?>) c).get("reason")))
            .collect(Collectors.joining(",")));
    out.put(
        key + "conditions",
        list(path(rollout, "status", "conditions")).stream()
            .map(
                c -> {
                  Map<?, ?> condition = (Map<?, ?>) c;
                  return condition.get("type")
                      + "="
                      + condition.get("status")
                      + "/"
                      + condition.get("reason");
                })
            .sorted()
            .collect(Collectors.joining(" ")));
    out.put(key + "stable", template(text(path(rollout, "status", "stableRS"), null)));
    out.put(key + "current", template(text(path(rollout, "status", "currentPodHash"), null)));
    out.put(
        key + "canary weight",
        text(path(rollout, "status", "canary", "weights", "canary", "weight"), "-"));
    out.put(
        key + "active selector",
        template(text(path(rollout, "status", "blueGreen", "activeSelector"), null)));
    out.put(
        key + "preview selector",
        template(text(path(rollout, "status", "blueGreen", "previewSelector"), null)));
  }

  private void virtualService(Map<String, String> out, GenericKubernetesResource vs) {
    for (String section : List.of("http", "tls", "tcp")) {
      routes(out, vs, section);
    }
  }

  private void routes(Map<String, String> out, GenericKubernetesResource vs, String section) {
    List<String> names = new ArrayList<>();
    List<Object> entries = list(path(vs, "spec", section));
    if (entries.isEmpty()) {
      return;
    }
    for (int i = 0; i < entries.size(); i++) {
      Map<?, ?> route = (Map<?, ?>) entries.get(i);
      String name = route.get("name") == null ? "#" + i : String.valueOf(route.get("name"));
      names.add(name);
      List<String> destinations = new ArrayList<>();
      for (Object d : list(route.get("route"))) {
        Map<?, ?> destination = (Map<?, ?>) d;
        Map<?, ?> target = (Map<?, ?>) destination.get("destination");
        String where =
            target.get("host") + (target.get("subset") == null ? "" : "/" + target.get("subset"));
        destinations.add(
            where + "=" + (destination.get("weight") == null ? 0 : destination.get("weight")));
      }
      if (route.get("mirror") instanceof Map<?, ?> mirror) {
        destinations.add(
            "mirror "
                + mirror.get("host")
                + (mirror.get("subset") == null ? "" : "/" + mirror.get("subset"))
                + " "
                + Objects.toString(route.get("mirrorPercentage"), ""));
      }
      if (route.get("match") != null) {
        // Header and mirror routes differ only by their match: compare it, keys sorted (each
        // controller writes its own key order).
        destinations.add("match " + sorted(route.get("match")));
      }
      out.put(
          "virtualservice/" + vs.getMetadata().getName() + " " + section + " " + name,
          String.join(" ", destinations));
    }
    out.put(
        "virtualservice/"
            + vs.getMetadata().getName()
            + " "
            + (section.equals("http") ? "routes" : section + " routes"),
        String.join(",", names));
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (value instanceof List<?> items) {
      return items.stream().map(Trace::sorted).toList();
    }
    return value;
  }

  private String template(String hash) {
    if (hash == null || hash.isEmpty()) {
      return "-";
    }
    // A status may name a hash before its ReplicaSet reaches the watch: number it when first seen.
    return templates.computeIfAbsent(hash, h -> "T" + (templates.size() + 1));
  }

  /** A text with every pod-template hash it names replaced by its template's number. */
  private String normalise(String text) {
    String out = text;
    for (Map.Entry<String, String> e : templates.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  private static String label(GenericKubernetesResource object, String name) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels == null ? null : labels.get(name);
  }

  private static Object path(GenericKubernetesResource object, String... keys) {
    Object at = object.getAdditionalProperties();
    for (String key : keys) {
      if (!(at instanceof Map<?, ?> map)) {
        return null;
      }
      at = map.get(key);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  private static String text(Object value, String fallback) {
    return value == null ? fallback : String.valueOf(value);
  }

  /** Waits until {@code done} holds for the last state, or the deadline passes. */
  boolean awaitState(Duration deadline, java.util.function.Predicate<Map<String, String>> done) {
    Instant end = Instant.now().plus(deadline);
    while (Instant.now().isBefore(end)) {
      if (done.test(now())) {
        return true;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return done.test(now());
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
  }
}
