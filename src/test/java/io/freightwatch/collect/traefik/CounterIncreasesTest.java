package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Increase rules for counters, driven by one Traefik entry point scraped every 30 s from an agent
 * that starts at t = 0 while Traefik has been counting for a long time, then restarts at t = 90.
 */
class CounterIncreasesTest {

  private static final OptionalDouble FIRST_START = OptionalDouble.of(1_741_000_000);
  private static final OptionalDouble SECOND_START = OptionalDouble.of(1_741_600_870);

  private final CounterIncreases<String> counters = new CounterIncreases<>();

  @Test
  void firstScrapeIsBaselineOnly() {
    CounterIncreases.Increases<String> first =
        counters.record(values("200", 1_250_000_000, "500", 52_000), FIRST_START);

    assertThat(first.isBaseline()).isTrue();
    assertThat(first.bySeries()).isEmpty();
    assertThat(first.of("200")).isZero();
  }

  @Test
  void followsBaselineNewSeriesAndRestart() {
    counters.record(values("200", 1_250_000_000, "500", 52_000), FIRST_START);

    CounterIncreases.Increases<String> t30 =
        counters.record(values("200", 1_250_003_000, "500", 52_006), FIRST_START);
    assertThat(t30.isBaseline()).isFalse();
    assertThat(t30.of("200")).isEqualTo(3_000);
    assertThat(t30.of("500")).isEqualTo(6);
    assertThat(errorRatio(t30)).isCloseTo(6.0 / 3_006, within(1e-12));
    assertThat(errorRatio(t30) * 100).isCloseTo(0.200, within(0.0005));

    CounterIncreases.Increases<String> t60 =
        counters.record(values("200", 1_250_006_000, "500", 52_012, "503", 4), FIRST_START);
    assertThat(t60.of("200")).isEqualTo(3_000);
    assertThat(t60.of("500")).isEqualTo(6);
    assertThat(t60.of("503")).isEqualTo(4);
    assertThat(errorRatio(t60) * 100).isCloseTo(0.332, within(0.0005));

    CounterIncreases.Increases<String> t90 =
        counters.record(values("200", 2_400, "500", 3), SECOND_START);
    assertThat(t90.isRestart()).isTrue();
    assertThat(t90.of("200")).isEqualTo(2_400);
    assertThat(t90.of("500")).isEqualTo(3);
    assertThat(t90.of("503")).isZero();
    assertThat(t90.bySeries()).doesNotContainKey("503");
    assertThat(errorRatio(t90) * 100).isCloseTo(0.125, within(0.0005));

    CounterIncreases.Increases<String> t120 =
        counters.record(values("200", 5_400, "500", 9), SECOND_START);
    assertThat(t120.isRestart()).isFalse();
    assertThat(t120.of("200")).isEqualTo(3_000);
    assertThat(t120.of("500")).isEqualTo(6);
    assertThat(errorRatio(t120) * 100).isCloseTo(0.200, within(0.0005));
  }

  @Test
  void decreaseCountsNewValueAsIncrease() {
    counters.record(values("200", 100), OptionalDouble.empty());
    counters.record(values("200", 150), OptionalDouble.empty());

    CounterIncreases.Increases<String> afterReset =
        counters.record(values("200", 40), OptionalDouble.empty());

    assertThat(afterReset.isRestart()).isFalse();
    assertThat(afterReset.of("200")).isEqualTo(40);
  }

  @Test
  void restartCountsNewValueEvenWhenHigher() {
    counters.record(values("200", 100), FIRST_START);

    CounterIncreases.Increases<String> afterRestart =
        counters.record(values("200", 130), SECOND_START);

    assertThat(afterRestart.isRestart()).isTrue();
    assertThat(afterRestart.of("200")).isEqualTo(130);
  }

  @Test
  void missingStartTimeIsNoRestart() {
    counters.record(values("200", 100), FIRST_START);
    CounterIncreases.Increases<String> withoutStart =
        counters.record(values("200", 110), OptionalDouble.empty());

    CounterIncreases.Increases<String> sameStartAgain =
        counters.record(values("200", 125), FIRST_START);

    assertThat(withoutStart.isRestart()).isFalse();
    assertThat(withoutStart.of("200")).isEqualTo(10);
    assertThat(sameStartAgain.isRestart()).isFalse();
    assertThat(sameStartAgain.of("200")).isEqualTo(15);
  }

  @Test
  void reappearingSeriesCountsFromZero() {
    counters.record(values("200", 100, "503", 7), FIRST_START);
    CounterIncreases.Increases<String> vanished = counters.record(values("200", 110), FIRST_START);

    CounterIncreases.Increases<String> back =
        counters.record(values("200", 120, "503", 2), FIRST_START);

    assertThat(vanished.of("503")).isZero();
    assertThat(back.of("503")).isEqualTo(2);
  }

  @Test
  void skipsNonFiniteValuesKeepingPrevious() {
    counters.record(values("200", 100), FIRST_START);
    CounterIncreases.Increases<String> broken =
        counters.record(values("200", Double.NaN), FIRST_START);

    CounterIncreases.Increases<String> repaired = counters.record(values("200", 108), FIRST_START);

    assertThat(broken.bySeries()).isEmpty();
    assertThat(repaired.of("200")).isEqualTo(8);
  }

  @Test
  void neverReturnsNegativeIncrease() {
    counters.record(values("200", 100), FIRST_START);

    CounterIncreases.Increases<String> negative = counters.record(values("200", -5), FIRST_START);

    assertThat(negative.of("200")).isZero();
  }

  private static double errorRatio(CounterIncreases.Increases<String> increases) {
    double errors = increases.of("500") + increases.of("503");
    return errors / (increases.of("200") + errors);
  }

  private static Map<String, Double> values(Object... codesAndValues) {
    Map<String, Double> values = new HashMap<>();
    for (int i = 0; i < codesAndValues.length; i += 2) {
      values.put((String) codesAndValues[i], ((Number) codesAndValues[i + 1]).doubleValue());
    }
    return values;
  }
}
