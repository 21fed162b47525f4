package io.rollout4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceMapTest {
  private static final String TEXT =
      """
      kind: A
      spec:
        steps:
          - setWeight: 20
          - pause: {duration: 1m}
      ---
      kind: List
      items:
        - kind: B
          spec: {replicas: 2}
      """;

  @Test
  void fieldsAreFoundAtTheirKeyAndMissingOnesAtTheirNearestAncestor() {
    SourceMap map = SourceMap.of(TEXT);

    assertThat(map.find(0, "spec.steps[0].setWeight")).isEqualTo(new SourceMap.Position(4, 7));
    assertThat(map.find(0, "spec.steps[1].pause.duration"))
        .isEqualTo(new SourceMap.Position(5, 15));
    assertThat(map.find(0, "spec.steps[1].analysis.templates"))
        .as("absent: its nearest ancestor, the step")
        .isEqualTo(new SourceMap.Position(5, 7));
    assertThat(map.find(1, "items[0].spec.replicas")).isEqualTo(new SourceMap.Position(10, 12));
    assertThat(map.find(1, "")).isEqualTo(new SourceMap.Position(7, 1));
  }

  @Test
  void aFileThatDoesNotParseHasNoPositionsAndDoesNotThrow() {
    SourceMap map = SourceMap.of("kind: [unclosed\n");

    assertThat(map.find(0, "kind")).isNull();
  }
}
