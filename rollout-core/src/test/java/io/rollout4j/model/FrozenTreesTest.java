package io.rollout4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The compact maps and lists the model keeps its JSON trees, labels and annotations in behave as
 * the JDK's maps and lists do: same equality, hash codes, order and lookups, and no way to change
 * them.
 */
class FrozenTreesTest {

  @Property(tries = 300)
  void aFrozenMapIsTheMapItWasMadeFrom(
      @ForAll @Size(max = 30)
          Map<@AlphaChars @StringLength(min = 1, max = 6) String, Integer> source) {
    Map<String, Object> ordered = new LinkedHashMap<>(source);
    Map<String, Object> frozen = Immutables.jsonMap(ordered);

    assertThat(frozen).isEqualTo(ordered);
    assertThat(ordered).isEqualTo(frozen);
    assertThat(frozen.hashCode()).isEqualTo(ordered.hashCode());
    assertThat(new ArrayList<>(frozen.keySet())).isEqualTo(new ArrayList<>(ordered.keySet()));
    assertThat(new ArrayList<>(frozen.values())).isEqualTo(new ArrayList<>(ordered.values()));
    assertThat(new ArrayList<>(frozen.entrySet())).isEqualTo(new ArrayList<>(ordered.entrySet()));
    for (String key : ordered.keySet()) {
      assertThat(frozen.get(key)).isEqualTo(ordered.get(key));
      assertThat(frozen.containsKey(key)).isTrue();
    }
    assertThat(frozen.get("not-a-key-1")).isNull();
    assertThat(frozen.containsKey("not-a-key-1")).isFalse();
    assertThat(frozen.toString()).isEqualTo(ordered.toString());
  }

  @Test
  void mapsWithTheSameValuesButAnotherKeyAreNotEqual() {
    Map<String, Object> a = Immutables.jsonMap(Map.of("replicas", 1));
    Map<String, Object> b = Immutables.jsonMap(Map.of("replica", 1));
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("replica", null);
    assertThat(a).isNotEqualTo(b);
    assertThat(Immutables.jsonMap(Map.of("x", 1))).isNotEqualTo(withNull);
  }

  @Test
  void sameShapedMapsShareTheirKeysButNotTheirValues() {
    Map<String, Object> one = Immutables.jsonMap(Map.of("name", "reviews", "port", 9080));
    Map<String, Object> two = Immutables.jsonMap(Map.of("name", "ratings", "port", 9080));
    assertThat(one.get("name")).isEqualTo("reviews");
    assertThat(two.get("name")).isEqualTo("ratings");
    assertThat(one).isNotEqualTo(two);
  }

  @Test
  void frozenTreesCannotBeChanged() {
    Map<String, Object> tree =
        Immutables.jsonMap(Map.of("spec", Map.of("ports", List.of(Map.of("port", 80)))));
    assertThatThrownBy(() -> tree.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> tree.remove("spec")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(tree::clear).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> ports = (List<Object>) ((Map<String, Object>) tree.get("spec")).get("ports");
    assertThatThrownBy(() -> ports.add(1)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(ports).isEqualTo(List.of(Map.of("port", 80)));
    assertThat(ports.hashCode()).isEqualTo(List.of(Map.of("port", 80)).hashCode());
  }

  @Test
  void labelsKeepTheirOrderAndAreReadOnly() {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 20; i > 0; i--) {
      labels.put("label-" + i, "v" + i); // more than the linear-lookup limit
    }
    ObjectMeta meta = ObjectMeta.owned("reviews", "bookinfo", labels, Map.of(), List.of());
    assertThat(new ArrayList<>(meta.labels().keySet())).isEqualTo(new ArrayList<>(labels.keySet()));
    assertThat(meta.labels()).isEqualTo(labels).hasSameHashCodeAs(labels);
    assertThat(meta.labels().get("label-7")).isEqualTo("v7");
    assertThatThrownBy(() -> meta.labels().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aStatusBuiltWithoutChangesIsTheSameStatus() {
    RolloutStatus status =
        RolloutStatus.builder()
            .currentPodHash("abc")
            .replicas(5)
            .phase(RolloutPhase.HEALTHY)
            .build();
    assertThat(status.toBuilder().replicas(5).build()).isSameAs(status);
    RolloutStatus changed = status.toBuilder().replicas(4).build();
    assertThat(changed).isNotSameAs(status);
    assertThat(changed.replicas()).isEqualTo(4);
    assertThat(changed.currentPodHash()).isEqualTo("abc");
  }
}
