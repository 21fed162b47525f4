package io.rollout4j.engine;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.PodTemplateSpec;
import io.rollout4j.model.RolloutLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the ReplicaSet that already runs a template whose hash is not on any ReplicaSet, as Argo's
 * {@code FindNewReplicaSet} does after its hash lookup: the API server fills defaults into a
 * ReplicaSet's pod template ({@code imagePullPolicy}, {@code terminationMessagePath}, {@code
 * dnsPolicy}, …), so a template copied back from a ReplicaSet ({@code kubectl argo rollouts undo},
 * a GitOps revert of an exported object) hashes differently from the one that made it, yet is the
 * same template. Without this an undo would start a new ReplicaSet instead of returning to the old
 * one. Compared with Kubernetes' pod-template defaults applied to both sides and the hash label
 * left out.
 */
final class PodTemplateMatch {
  private PodTemplateMatch() {}

  /**
   * {@code hash} when a ReplicaSet has it, else the hash of a ReplicaSet with the same template.
   */
  static String hashOf(PodTemplateSpec template, String hash, List<ReplicaSetView> sets) {
    for (ReplicaSetView rs : sets) {
      if (rs.hash().equals(hash)) {
        return hash;
      }
    }
    Object desired = null;
    for (ReplicaSetView rs : sets) {
      Object live = rs.resource().path("spec", "template");
      if (live == null) {
        continue;
      }
      if (desired == null) {
        desired = normalise(Manifests.toTree(template));
      }
      if (desired.equals(normalise(live))) {
        return rs.hash();
      }
    }
    return hash;
  }

  /** A pod template tree with the hash label removed and Kubernetes' defaults filled in. */
  static Object normalise(@Nullable Object template) {
    Map<String, Object> out = mutable(template);
    Map<String, Object> metadata = mutable(out.get("metadata"));
    metadata.remove("creationTimestamp");
    Map<String, Object> labels = mutable(metadata.get("labels"));
    labels.remove(RolloutLabels.POD_TEMPLATE_HASH);
    putOrRemove(metadata, "labels", labels);
    putOrRemove(out, "metadata", metadata);
    Map<String, Object> spec = mutable(out.get("spec"));
    spec.putIfAbsent("restartPolicy", "Always");
    spec.putIfAbsent("terminationGracePeriodSeconds", 30L);
    spec.putIfAbsent("dnsPolicy", "ClusterFirst");
    spec.putIfAbsent("securityContext", new LinkedHashMap<>());
    spec.putIfAbsent("schedulerName", "default-scheduler");
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      if (spec.get(list) instanceof List<?> containers) {
        List<Object> defaulted = new ArrayList<>();
        for (Object c : containers) {
          defaulted.add(container(mutable(c)));
        }
        spec.put(list, defaulted);
      }
    }
    if (spec.get("volumes") instanceof List<?> volumes) {
      List<Object> defaulted = new ArrayList<>();
      for (Object v : volumes) {
        Map<String, Object> volume = mutable(v);
        for (String source : List.of("secret", "configMap", "downwardAPI", "projected")) {
          if (volume.get(source) instanceof Map<?, ?>) {
            Map<String, Object> s = mutable(volume.get(source));
            s.putIfAbsent("defaultMode", 420L);
            volume.put(source, s);
          }
        }
        defaulted.add(volume);
      }
      spec.put("volumes", defaulted);
    }
    out.put("spec", spec);
    return numbersAsLong(out);
  }

  private static Map<String, Object> container(Map<String, Object> c) {
    c.putIfAbsent("terminationMessagePath", "/dev/termination-log");
    c.putIfAbsent("terminationMessagePolicy", "File");
    c.putIfAbsent("resources", new LinkedHashMap<>());
    if (!c.containsKey("imagePullPolicy")) {
      c.put(
          "imagePullPolicy",
          pullsAlways(String.valueOf(c.get("image"))) ? "Always" : "IfNotPresent");
    }
    if (c.get("ports") instanceof List<?> ports) {
      List<Object> defaulted = new ArrayList<>();
      for (Object p : ports) {
        Map<String, Object> port = mutable(p);
        port.putIfAbsent("protocol", "TCP");
        defaulted.add(port);
      }
      c.put("ports", defaulted);
    }
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      if (c.get(probe) instanceof Map<?, ?>) {
        Map<String, Object> p = mutable(c.get(probe));
        p.putIfAbsent("timeoutSeconds", 1L);
        p.putIfAbsent("periodSeconds", 10L);
        p.putIfAbsent("successThreshold", 1L);
        p.putIfAbsent("failureThreshold", 3L);
        if (p.get("httpGet") instanceof Map<?, ?>) {
          Map<String, Object> get = mutable(p.get("httpGet"));
          get.putIfAbsent("scheme", "HTTP");
          p.put("httpGet", get);
        }
        c.put(probe, p);
      }
    }
    if (c.get("env") instanceof List<?> env) {
      List<Object> defaulted = new ArrayList<>();
      for (Object e : env) {
        Map<String, Object> var = mutable(e);
        if (var.get("valueFrom") instanceof Map<?, ?>) {
          Map<String, Object> from = mutable(var.get("valueFrom"));
          if (from.get("fieldRef") instanceof Map<?, ?>) {
            Map<String, Object> ref = mutable(from.get("fieldRef"));
            ref.putIfAbsent("apiVersion", "v1");
            from.put("fieldRef", ref);
          }
          var.put("valueFrom", from);
        }
        defaulted.add(var);
      }
      c.put("env", defaulted);
    }
    return c;
  }

  /** Kubernetes pulls {@code :latest} and untagged images always, others if not present. */
  static boolean pullsAlways(String image) {
    if (image.contains("@")) {
      return false;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon <= slash || image.substring(colon + 1).equals("latest");
  }

  private static void putOrRemove(Map<String, Object> map, String key, Map<String, Object> value) {
    if (value.isEmpty()) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mutable(@Nullable Object value) {
    return value instanceof Map<?, ?> m
        ? new LinkedHashMap<>((Map<String, Object>) m)
        : new LinkedHashMap<>();
  }

  /** JSON integers compare by value whether they were read as Integer or Long. */
  private static Object numbersAsLong(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), numbersAsLong(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(numbersAsLong(v)));
      return out;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    return value;
  }
}
