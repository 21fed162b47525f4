package io.rollout4j.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.AnalysisRun;
import io.rollout4j.model.AnalysisTemplate;
import io.rollout4j.model.ClusterAnalysisTemplate;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.Resource;
import io.rollout4j.model.Rollout;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code parse(toYaml(r))} and {@code parse(toJson(r))} equal {@code r} for generated resources.
 */
class ManifestRoundTripProperties {

  @Property(tries = 300)
  void rolloutsRoundTrip(@ForAll("rollouts") Rollout rollout) {
    assertRoundTrip(rollout);
  }

  @Property(tries = 200)
  void analysisTemplatesRoundTrip(@ForAll("templates") AnalysisTemplate template) {
    assertRoundTrip(template);
  }

  @Property(tries = 100)
  void clusterAnalysisTemplatesRoundTrip(
      @ForAll("clusterTemplates") ClusterAnalysisTemplate template) {
    assertRoundTrip(template);
  }

  @Property(tries = 200)
  void analysisRunsRoundTrip(@ForAll("runs") AnalysisRun run) {
    assertRoundTrip(run);
  }

  @Property(tries = 200)
  void genericResourcesRoundTrip(@ForAll("generic") GenericResource resource) {
    assertRoundTrip(resource);
  }

  @Property(tries = 50)
  void multiDocumentStreamsRoundTrip(
      @ForAll("rollouts") Rollout a, @ForAll("generic") GenericResource b) {
    List<Resource> both = List.of(a, b);

    assertThat(Manifests.parse(Manifests.toYaml(both))).isEqualTo(both);
  }

  private static void assertRoundTrip(Resource resource) {
    String yaml = Manifests.toYaml(resource);
    assertThat(Manifests.parse(yaml)).as(yaml).containsExactly(resource);
    String json = Manifests.toJson(resource);
    assertThat(Manifests.parse(json)).as(json).containsExactly(resource);
  }

  @Provide
  Arbitrary<Rollout> rollouts() {
    return ModelArbitraries.of(Rollout.class);
  }

  @Provide
  Arbitrary<AnalysisTemplate> templates() {
    return ModelArbitraries.of(AnalysisTemplate.class);
  }

  @Provide
  Arbitrary<ClusterAnalysisTemplate> clusterTemplates() {
    return ModelArbitraries.of(ClusterAnalysisTemplate.class);
  }

  @Provide
  Arbitrary<AnalysisRun> runs() {
    return ModelArbitraries.of(AnalysisRun.class);
  }

  @Provide
  Arbitrary<GenericResource> generic() {
    return ModelArbitraries.genericResources();
  }
}
