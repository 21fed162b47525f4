package io.rollout4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Property(tries = 2000)
  void readsWhatInstantWritesExactlyAsInstantParseDoes(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @IntRange(min = 0, max = 3) int precision) {
    long truncated =
        switch (precision) {
          case 0 -> 0;
          case 1 -> nanos / 1_000_000 * 1_000_000L;
          case 2 -> nanos / 1_000 * 1_000L;
          default -> nanos;
        };
    String text = Instant.ofEpochSecond(seconds, truncated).toString();
    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(text));
  }

  @Test
  void argoAndKubernetesShapes() {
    assertThat(Timestamps.parse("2026-01-01T09:30:00Z"))
        .isEqualTo(Instant.parse("2026-01-01T09:30:00Z"));
    assertThat(Timestamps.parse("2024-02-29T23:59:59.5Z"))
        .isEqualTo(Instant.parse("2024-02-29T23:59:59.500Z"));
    assertThat(Timestamps.parse("2026-01-01T09:30:00.123456789Z").getNano()).isEqualTo(123456789);
  }

  @Test
  void oddShapesInstantAcceptsAreReadAsInstantReadsThem() {
    // End-of-day midnight, an empty fraction and a leap second: the fast path leaves them to
    // Instant.parse, so a timestamp that was valid before stays valid with the same value.
    for (String odd :
        new String[] {"2026-01-01T24:00:00Z", "2026-01-01T09:30:00.Z", "2026-12-31T23:59:60Z"}) {
      assertThat(Timestamps.parse(odd)).as(odd).isEqualTo(Instant.parse(odd));
    }
  }

  @Test
  void invalidTextIsRejectedAsInstantRejectsIt() {
    for (String bad :
        new String[] {
          "2026-02-30T00:00:00Z",
          "2025-02-29T00:00:00Z",
          "2026-13-01T00:00:00Z",
          "2026-01-01 09:30:00Z",
          "2026-01-01T09:30:00",
          "2026-01-01T09:30:00.1234567890Z",
          "tomorrow"
        }) {
      assertThatThrownBy(() -> Timestamps.parse(bad))
          .as(bad)
          .isInstanceOf(DateTimeParseException.class);
    }
  }
}
