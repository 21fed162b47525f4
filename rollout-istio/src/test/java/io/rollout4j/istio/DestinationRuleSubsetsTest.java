package io.rollout4j.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollout4j.manifest.Manifests;
import io.rollout4j.model.GenericResource;
import io.rollout4j.model.IstioTrafficRouting;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Subset hash labels, on Argo's own fixture and on the seed's DestinationRule. */
class DestinationRuleSubsetsTest {

  private static final IstioTrafficRouting.DestinationRule REF =
      IstioTrafficRouting.DestinationRule.of("rule", "canary", "stable");

  @Test
  void argosFixtureKeepsEveryOtherFieldAndLabel() {
    GenericResource rule =
        (GenericResource)
            Manifests.parse(
                    """
                    apiVersion: networking.istio.io/v1alpha3
                    kind: DestinationRule
                    metadata: {name: rule}
                    spec:
                      host: ratings.prod.svc.cluster.local
                      trafficPolicy: {loadBalancer: {simple: LEAST_CONN}}
                      subsets:
                      - name: stable
                        labels: {version: v3}
                      - name: canary
                        trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
                      - name: mirror
                        labels: {version: mirror}
                    """)
                .get(0);
    Map<String, Object> spec = VirtualServiceRoutesTest.spec(rule);

    Map<String, Object> updated = DestinationRuleSubsets.withHashes(spec, REF, "abc123", "def456");

    List<?> subsets = (List<?>) updated.get("subsets");
    assertThat(subsets.get(0))
        .isEqualTo(
            Map.of(
                "name",
                "stable",
                "labels",
                Map.of("version", "v3", "rollouts-pod-template-hash", "def456")));
    assertThat(((Map<?, ?>) subsets.get(1)).get("labels"))
        .isEqualTo(Map.of("rollouts-pod-template-hash", "abc123"));
    assertThat(((Map<?, ?>) subsets.get(1)).get("trafficPolicy")).isNotNull();
    assertThat(subsets.get(2))
        .as("unrelated subsets stay")
        .isEqualTo(((List<?>) spec.get("subsets")).get(2));
    assertThat(updated.get("trafficPolicy")).isEqualTo(spec.get("trafficPolicy"));
    assertThat(DestinationRuleSubsets.hashOf(updated, "canary")).isEqualTo("abc123");
    assertThat(DestinationRuleSubsets.withHashes(updated, REF, "abc123", "def456"))
        .isEqualTo(updated);
    assertThat(
            DestinationRuleSubsets.hashOf(
                DestinationRuleSubsets.withHashes(updated, REF, null, "def456"), "canary"))
        .isNull();
  }

  @Test
  void theSeedsRuleGetsBothHashes() {
    var conf =
        Manifests.parse(VirtualServiceRoutesTest.conformance("tse-gitops-demo/argo/tse/conf.yaml"));
    GenericResource reviews =
        conf.stream()
            .filter(r -> r.kind().equals("DestinationRule") && "reviews".equals(r.name()))
            .map(GenericResource.class::cast)
            .findFirst()
            .orElseThrow();

    Map<String, Object> updated =
        DestinationRuleSubsets.withHashes(
            VirtualServiceRoutesTest.spec(reviews),
            IstioTrafficRouting.DestinationRule.of("reviews", "canary", "stable"),
            "new",
            "old");

    assertThat(DestinationRuleSubsets.hashOf(updated, "canary")).isEqualTo("new");
    assertThat(DestinationRuleSubsets.hashOf(updated, "stable")).isEqualTo("old");
  }

  @Test
  void aMissingSubsetIsNamed() {
    assertThatThrownBy(
            () ->
                DestinationRuleSubsets.withHashes(
                    Map.of("subsets", List.of(Map.of("name", "stable"))), REF, "a", "b"))
        .isInstanceOf(IstioRouteException.class)
        .hasMessage("Canary subset 'canary' not found in the DestinationRule's spec.subsets");
  }
}
