package io.rollout4j.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random pod templates that a Rollout's CRD schema accepts: every part of a PodSpec users
 * write (containers and init containers, probes of each kind, env and envFrom, resources with
 * quantities in every notation, volumes of the common kinds, security contexts, affinity,
 * tolerations, topology spread, DNS), each present or not, and strings that need escaping, in
 * random key order. The same seed gives the same templates.
 */
final class RandomPodTemplates {
  private final Random random;

  RandomPodTemplates(long seed) {
    this.random = new Random(seed);
  }

  private static final String[] CPU = {
    "100m", "0.5", "1", "1.5", "2000m", "250m", "0.1", "3", "1e3", "500u", "+1", "0.001"
  };
  private static final String[] MEMORY = {
    "64Mi", "1Gi", "1024Mi", "0.5Gi", "128974848", "129e6", "1.5Gi", "512Ki", "1G", "100M", "1e9"
  };
  private static final String[] TEXT = {
    "plain",
    "a<b>&c",
    "quote\"back\\slash",
    "tab\tnew\nline",
    "é ü ß",
    "emoji 🚀",
    "\u2028x\u2029",
    "ctrl\u0001",
    "",
    "{\"json\": [1, 2]}"
  };

  Map<String, Object> next() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app", "demo");
    if (chance(0.5)) {
      labels.put("tier", pick("web", "api", "worker"));
    }
    metadata.put("labels", labels);
    if (chance(0.4)) {
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put("note", pick(TEXT));
      if (chance(0.5)) {
        annotations.put("prometheus.io/scrape", "true");
      }
      metadata.put("annotations", annotations);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    List<Object> containers = new ArrayList<>();
    int count = 1 + random.nextInt(2);
    for (int i = 0; i < count; i++) {
      containers.add(container("c" + i));
    }
    spec.put("containers", containers);
    if (chance(0.2)) {
      spec.put("initContainers", List.of(container("init")));
    }
    if (chance(0.4)) {
      spec.put("volumes", volumes());
    }
    if (chance(0.3)) {
      spec.put("nodeSelector", map("kubernetes.io/os", "linux", "disk", pick("ssd", "hdd")));
    }
    if (chance(0.3)) {
      spec.put("tolerations", List.of(toleration()));
    }
    if (chance(0.3)) {
      spec.put("affinity", affinity());
    }
    if (chance(0.2)) {
      spec.put(
          "topologySpreadConstraints",
          List.of(
              map(
                  "maxSkew",
                  1,
                  "topologyKey",
                  "topology.kubernetes.io/zone",
                  "whenUnsatisfiable",
                  pick("DoNotSchedule", "ScheduleAnyway"),
                  "labelSelector",
                  map("matchLabels", map("app", "demo")))));
    }
    if (chance(0.3)) {
      Map<String, Object> security = new LinkedHashMap<>();
      optional(security, "runAsNonRoot", true);
      optional(security, "runAsUser", 1000);
      optional(security, "fsGroup", 2000);
      optional(security, "supplementalGroups", List.of(3000, 4000));
      optional(security, "seccompProfile", map("type", "RuntimeDefault"));
      optional(security, "sysctls", List.of(map("name", "net.core.somaxconn", "value", "1024")));
      spec.put("securityContext", security);
    }
    optional(spec, "serviceAccountName", pick("default", "demo-sa"));
    optional(spec, "terminationGracePeriodSeconds", pick(0, 30, 60));
    optional(spec, "dnsPolicy", pick("ClusterFirst", "Default"));
    optional(spec, "restartPolicy", "Always");
    optional(spec, "schedulerName", "default-scheduler");
    optional(spec, "enableServiceLinks", random.nextBoolean());
    optional(spec, "automountServiceAccountToken", random.nextBoolean());
    optional(spec, "hostNetwork", random.nextBoolean());
    optional(spec, "priorityClassName", "high");
    optional(spec, "imagePullSecrets", List.of(map("name", "registry")));
    optional(spec, "readinessGates", List.of(map("conditionType", "example.com/ready")));
    optional(
        spec,
        "dnsConfig",
        map("options", List.of(map("name", "ndots", "value", "2"), map("name", "edns0"))));
    optional(spec, "hostAliases", List.of(map("ip", "127.0.0.1", "hostnames", List.of("a.local"))));
    optional(spec, "shareProcessNamespace", random.nextBoolean());
    optional(spec, "os", map("name", "linux"));
    Map<String, Object> template = new LinkedHashMap<>();
    template.put("metadata", metadata);
    template.put("spec", shuffled(spec));
    return template;
  }

  private Map<String, Object> container(String name) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put(
        "image", pick("nginx:1.25", "argoproj/rollouts-demo:blue", "registry:5000/app@sha256:ab"));
    optional(c, "command", List.of("/bin/sh", "-c"));
    optional(c, "args", List.of("echo " + pick(TEXT)));
    optional(c, "workingDir", "/work");
    if (chance(0.6)) {
      Map<String, Object> port = new LinkedHashMap<>();
      optional(port, "name", "http");
      port.put("containerPort", pick(80, 8080, 9090));
      optional(port, "protocol", pick("TCP", "UDP"));
      c.put("ports", List.of(port));
    }
    if (chance(0.5)) {
      List<Object> env = new ArrayList<>();
      env.add(map("name", "MODE", "value", pick(TEXT)));
      if (chance(0.5)) {
        env.add(
            map(
                "name",
                "SECRET",
                "valueFrom",
                map("secretKeyRef", map("name", "s", "key", "k", "optional", true))));
      }
      if (chance(0.5)) {
        env.add(
            map("name", "POD", "valueFrom", map("fieldRef", map("fieldPath", "metadata.name"))));
      }
      if (chance(0.5)) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("resource", "limits.cpu");
        optional(ref, "divisor", pick("1m", "1", "0"));
        env.add(map("name", "CPU", "valueFrom", map("resourceFieldRef", ref)));
      }
      c.put("env", env);
    }
    optional(c, "envFrom", List.of(map("prefix", "CFG_", "configMapRef", map("name", "cfg"))));
    if (chance(0.6)) {
      Map<String, Object> resources = new LinkedHashMap<>();
      if (chance(0.7)) {
        resources.put("requests", quantities());
      }
      if (chance(0.7)) {
        resources.put("limits", quantities());
      }
      c.put("resources", resources);
    }
    optional(c, "readinessProbe", probe());
    optional(c, "livenessProbe", probe());
    optional(c, "startupProbe", probe());
    optional(
        c,
        "lifecycle",
        map("preStop", chance(0.5) ? map("sleep", map("seconds", 5)) : map("exec", exec())));
    if (chance(0.3)) {
      Map<String, Object> security = new LinkedHashMap<>();
      optional(security, "allowPrivilegeEscalation", false);
      optional(security, "readOnlyRootFilesystem", true);
      optional(security, "runAsNonRoot", true);
      optional(security, "capabilities", map("drop", List.of("ALL")));
      optional(security, "privileged", false);
      c.put("securityContext", security);
    }
    optional(c, "imagePullPolicy", pick("IfNotPresent", "Always"));
    optional(c, "terminationMessagePolicy", pick("File", "FallbackToLogsOnError"));
    optional(
        c,
        "volumeMounts",
        List.of(map("name", "data", "mountPath", "/data", "readOnly", random.nextBoolean())));
    optional(c, "stdin", random.nextBoolean());
    return shuffled(c);
  }

  private Map<String, Object> quantities() {
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("cpu", chance(0.2) ? pick(1, 2) : pick(CPU));
    if (chance(0.8)) {
      q.put("memory", pick(MEMORY));
    }
    if (chance(0.2)) {
      q.put("ephemeral-storage", pick("1Gi", "500M"));
    }
    return shuffled(q);
  }

  private Map<String, Object> probe() {
    Map<String, Object> p = new LinkedHashMap<>();
    switch (random.nextInt(4)) {
      case 0 -> {
        Map<String, Object> get = new LinkedHashMap<>();
        optional(get, "path", "/healthz");
        get.put("port", chance(0.5) ? pick(80, 8080) : "http");
        optional(get, "scheme", "HTTP");
        optional(get, "httpHeaders", List.of(map("name", "X-Probe", "value", pick(TEXT))));
        p.put("httpGet", get);
      }
      case 1 -> p.put("tcpSocket", map("port", chance(0.5) ? 8080 : "http"));
      case 2 -> p.put("exec", exec());
      default -> {
        Map<String, Object> grpc = new LinkedHashMap<>();
        grpc.put("port", 9090);
        optional(grpc, "service", "health");
        p.put("grpc", grpc);
      }
    }
    optional(p, "initialDelaySeconds", pick(0, 5));
    optional(p, "periodSeconds", pick(1, 10));
    optional(p, "timeoutSeconds", 1);
    optional(p, "failureThreshold", 3);
    optional(p, "successThreshold", 1);
    return shuffled(p);
  }

  private Map<String, Object> exec() {
    return map("command", List.of("cat", "/tmp/ready"));
  }

  private List<Object> volumes() {
    List<Object> volumes = new ArrayList<>();
    volumes.add(
        map(
            "name",
            "data",
            "emptyDir",
            chance(0.5)
                ? map()
                : map("medium", "Memory", "sizeLimit", pick("1Gi", "500Mi", "0.5Gi"))));
    optional(
        volumes,
        map(
            "name",
            "cfg",
            "configMap",
            map(
                "name",
                "cfg",
                "defaultMode",
                420,
                "items",
                List.of(map("key", "a", "path", "a.txt")))));
    optional(volumes, map("name", "sec", "secret", map("secretName", "s", "optional", true)));
    optional(
        volumes,
        map(
            "name",
            "token",
            "projected",
            map(
                "sources",
                List.of(
                    map(
                        "serviceAccountToken",
                        map("path", "token", "expirationSeconds", 3600, "audience", "api"))))));
    optional(
        volumes,
        map(
            "name",
            "info",
            "downwardAPI",
            map(
                "items",
                List.of(
                    map("path", "labels", "fieldRef", map("fieldPath", "metadata.labels")),
                    map(
                        "path",
                        "cpu",
                        "resourceFieldRef",
                        map("containerName", "c0", "resource", "requests.cpu"))))));
    optional(volumes, map("name", "claim", "persistentVolumeClaim", map("claimName", "pvc")));
    optional(
        volumes, map("name", "host", "hostPath", map("path", "/var/log", "type", "Directory")));
    return volumes;
  }

  private Map<String, Object> toleration() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("key", "dedicated");
    t.put("operator", pick("Equal", "Exists"));
    optional(t, "value", "rollouts");
    t.put("effect", pick("NoSchedule", "NoExecute"));
    optional(t, "tolerationSeconds", 300);
    return shuffled(t);
  }

  private Map<String, Object> affinity() {
    Map<String, Object> a = new LinkedHashMap<>();
    optional(
        a,
        "nodeAffinity",
        map(
            "requiredDuringSchedulingIgnoredDuringExecution",
            map(
                "nodeSelectorTerms",
                List.of(
                    map(
                        "matchExpressions",
                        List.of(
                            map(
                                "key",
                                "kubernetes.io/arch",
                                "operator",
                                "In",
                                "values",
                                List.of("amd64", "arm64")))))),
            "preferredDuringSchedulingIgnoredDuringExecution",
            List.of(
                map(
                    "weight",
                    10,
                    "preference",
                    map("matchExpressions", List.of(map("key", "disk", "operator", "Exists")))))));
    optional(
        a,
        "podAntiAffinity",
        map(
            "preferredDuringSchedulingIgnoredDuringExecution",
            List.of(
                map(
                    "weight",
                    100,
                    "podAffinityTerm",
                    map(
                        "labelSelector",
                        map("matchLabels", map("app", "demo")),
                        "topologyKey",
                        "kubernetes.io/hostname")))));
    return a;
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private void optional(Map<String, Object> map, String key, Object value) {
    if (chance(0.35)) {
      map.put(key, value);
    }
  }

  private void optional(List<Object> list, Object value) {
    if (chance(0.4)) {
      list.add(value);
    }
  }

  @SafeVarargs
  private <T> T pick(T... values) {
    return values[random.nextInt(values.length)];
  }

  /** The same entries in a random order: the hash must not depend on how a user orders keys. */
  private Map<String, Object> shuffled(Map<String, Object> map) {
    List<Map.Entry<String, Object>> entries = new ArrayList<>(map.entrySet());
    java.util.Collections.shuffle(entries, random);
    Map<String, Object> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
