package io.rollout4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Int-or-percent scaling exactly as Argo Rollouts reads it. */
class IntOrStringTest {

  @Test
  void argoDefaultsAndTheBareStringQuirk() {
    assertThat(IntOrString.of("25").scaledValue(5, true)).isEqualTo(2);
    assertThat(IntOrString.of("25%").scaledValue(5, false)).isEqualTo(1);
    // Argo issue #4567: a quoted "1" is 1%, not one pod.
    assertThat(IntOrString.of("1").scaledValue(10, true)).isEqualTo(1);
    assertThat(IntOrString.of("1").scaledValue(10, false)).isZero();
    assertThat(IntOrString.of(3).scaledValue(10, false)).isEqualTo(3);
  }

  @Test
  void nonPercentStringsCannotBeScaled() {
    assertThatThrownBy(() -> IntOrString.of("{{args.n}}").scaledValue(10, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a percentage");
    assertThat(IntOrString.of("{{args.n}}").asInteger()).isNull();
    assertThat(IntOrString.of(" 7 ").asInteger()).isEqualTo(7);
  }

  @Property
  void percentagesRoundUpAndDownWithinOneOfTheExactShare(
      @ForAll @IntRange(min = 0, max = 100) int percent,
      @ForAll @IntRange(min = 0, max = 100_000) int total) {
    IntOrString value = IntOrString.percent(percent);
    double exact = total * percent / 100.0;

    int up = value.scaledValue(total, true);
    int down = value.scaledValue(total, false);

    assertThat(up).isGreaterThanOrEqualTo(down).isBetween(0, total);
    assertThat((double) up).isGreaterThanOrEqualTo(exact).isLessThan(exact + 1);
    assertThat((double) down).isLessThanOrEqualTo(exact).isGreaterThan(exact - 1);
  }
}
