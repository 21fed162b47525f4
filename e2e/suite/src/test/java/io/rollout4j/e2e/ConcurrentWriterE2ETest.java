package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Another writer edits the VirtualService all through the canary (a GitOps tool, a human, another
 * controller): the controller's writes conflict with its, are retried, and never drop its fields.
 */
class ConcurrentWriterE2ETest {
  private static final String V2 = "examples-bookinfo-reviews-v2:1.16.4";

  @Test
  @SuppressWarnings("unchecked")
  void conflictsWithAnotherWriterAreRetriedAndItsFieldsKept() throws Exception {
    try (RealCluster cluster = RealCluster.connect();
        Bookinfo bookinfo = new Bookinfo(cluster);
        ControllerProcess controller =
            ControllerProcess.start(
                cluster.kubeconfig.toString(), bookinfo.ns, "--leader-elect=false")) {
      bookinfo.await("revision 1 Healthy", Duration.ofMinutes(2), () -> bookinfo.healthyOn(null));
      String v1 = (String) bookinfo.status().get("stableRS");
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger writes = new AtomicInteger();
      AtomicInteger conflicts = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                while (writing.get()) {
                  try {
                    GenericKubernetesResource vs =
                        cluster.istio("VirtualService", bookinfo.ns, "reviews");
                    vs.getMetadata()
                        .getAnnotations()
                        .put("e2e.rollout4j.io/writer", Integer.toString(writes.get() + 1));
                    Map<String, Object> route =
                        (Map<String, Object>)
                            ((List<Object>)
                                    ((Map<String, Object>) vs.getAdditionalProperties().get("spec"))
                                        .get("http"))
                                .get(0);
                    route.put("timeout", "7s");
                    cluster.istioOperation("VirtualService", bookinfo.ns).resource(vs).update();
                    writes.incrementAndGet();
                  } catch (KubernetesClientException e) {
                    if (e.getCode() == 409) {
                      conflicts.incrementAndGet();
                    }
                  }
                  try {
                    Thread.sleep(150);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "other-writer");
      writer.setDaemon(true);
      writer.start();
      try {
        bookinfo.push(V2);
        bookinfo.await(
            "revision 2 promoted while another writer edits the VirtualService",
            Duration.ofMinutes(3),
            () -> bookinfo.healthyOn(null) && !v1.equals(bookinfo.status().get("stableRS")));
      } finally {
        writing.set(false);
        writer.join();
      }
      String v2 = (String) bookinfo.status().get("stableRS");
      bookinfo.await(
          "the stable subset on revision 2",
          Duration.ofSeconds(30),
          () -> bookinfo.mesh().equals(new Bookinfo.MeshState(0, v2, v2)));
      GenericKubernetesResource vs = cluster.istio("VirtualService", bookinfo.ns, "reviews");
      assertThat(vs.getMetadata().getAnnotations().get("e2e.rollout4j.io/writer"))
          .isEqualTo(Integer.toString(writes.get()));
      Map<String, Object> route =
          (Map<String, Object>)
              ((List<Object>)
                      ((Map<String, Object>) vs.getAdditionalProperties().get("spec")).get("http"))
                  .get(0);
      assertThat(route.get("timeout")).isEqualTo("7s");
      System.out.printf(
          "other writer: %d writes, %d conflicts of its own; controller log mentions %d"
              + " conflicts%n",
          writes.get(), conflicts.get(), controller.logText().split("409|onflict", -1).length - 1);
    }
  }
}
