package io.rollout4j.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollout4j.model.IstioTrafficRouting;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Weights always add up, re-applying changes nothing, and what is written is read back. */
class VirtualServiceRoutesProperties {

  private static Map<String, Object> spec(int stable, int canary, int shadow) {
    return Map.of(
        "hosts",
        List.of("app"),
        "http",
        List.of(
            Map.of(
                "timeout",
                "3s",
                "route",
                List.of(
                    Map.of(
                        "destination", Map.of("host", "app", "subset", "canary"), "weight", canary),
                    Map.of(
                        "destination", Map.of("host", "app", "subset", "stable"), "weight", stable),
                    Map.of(
                        "destination",
                        Map.of("host", "app", "subset", "shadow"),
                        "weight",
                        shadow)))));
  }

  private static final RouteDestinations SUBSETS =
      new RouteDestinations(true, "canary", "stable", Set.of("shadow"));
  private static final IstioTrafficRouting.VirtualService REF =
      IstioTrafficRouting.VirtualService.named("vs");

  @Property
  void weightsAddUpToOneHundredAndReadBackAsWritten(
      @ForAll @IntRange(min = 0, max = 100) int before,
      @ForAll @IntRange(min = 0, max = 100) int weight,
      @ForAll @IntRange(min = 0, max = 100) int shadow) {
    Map<String, Object> spec = spec(Math.max(0, 100 - before - shadow), before, shadow);

    Map<String, Object> once =
        VirtualServiceRoutes.withCanaryWeight(spec, REF, SUBSETS, weight, Set.of());
    Map<String, Object> twice =
        VirtualServiceRoutes.withCanaryWeight(once, REF, SUBSETS, weight, Set.of());

    assertThat(twice).isEqualTo(once);
    assertThat(VirtualServiceRoutes.canaryWeights(once, REF, SUBSETS, Set.of()))
        .first()
        .isEqualTo(weight);
    List<?> route = (List<?>) ((Map<?, ?>) ((List<?>) once.get("http")).get(0)).get("route");
    int total =
        route.stream().mapToInt(t -> ((Number) ((Map<?, ?>) t).get("weight")).intValue()).sum();
    if (weight + shadow <= 100) {
      assertThat(total).isEqualTo(100);
    } else {
      assertThat(((Map<?, ?>) route.get(1)).get("weight")).as("stable floored at 0").isEqualTo(0);
    }
    assertThat(((Map<?, ?>) ((List<?>) once.get("http")).get(0)).get("timeout")).isEqualTo("3s");
    assertThat(((Map<?, ?>) route.get(2)).get("weight")).isEqualTo(shadow);
  }
}
