package io.rollout4j.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Rollout;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each action gives the patches {@code kubectl argo rollouts} v1.9 sends for the same rollout (its
 * {@code promote.go}, {@code abort.go}, {@code retry.go}, {@code pause.go}, {@code restart.go},
 * {@code undo.go}), compared as JSON.
 */
class RolloutActionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Rollout canary(String status, String extraSpec) {
    return Manifests.parseOne(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: web, namespace: shop, uid: u-1, resourceVersion: "7"}
        spec:
          %s
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:2}]}
          strategy:
            canary:
              steps: [{setWeight: 20}, {pause: {}}, {analysis: {templates: [{templateName: t}]}}, {setWeight: 60}]
        status:
          %s
        """
            .formatted(extraSpec, status),
        Rollout.class);
  }

  private static String json(Map<String, ?> patch) throws Exception {
    return JSON.writeValueAsString(patch);
  }

  private static void assertJson(Map<String, ?> patch, String expected) throws Exception {
    assertThat(JSON.readTree(json(patch))).isEqualTo(JSON.readTree(expected));
  }

  @Test
  void promoteOfAPausedCanaryClearsItsPauseConditionsOnly() throws Exception {
    Rollout paused =
        canary(
            "{currentStepIndex: 1, pauseConditions: [{reason: CanaryPauseStep, startTime:"
                + " '2026-01-01T00:00:00Z'}], currentPodHash: b, stableRS: a}",
            "");

    RolloutChange change = RolloutActions.promote(paused);

    assertJson(change.statusPatch(), "{\"status\":{\"pauseConditions\":null}}");
    assertThat(change.specPatch()).isEmpty();
    assertThat(change.withStatusPatch(paused).status().pauseConditions()).isEmpty();
    assertThat(change.withStatusPatch(paused).status().currentStepIndex()).isEqualTo(1);
  }

  @Test
  void promoteOfACanaryThatIsNotPausedSkipsTheCurrentStep() throws Exception {
    Rollout analysing = canary("{currentStepIndex: 2, currentPodHash: b, stableRS: a}", "");

    assertJson(
        RolloutActions.promote(analysing).statusPatch(),
        "{\"status\":{\"pauseConditions\":null,\"currentStepIndex\":3}}");
    Rollout done = canary("{currentStepIndex: 4, currentPodHash: b, stableRS: a}", "");
    assertJson(
        RolloutActions.promote(done).statusPatch(),
        "{\"status\":{\"pauseConditions\":null,\"currentStepIndex\":4}}");
  }

  @Test
  void promoteUnpausesTheSpecAndLiftsTheControllersPauseAfterAnInconclusiveStepAnalysis()
      throws Exception {
    Rollout inconclusive =
        canary(
            "{currentStepIndex: 2, controllerPause: true, pauseConditions: [{reason:"
                + " InconclusiveAnalysisRun, startTime: '2026-01-01T00:00:00Z'}], canary:"
                + " {currentStepAnalysisRunStatus: {name: web-b-2, status: Inconclusive}}}",
            "paused: true");

    RolloutChange change = RolloutActions.promote(inconclusive);

    assertJson(
        change.statusPatch(),
        "{\"status\":{\"pauseConditions\":null,\"controllerPause\":false,\"currentStepIndex\":3}}");
    assertJson(change.specPatch(), "{\"spec\":{\"paused\":false}}");
    assertThat(change.withSpecPatch(inconclusive).spec().isPaused()).isFalse();
  }

  @Test
  void promoteFullAbortRetryPauseResumeAndRestartAreThePluginsPatches() throws Exception {
    Rollout updating = canary("{currentStepIndex: 1, currentPodHash: b, stableRS: a}", "");
    Rollout promoted = canary("{currentStepIndex: 4, currentPodHash: a, stableRS: a}", "");

    assertJson(
        RolloutActions.promoteFull(updating).statusPatch(), "{\"status\":{\"promoteFull\":true}}");
    assertThat(RolloutActions.promoteFull(promoted).isEmpty()).isTrue();
    assertJson(RolloutActions.abort(updating).statusPatch(), "{\"status\":{\"abort\":true}}");
    assertJson(RolloutActions.retry(updating).statusPatch(), "{\"status\":{\"abort\":false}}");
    assertJson(RolloutActions.pause(updating).specPatch(), "{\"spec\":{\"paused\":true}}");
    assertJson(RolloutActions.resume(updating).specPatch(), "{\"spec\":{\"paused\":false}}");
    assertJson(
        RolloutActions.restart(updating, Instant.parse("2026-03-04T05:06:07.890Z")).specPatch(),
        "{\"spec\":{\"restartAt\":\"2026-03-04T05:06:07Z\"}}");
    assertThat(
            RolloutActions.restart(updating, Instant.parse("2026-03-04T05:06:07.890Z"))
                .withSpecPatch(updating)
                .spec()
                .restartAt())
        .isEqualTo("2026-03-04T05:06:07Z");
  }

  private static GenericResource replicaSet(int revision, String image, String owner) {
    return Manifests.parseOne(
        """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: web-%1$d
          namespace: shop
          annotations: {rollout.argoproj.io/revision: "%1$d"}
          ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: %3$s, uid: u-1, controller: true}]
        spec:
          template:
            metadata: {labels: {app: web, rollouts-pod-template-hash: h%1$d}}
            spec: {containers: [{name: web, image: %2$s}]}
        """
            .formatted(revision, image, owner),
        GenericResource.class);
  }

  @Test
  void undoRestoresThePreviousRevisionsTemplateWithoutTheHashLabel() {
    Rollout rollout = canary("{currentPodHash: h2, stableRS: h2}", "");
    List<GenericResource> sets =
        List.of(
            replicaSet(1, "web:1", "web"),
            replicaSet(2, "web:2", "web"),
            replicaSet(3, "other:9", "other-rollout"));

    RolloutChange change = RolloutActions.undo(rollout, sets, 0);

    Rollout undone = change.withSpecPatch(rollout);
    assertThat(Manifests.toYaml(undone))
        .contains("image: web:1")
        .doesNotContain("rollouts-pod-template-hash");
    assertThat(change.intoWorkload()).isFalse();
    assertThat(RolloutActions.undo(rollout, sets, 2).summary())
        .isEqualTo("skipped rollback (current template already matches revision 2)");
    assertThat(RolloutActions.undo(rollout, sets, 2).isEmpty()).isTrue();
    assertThatThrownBy(() -> RolloutActions.undo(rollout, sets, 3))
        .hasMessage("unable to find specified revision 3 in history");
    assertThatThrownBy(
            () -> RolloutActions.undo(rollout, List.of(replicaSet(1, "web:1", "web")), 0))
        .hasMessage("no revision found for rollout \"web\"");
  }

  /** canaryMetadata/stableMetadata labels on a ReplicaSet's pods are not part of its revision. */
  @Test
  void undoRestoresTheTemplateAsWrittenWithoutTheEphemeralMetadataOfItsPods() {
    Rollout rollout = canary("{currentPodHash: h2, stableRS: h2}", "");
    GenericResource stable =
        Manifests.parseOne(
            """
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: web-1
              namespace: shop
              annotations:
                rollout.argoproj.io/revision: "1"
                rollout4j.io/pod-template-metadata: '{"labels":{"app":"web"},"annotations":{"team":"shop"}}'
              ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web, uid: u-1, controller: true}]
            spec:
              template:
                metadata:
                  labels: {app: web, role: stable, rollouts-pod-template-hash: h1}
                  annotations: {team: shop, injected: "yes"}
                spec: {containers: [{name: web, image: "web:1"}]}
            """,
            GenericResource.class);

    Rollout undone =
        RolloutActions.undo(rollout, List.of(stable, replicaSet(2, "web:2", "web")), 0)
            .withSpecPatch(rollout);

    assertThat(undone.spec().template().metadata().labels()).isEqualTo(Map.of("app", "web"));
    assertThat(undone.spec().template().metadata().annotations()).isEqualTo(Map.of("team", "shop"));
  }

  @Test
  void mergePatchReplacesMergesAndRemoves() {
    java.util.Map<String, Object> patch = new java.util.LinkedHashMap<>();
    java.util.Map<String, Object> status = new java.util.LinkedHashMap<>();
    status.put("pauseConditions", null);
    status.put("abort", true);
    patch.put("status", status);

    Object merged =
        MergePatch.apply(
            Map.of("status", Map.of("pauseConditions", List.of(1), "phase", "Paused")), patch);

    assertThat(merged).isEqualTo(Map.of("status", Map.of("phase", "Paused", "abort", true)));
  }
}
