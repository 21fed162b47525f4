package io.rollout4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Durations as Argo writes them, and as people write them. */
class DurationStringsTest {

  @ParameterizedTest
  @CsvSource({
    "30s, PT30S",
    "10m, PT10M",
    "1h30m, PT1H30M",
    "1.5h, PT1H30M",
    "500ms, PT0.5S",
    "1m30.5s, PT1M30.5S",
    "0, PT0S",
    "-2m, PT-2M",
    "300us, PT0.0003S",
    "1h0m0s, PT1H"
  })
  void parsesGoDurations(String text, String expected) {
    assertThat(DurationStrings.parseGo(text)).contains(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({"''", "10", "1d", "m", "1.2.3s", "--1s", "1h 30m", "9999999999h"})
  void rejectsWhatGoRejects(String text) {
    assertThat(DurationStrings.parseGo(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"30, PT30S", "'45', PT45S", "'10m', PT10M", "'500ms', PT0S", "'1.5s', PT1S"})
  void pauseDurationsAreSecondsOrGoDurationsTruncatedToSeconds(String value, String expected) {
    IntOrString duration =
        value.chars().allMatch(Character::isDigit) && !value.isEmpty()
            ? IntOrString.of(Integer.parseInt(value))
            : IntOrString.of(value);
    assertThat(DurationStrings.parsePause(duration)).contains(Duration.parse(expected));
  }

  @Property
  void formatThenParseIsIdentity(@ForAll @LongRange(min = 0, max = 10_000_000) long millis) {
    Duration d = Duration.ofMillis(millis);

    assertThat(DurationStrings.parseGo(DurationStrings.format(d))).contains(d);
  }

  @Property
  void wholeSecondsFormatWithoutRedundantUnits(
      @ForAll @LongRange(min = 1, max = 1_000_000) long seconds) {
    String text = DurationStrings.format(Duration.ofSeconds(seconds));

    assertThat(text).matches("([1-9]\\d*h)?([1-9]\\d*m)?([1-9]\\d*s)?");
    assertThat(DurationStrings.parsePause(IntOrString.of(text)))
        .contains(Duration.ofSeconds(seconds));
  }
}
