package io.rollout4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the differential runner compares two traces (no cluster needed). */
class TraceDiffTest {
  /** A field's values, one every 2 s: each of them settled. */
  private static List<Trace.State> trace(String field, String... values) {
    List<Trace.State> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(new Trace.State(Instant.EPOCH.plusSeconds(2L * i), Map.of(field, values[i])));
    }
    return out;
  }

  /** A field's values, each held for the given number of milliseconds. */
  private static List<Trace.State> timedTrace(String field, Object... valueThenMillis) {
    List<Trace.State> out = new ArrayList<>();
    long at = 0;
    for (int i = 0; i < valueThenMillis.length; i += 2) {
      out.add(
          new Trace.State(
              Instant.EPOCH.plusMillis(at), Map.of(field, (String) valueThenMillis[i])));
      at += ((Number) valueThenMillis[i + 1]).longValue();
    }
    return out;
  }

  @Test
  void aValueThatHeldForLessThanASecondIsWhenAControllerLookedNotWhatItDecided() {
    var states = timedTrace("rollout message", "", 3000, "still", 200, "", 1800, "done", 9);
    assertThat(TraceDiff.history(states, "rollout message")).containsExactly("", "done");
  }

  @Test
  void anUnexplainedDifferenceIsPrintedWithHowLongEachValueHeld() {
    var states =
        timedTrace(
            "rollout phase", "Healthy", 2000, "Paused", 2950, "Progressing", 1030, "Healthy", 9);
    assertThat(TraceDiff.timed(states, "rollout phase"))
        .isEqualTo("Healthy 2.00s -> Paused 2.95s -> Progressing 1.03s -> Healthy");
  }

  @Test
  void aStateBothSidesPassThroughIsTheSameWhetherItHeldJustOverOrJustUnderASecond() {
    // Progressing while a step's pods come up: 1.05 s on one side, 0.95 s on the other.
    var ours =
        timedTrace(
            "rollout phase", "Healthy", 3000, "Paused", 2000, "Progressing", 1050, "Paused", 9);
    var argo =
        timedTrace(
            "rollout phase", "Healthy", 3000, "Paused", 2000, "Progressing", 950, "Paused", 9);
    assertThat(TraceDiff.compare(ours, argo, List.of())).isEmpty();
    // A state one side held and the other never reached is still a difference...
    var never = timedTrace("rollout phase", "Healthy", 3000, "Paused", 4000, "Healthy", 9);
    var held =
        timedTrace(
            "rollout phase", "Healthy", 3000, "Paused", 2000, "Degraded", 1500, "Healthy", 9);
    assertThat(TraceDiff.compare(held, never, List.of())).singleElement();
    // ... and so is a brief value that stands where the other side held a different one.
    var brief =
        timedTrace("rollout phase", "Healthy", 3000, "Paused", 2000, "Degraded", 300, "Healthy", 9);
    var other =
        timedTrace(
            "rollout phase", "Healthy", 3000, "Paused", 2000, "Progressing", 1500, "Healthy", 9);
    assertThat(TraceDiff.compare(brief, other, List.of())).singleElement();
  }

  @Test
  void theFirstDeploymentIsComparedFromWhereItBecomesHealthy() {
    // One controller's first revision came up within a second, the other's took longer: how long
    // kwok takes to make the first pods ready is not behaviour. What follows is compared.
    var fast = trace("rollout phase", "Healthy", "Progressing", "Healthy");
    var slow = trace("rollout phase", "Progressing", "Healthy", "Progressing", "Healthy");
    assertThat(TraceDiff.compare(fast, slow, List.of())).isEmpty();
    var neverHealthy = trace("rollout phase", "Progressing", "Degraded");
    assertThat(TraceDiff.compare(fast, neverHealthy, List.of())).singleElement();
  }

  @Test
  void countsAreComparedByWhereTheyTurnNotByTheBatchesTheyMoveIn() {
    assertThat(TraceDiff.turningPoints(List.of("0", "1", "2", "5", "3", "0")))
        .containsExactly("0", "5", "0");
    assertThat(
            TraceDiff.compare(
                trace("rs/T1 ready", "0", "2", "5"), trace("rs/T1 ready", "0", "5"), List.of()))
        .isEmpty();
  }

  @Test
  void aValueOneSideNeverReachesIsADifferenceUnlessTheScenarioExpectsItWithAReason() {
    var ours = trace("rollout phase", "Healthy", "Progressing", "Paused", "Healthy");
    var argo = trace("rollout phase", "Healthy", "Progressing", "Healthy");
    assertThat(TraceDiff.compare(ours, argo, List.of()))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.explained()).isFalse();
              assertThat(d.ours()).containsExactly("Healthy", "Progressing", "Paused", "Healthy");
              assertThat(d.argo()).containsExactly("Healthy", "Progressing", "Healthy");
            });
    var expected = List.of(new TraceDiff.Expected(Pattern.compile("^rollout phase$"), "because"));
    assertThat(TraceDiff.compare(ours, argo, expected))
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).isEqualTo("because"));
  }

  @Test
  void repeatedStatesCollapseAndTextsAreComparedExactly() {
    assertThat(
            TraceDiff.history(trace("rollout message", "a", "a", "b", "b", "a"), "rollout message"))
        .containsExactly("a", "b", "a");
    assertThat(
            TraceDiff.compare(
                trace("rollout message", "a"), trace("rollout message", "A"), List.of()))
        .hasSize(1);
  }

  @Test
  void aRewriteExplainsOnlyTheDifferenceItRemoves() {
    var ours = trace("rollout message", "", "RolloutAborted: revision 2: timed out", "done");
    var argo = trace("rollout message", "", "RolloutAborted: revision 2", "done");
    var expected =
        List.of(
            new TraceDiff.Expected(
                Pattern.compile("rollout message"),
                Map.of(Pattern.compile(": timed out$"), ""),
                "the reason stays"));
    assertThat(TraceDiff.compare(ours, argo, expected))
        .singleElement()
        .satisfies(d -> assertThat(d.explained()).isTrue());
    var otherwise = trace("rollout message", "", "RolloutAborted: revision 3", "done");
    assertThat(TraceDiff.compare(ours, otherwise, expected))
        .singleElement()
        .satisfies(d -> assertThat(d.explained()).isFalse());
  }
}
