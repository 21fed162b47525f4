package io.rollout4j.examples;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.rollout4j.api.Rollouts;
import io.rollout4j.istio.IstioMeshPort;
import io.rollout4j.k8s.RolloutController;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.Rollout;
import io.rollout4j.skywalking.SkyWalkingCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Rollout4j embedded in a platform: a canary and its analysis built with the fluent API (no YAML),
 * and the controller started in three lines. Without arguments it prints the objects as Argo
 * manifests (they can be applied with kubectl or committed to a GitOps repository); with {@code
 * --kubeconfig} it applies them to the cluster of your kubeconfig and runs the controller.
 */
public final class EmbeddedController {
  private EmbeddedController() {}

  /**
   * Apdex of the canary's SkyWalking service at least 0.99, every 5 minutes, 3 failures allowed.
   */
  static AnalysisTemplate apdexTemplate() {
    SkyWalkingCheck apdex =
        SkyWalkingCheck.service("{{args.service-name}}")
            .address("http://oap.istio-system:12800")
            .apdexAtLeast(0.99);
    return Rollouts.analysisTemplate("apdex")
        .namespace("shop")
        .arg("service-name")
        .metric("apdex", m -> apdex.configure(m.interval(Duration.ofMinutes(1)).failureLimit(2)))
        .build();
  }

  /** A 10 → 50 → 100 canary through Istio subsets, analysed in the background. */
  static Rollout checkoutRollout(String image) {
    return Rollouts.rollout("checkout")
        .namespace("shop")
        .replicas(4)
        .selector("app", "checkout")
        .template(
            Map.of("app", "checkout"),
            Map.of("containers", List.of(Map.of("name", "checkout", "image", image))))
        .canary(
            canary ->
                canary
                    .istio(
                        istio ->
                            istio
                                .virtualService("checkout")
                                .destinationRule("checkout", "canary", "stable"))
                    .canaryMetadata(m -> m.label("version", "canary"))
                    .backgroundAnalysis(
                        a ->
                            a.template("apdex")
                                .startingStep(1)
                                .arg("service-name", "canary|checkout|shop|cluster-1|-"))
                    .setWeight(10)
                    .pause(Duration.ofMinutes(5))
                    .setWeight(50)
                    .pause(Duration.ofMinutes(5)))
        .build();
  }

  public static void main(String[] args) {
    AnalysisTemplate template = apdexTemplate();
    Rollout rollout = checkoutRollout("registry.example.com/checkout:2.0.0");
    if (!List.of(args).contains("--kubeconfig")) {
      System.out.print(Manifests.toYaml(List.of(template, rollout)));
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    RolloutController controller =
        RolloutController.builder(client)
            .mesh(c -> IstioMeshPort.builder(c).informers(true).build())
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(controller::close));
    controller.cluster().create(template);
    controller.cluster().create(rollout);
    System.out.println("controller started; Ctrl-C stops it");
  }
}
