package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Argo's {@code job} metric on the real cluster with the controller process: a smoke test as a
 * Kubernetes Job decides the canary's analysis step. kwok runs the Job's Pod to completion (or, for
 * a Pod labelled {@code e2e-job-fails}, to a failure), the real Job controller sets the Job's
 * condition, and the rollout is promoted or aborted on it.
 */
class JobMetricE2ETest {

  private static String template(boolean fails) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisTemplate
        metadata: {name: smoke}
        spec:
          args:
          - name: target
          metrics:
          - name: smoke-test
            provider:
              job:
                metadata:
                  labels: {team: shop}
                spec:
                  backoffLimit: 0
                  template:
                    metadata:
                      labels: {%s}
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: smoke
                        image: curlimages/curl:8.11.0
                        args: ["--fail", "http://{{args.target}}/health"]
        """
        .formatted(fails ? "e2e-job-fails: \"yes\"" : "purpose: smoke");
  }

  private static String rollout(String image) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec:
              containers: [{name: shop, image: "%s"}]
          strategy:
            canary:
              steps:
              - setWeight: 50
              - analysis:
                  templates: [{templateName: smoke}]
                  args: [{name: target, value: shop-canary}]
              - setWeight: 100
        """
        .formatted(image);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(
      RealCluster cluster, String ns, String kind, String name) {
    GenericKubernetesResource r = cluster.argo(kind, ns, name);
    Object status = r == null ? null : r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<GenericKubernetesResource> runs(RealCluster cluster, String ns) {
    return cluster
        .client
        .genericKubernetesResources("argoproj.io/v1alpha1", "AnalysisRun")
        .inNamespace(ns)
        .list()
        .getItems();
  }

  private static String deployAndUpdate(RealCluster cluster, String ns, boolean fails) {
    cluster.apply(ns, template(fails));
    cluster.apply(ns, rollout("shop:1"));
    RealCluster.await(
        "revision 1 Healthy",
        Duration.ofMinutes(2),
        () -> "Healthy".equals(status(cluster, ns, "Rollout", "shop").get("phase")));
    String stable = (String) status(cluster, ns, "Rollout", "shop").get("stableRS");
    cluster.apply(ns, rollout("shop:2"));
    return stable;
  }

  @Test
  void aSmokeTestJobThatSucceedsPromotesTheCanary() throws Exception {
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("job-ok");
      try (ControllerProcess controller =
          ControllerProcess.start(cluster.kubeconfig.toString(), ns, "--leader-elect=false")) {
        String v1 = deployAndUpdate(cluster, ns, false);
        RealCluster.await(
            "revision 2 promoted after its smoke test",
            Duration.ofMinutes(3),
            () -> {
              Map<String, Object> s = status(cluster, ns, "Rollout", "shop");
              return "Healthy".equals(s.get("phase")) && !v1.equals(s.get("stableRS"));
            });
        GenericKubernetesResource run = runs(cluster, ns).get(0);
        assertThat(status(cluster, ns, "AnalysisRun", run.getMetadata().getName()).get("phase"))
            .isEqualTo("Successful");
        List<Job> jobs = cluster.client.batch().v1().jobs().inNamespace(ns).list().getItems();
        assertThat(jobs).hasSize(1);
        Job job = jobs.get(0);
        assertThat(job.getMetadata().getName())
            .isEqualTo(run.getMetadata().getUid() + ".smoke-test.1");
        assertThat(job.getMetadata().getLabels())
            .containsEntry("analysisrun.argoproj.io/uid", run.getMetadata().getUid())
            .containsEntry("team", "shop");
        assertThat(job.getMetadata().getOwnerReferences())
            .singleElement()
            .satisfies(o -> assertThat(o.getName()).isEqualTo(run.getMetadata().getName()));
        assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
      }
    }
  }

  @Test
  void aSmokeTestJobThatFailsAbortsTheCanary() throws Exception {
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("job-fails");
      try (ControllerProcess controller =
          ControllerProcess.start(cluster.kubeconfig.toString(), ns, "--leader-elect=false")) {
        String v1 = deployAndUpdate(cluster, ns, true);
        RealCluster.await(
            "the canary aborted on its failed smoke test",
            Duration.ofMinutes(3),
            () -> "Degraded".equals(status(cluster, ns, "Rollout", "shop").get("phase")));
        Map<String, Object> rollout = status(cluster, ns, "Rollout", "shop");
        assertThat(rollout.get("stableRS")).isEqualTo(v1);
        assertThat(String.valueOf(rollout.get("message"))).contains("smoke-test");
        GenericKubernetesResource run = runs(cluster, ns).get(0);
        assertThat(status(cluster, ns, "AnalysisRun", run.getMetadata().getName()).get("phase"))
            .isEqualTo("Failed");
      }
    }
  }

  @Test
  void aStandaloneRunWithAJobIsMeasuredAndDeletedAfterItsTtl() throws Exception {
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("job-run");
      try (ControllerProcess controller =
          ControllerProcess.start(cluster.kubeconfig.toString(), ns, "--leader-elect=false")) {
        cluster.apply(
            ns,
            """
            apiVersion: argoproj.io/v1alpha1
            kind: AnalysisRun
            metadata: {name: release-check}
            spec:
              args:
              - {name: target, value: checkout}
              ttlStrategy: {secondsAfterSuccess: 20}
              metrics:
              - name: smoke-test
                provider:
                  job:
                    spec:
                      backoffLimit: 0
                      template:
                        spec:
                          restartPolicy: Never
                          containers:
                          - name: smoke
                            image: curlimages/curl:8.11.0
                            args: ["--fail", "http://{{args.target}}/health"]
            """);
        RealCluster.await(
            "the run Successful",
            Duration.ofMinutes(2),
            () ->
                "Successful"
                    .equals(status(cluster, ns, "AnalysisRun", "release-check").get("phase")));
        Job job = cluster.client.batch().v1().jobs().inNamespace(ns).list().getItems().get(0);
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
            .contains("http://checkout/health");
        RealCluster.await(
            "the run deleted after its 20 s TTL",
            Duration.ofMinutes(1),
            () -> cluster.argo("AnalysisRun", ns, "release-check") == null);
      }
    }
  }
}
