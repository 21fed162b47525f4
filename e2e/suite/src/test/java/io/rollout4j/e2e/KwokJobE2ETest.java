package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * kwok's stages make a Job's pod run and succeed, so a Job metric provider (Argo's {@code job}) can
 * be tested on this cluster: the pod-complete stage of e2e/cluster.sh.
 */
class KwokJobE2ETest {

  @Test
  void aJobsPodSucceedsAndTheJobCompletes() {
    try (RealCluster cluster = RealCluster.connect()) {
      String ns = cluster.namespace("job");
      cluster.apply(
          ns,
          """
          apiVersion: batch/v1
          kind: Job
          metadata: {name: smoke}
          spec:
            backoffLimit: 0
            template:
              spec:
                restartPolicy: Never
                containers: [{name: smoke, image: busybox, command: ["true"]}]
          """);
      RealCluster.await(
          "the Job complete",
          Duration.ofMinutes(1),
          () -> {
            Job job = cluster.client.batch().v1().jobs().inNamespace(ns).withName("smoke").get();
            return job != null
                && job.getStatus() != null
                && Integer.valueOf(1).equals(job.getStatus().getSucceeded());
          });
      assertThat(
              cluster
                  .client
                  .pods()
                  .inNamespace(ns)
                  .withLabel("job-name", "smoke")
                  .list()
                  .getItems())
          .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded"));
    }
  }
}
