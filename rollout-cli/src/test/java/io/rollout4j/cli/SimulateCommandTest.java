package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code rollout4j simulate} on the Bookinfo demo's GitOps folder, run as a process: the reviews
 * image changes from v1 to v2 and the canary runs its ten steps in virtual time.
 */
class SimulateCommandTest {
  private static final String V2 = "image=docker.io/istio/examples-bookinfo-reviews-v2:1.16.4";
  private static final Path DEMO = Cli.conformance("tse-gitops-demo");

  @Test
  void healthyCanaryIsPromotedAfterItsTenStepsAtThirtyMinutesFifty() {
    Cli.Run run =
        Cli.run(
            "simulate",
            DEMO.toString(),
            "--change",
            V2,
            "--metrics",
            Cli.examples("simulate/bookinfo-healthy.yaml").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("rollout default/reviews-rollout: " + V2)
        .containsPattern("\\+00:10 +1/10 +90/10 +5/5 +1/1 .*Paused")
        .containsPattern("\\+25:40 +9/10 +20/80 +5/5 +4/4 .*Paused")
        .containsPattern(
            "\\+30:50 +10/10 +100/0 +5/5 +— +5 measured, last successful; run successful Healthy")
        .contains("Outcome: promoted at +30:50 of virtual time");
  }

  @Test
  void degradingCanaryIsAbortedAtItsFourthFailedMeasurement() {
    Cli.Run run =
        Cli.run(
            "simulate",
            DEMO.toString(),
            "--rollout",
            "reviews-rollout",
            "--change",
            V2,
            "--metrics",
            Cli.examples("simulate/bookinfo-degrades.yaml").toString());

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
    // Measured at +10:10 (passed), +15:10, +20:10, +25:10 and +30:10 (failed): the fourth failure
    // exceeds failureLimit 3 and the rollout goes back to v1.
    assertThat(run.out())
        .containsPattern("\\+15:10 .*2 measured, last failed")
        .containsPattern("\\+30:10 +0/10 +100/0 +5/5 .*Degraded \\(aborted\\)")
        .contains("Metric \"apdex\" assessed Failed due to failed (4) > failureLimit (3)")
        .contains("Outcome: aborted at +30:10 of virtual time");
  }

  @Test
  void actionsHappenAtTheirTimesAndJsonAndSvgDescribeTheSameRun(@TempDir Path dir)
      throws Exception {
    Path actions = dir.resolve("actions.yaml");
    Files.writeString(
        actions,
        "actions:\n  - at: 2m\n    action: promote\n  - at: 4m\n    action: promote-full\n");
    Path svg = dir.resolve("timeline.svg");
    Cli.Run run =
        Cli.run(
            "simulate",
            DEMO.toString(),
            "--change",
            V2,
            "--metrics",
            Cli.examples("simulate/bookinfo-healthy.yaml").toString(),
            "--actions",
            actions.toString(),
            "--format",
            "json",
            "--svg",
            svg.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("outcome").asText()).isEqualTo("promoted");
    assertThat(json.get("actions").get(0).get("time").asText()).isEqualTo("+02:00");
    assertThat(json.get("actions").get(1).get("action").asText()).isEqualTo("promote-full");
    // promote skips the 10-minute pause at +02:00; promote --full takes the canary to 100 % at
    // +04:00, long before the 30 minutes of the steps.
    assertThat(json.get("endedAtSeconds").asLong()).isBetween(240L, 300L);
    JsonNode rows = json.get("timeline");
    assertThat(rows.get(rows.size() - 1).get("phase").asText()).isEqualTo("Healthy");
    assertThat(rows.get(rows.size() - 1).get("stableWeight").asInt()).isEqualTo(100);

    Document picture =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
    assertThat(picture.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(picture.getElementsByTagName("title").getLength())
        .as("one mark per measurement, with its time, metric, phase and value")
        .isEqualTo(json.get("measurements").size());
    assertThat(picture.getElementsByTagName("polyline").getLength()).isEqualTo(3);
  }

  @Test
  void unansweredMetricsAreErrorsThatAbortTheCanaryAndAreAnnouncedFirst() {
    Cli.Run run = Cli.run("simulate", DEMO.toString(), "--change", V2);

    assertThat(run.err()).contains("warning: no answer for metric apdex");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).contains("no answer for metric apdex");
  }

  @Test
  void anIndefinitePauseEndsThePaused(@TempDir Path dir) throws Exception {
    Path rollout = dir.resolve("rollout.yaml");
    Files.writeString(
        rollout,
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:1}]}
          strategy:
            canary:
              steps: [{setWeight: 50}, {pause: {}}]
        """);
    Cli.Run run = Cli.run("simulate", rollout.toString(), "--change", "image=web:2");

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(3);
    assertThat(run.out()).contains("Outcome: paused at +00:10").contains("waiting for promote");
  }

  @Test
  void aChangeThatNamesNoContainerOfSeveralIsRefusedWithTheNames(@TempDir Path dir)
      throws Exception {
    Path rollout = dir.resolve("rollout.yaml");
    Files.writeString(
        rollout,
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:1}, {name: proxy, image: proxy:1}]}
          strategy: {canary: {steps: [{setWeight: 50}]}}
        """);
    Cli.Run run = Cli.run("simulate", rollout.toString(), "--change", "image=web:2");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("has containers [web, proxy]; say which with image.CONTAINER=IMAGE");
  }
}
