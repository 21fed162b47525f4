package io.rollout4j.k8s.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CompactMapTest {
  /** One edit of a map: what code holding a cached object might do to it. */
  record Edit(String op, String key, int value) {}

  /** Any sequence of edits leaves it equal to a LinkedHashMap given the same, in the same order. */
  @Property
  void behavesAsALinkedHashMap(@ForAll("edits") List<Edit> edits) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    Map<String, Integer> actual = new CompactMap<>();
    for (Edit edit : edits) {
      switch (edit.op()) {
        case "put" ->
            assertThat(actual.put(edit.key(), edit.value()))
                .isEqualTo(expected.put(edit.key(), edit.value()));
        case "remove" ->
            assertThat(actual.remove(edit.key())).isEqualTo(expected.remove(edit.key()));
        case "removeByIterator" -> {
          removeByIterator(expected, edit.key());
          removeByIterator(actual, edit.key());
        }
        case "setValue" -> {
          setValue(expected, edit.key(), edit.value());
          setValue(actual, edit.key(), edit.value());
        }
        case "clear" -> {
          expected.clear();
          actual.clear();
        }
        default -> throw new IllegalArgumentException(edit.op());
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(new ArrayList<>(actual.entrySet()))
          .isEqualTo(new ArrayList<>(expected.entrySet()));
      assertThat(actual.hashCode()).isEqualTo(expected.hashCode());
      assertThat(actual.get(edit.key())).isEqualTo(expected.get(edit.key()));
      assertThat(actual.containsKey(edit.key())).isEqualTo(expected.containsKey(edit.key()));
    }
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<String> ops =
        Arbitraries.of("put", "put", "put", "remove", "removeByIterator", "setValue", "clear");
    Arbitrary<String> keys = Arbitraries.of("a", "b", "c", "d", "e", "f");
    return Combinators.combine(ops, keys, Arbitraries.integers().between(0, 9))
        .as(Edit::new)
        .list()
        .ofMaxSize(40);
  }

  @Test
  void anEntryWritesThroughEvenAfterAnEarlierKeyWasRemoved() {
    Map<String, Object> map = new CompactMap<>(new String[] {"a", "b"}, new Object[] {1, 2});
    Map.Entry<String, Object> b = new ArrayList<>(map.entrySet()).get(1);

    map.remove("a");
    b.setValue(3);

    assertThat(map).containsExactly(Map.entry("b", 3));
  }

  @Test
  void iteratingWhileAKeyIsAddedFailsFast() {
    Map<String, Object> map = new CompactMap<>(new String[] {"a"}, new Object[] {1});
    Iterator<Map.Entry<String, Object>> entries = map.entrySet().iterator();

    map.put("b", 2);

    assertThatThrownBy(entries::next).isInstanceOf(ConcurrentModificationException.class);
  }

  private static void removeByIterator(Map<String, Integer> map, String key) {
    map.entrySet().removeIf(entry -> entry.getKey().equals(key));
  }

  private static void setValue(Map<String, Integer> map, String key, int value) {
    for (Map.Entry<String, Integer> entry : map.entrySet()) {
      if (entry.getKey().equals(key)) {
        entry.setValue(value);
      }
    }
  }
}
