package io.rollout4j.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The start and end of a Prometheus range query, as Argo evaluates them, at the caller's now. */
class TimeExpressionTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  @Test
  void nowIsTheCallersInstantAndDurationsMoveIt() {
    assertThat(TimeExpression.compile("now()").evaluate(NOW)).isEqualTo(NOW);
    assertThat(TimeExpression.compile("now() - duration('1h30m')").evaluate(NOW))
        .isEqualTo(Instant.parse("2026-12-05T08:30:00Z"));
    assertThat(TimeExpression.compile("date('2026-12-01 00:00:00') + duration('2h')").evaluate(NOW))
        .isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
  }

  @Test
  void aValueThatIsNotATimeIsAnErrorNamingItsGoType() {
    assertThatThrownBy(() -> TimeExpression.compile("duration('1h')").evaluate(NOW))
        .isInstanceOf(ExprException.class)
        .hasMessage("expected time.Time, but got time.Duration");
    assertThatThrownBy(() -> TimeExpression.compile("'yesterday'").evaluate(NOW))
        .hasMessage("expected time.Time, but got string");
    assertThatThrownBy(() -> TimeExpression.compile("now() -- ?"))
        .isInstanceOf(ExprException.class);
  }

  @Test
  void conditionsStillReadTheWallClock() {
    Instant before = Instant.now();
    Object now = Condition.compile("now()").evaluate(null);

    assertThat(now).isInstanceOf(GoTime.Time.class);
    assertThat(((GoTime.Time) now).at().toInstant()).isAfterOrEqualTo(before);
  }
}
