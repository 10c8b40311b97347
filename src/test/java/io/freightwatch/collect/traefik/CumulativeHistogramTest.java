package io.freightwatch.collect.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CumulativeHistogramTest {

  /** Replica A: default Traefik buckets with Go's spelling of bounds. */
  private static final CumulativeHistogram REPLICA_A =
      buckets("0.1", 100, "0.3", 180, "1.2", 195, "5", 199, "+Inf", 200);

  /** Replica B: the same buckets as written by a Java client, with 5.0 for 5. */
  private static final CumulativeHistogram REPLICA_B =
      buckets("0.1", 50, "0.3", 90, "1.2", 97, "5.0", 100, "+Inf", 100);

  /** Replica C: zero-padded bounds and an extra 0.5 s bucket that the others lack. */
  private static final CumulativeHistogram REPLICA_C =
      buckets("000.1", 30, "000.3", 60, "000.5", 80, "001.2", 95, "005.0", 100, "+Inf", 100);

  @Test
  void mergesReplicasOnCommonBounds() {
    CumulativeHistogram merged = mergeReplicas();

    assertThat(merged.upperBounds()).containsExactly(0.1, 0.3, 1.2, 5.0, Double.POSITIVE_INFINITY);
    assertThat(merged.counts()).containsExactly(180.0, 330.0, 387.0, 399.0, 400.0);
    assertThat(merged.totalCount()).isEqualTo(400);
  }

  @Test
  void estimatesQuantilesOfMergedReplicas() {
    CumulativeHistogram merged = mergeReplicas();

    // p50: rank 200 lies in (0.1, 0.3], 0.1 + 0.2 * (200 - 180) / (330 - 180).
    assertThat(merged.quantile(0.5).getAsDouble()).isCloseTo(0.1267, within(0.00005));
    // p90: rank 360 lies in (0.3, 1.2], 0.3 + 0.9 * (360 - 330) / (387 - 330).
    assertThat(merged.quantile(0.9).getAsDouble()).isCloseTo(0.7737, within(0.00005));
    // p95: rank 380 lies in (0.3, 1.2], 0.3 + 0.9 * 50 / 57.
    assertThat(merged.quantile(0.95).getAsDouble()).isCloseTo(1.08947, within(0.00001));
    // p99: rank 396 lies in (1.2, 5], 1.2 + 3.8 * 9 / 12.
    assertThat(merged.quantile(0.99).getAsDouble()).isCloseTo(4.05, within(1e-9));
  }

  @Test
  void countsAtBoundForEverySpelling() {
    CumulativeHistogram merged = mergeReplicas();

    for (String spelling : List.of("5", "5.0", "005.0", "5e+00")) {
      assertThat(merged.countAtOrBelow(bound(spelling)))
          .as("le=%s", spelling)
          .isEqualTo(OptionalDouble.of(399));
    }
    assertThat(merged.countAtOrBelow(1.2).getAsDouble() / merged.totalCount()).isEqualTo(0.9675);
    assertThat(merged.countAtOrBelow(0.5)).isEmpty();
  }

  @Test
  void ordersBoundsNumerically() {
    CumulativeHistogram histogram = buckets("10", 8, "9", 6, "+Inf", 10, "1e-1", 1);

    assertThat(histogram.upperBounds()).containsExactly(0.1, 9.0, 10.0, Double.POSITIVE_INFINITY);
    assertThat(histogram.counts()).containsExactly(1.0, 6.0, 8.0, 10.0);
  }

  @Test
  void interpolatesFirstBucketFromZero() {
    CumulativeHistogram histogram = buckets("0.4", 10, "+Inf", 10);

    assertThat(histogram.quantile(0.5)).isEqualTo(OptionalDouble.of(0.2));
  }

  @Test
  void returnsBoundOfNonPositiveFirstBucket() {
    CumulativeHistogram histogram = buckets("-1", 5, "0", 8, "+Inf", 10);

    assertThat(histogram.quantile(0.2)).isEqualTo(OptionalDouble.of(-1));
    assertThat(histogram.quantile(0.65)).isEqualTo(OptionalDouble.of(-0.5));
  }

  @Test
  void returnsHighestFiniteBoundForInfBucket() {
    CumulativeHistogram histogram = buckets("0.1", 1, "5", 2, "+Inf", 100);

    assertThat(histogram.quantile(0.95)).isEqualTo(OptionalDouble.of(5));
  }

  @Test
  void raisesDecreasingCountsToRunningMaximum() {
    CumulativeHistogram histogram = buckets("1", 10, "2", 6, "3", 15, "+Inf", 20);

    // Counts become 10, 10, 15, 20: rank 12 lies in (2, 3], 2 + 1 * (12 - 10) / (15 - 10).
    assertThat(histogram.quantile(0.6).getAsDouble()).isCloseTo(2.4, within(1e-12));
  }

  @Test
  void hasNoQuantileWithoutObservations() {
    CumulativeHistogram empty = buckets("0.1", 0, "5", 0, "+Inf", 0);

    assertThat(empty.quantile(0.95)).isEmpty();
    assertThat(CumulativeHistogram.mergeOnCommonBounds(List.of(empty, empty))).isEmpty();
    assertThat(CumulativeHistogram.mergeOnCommonBounds(List.of())).isEmpty();
  }

  @Test
  void hasNoQuantileWithoutInfBucket() {
    CumulativeHistogram histogram = buckets("0.1", 3, "5", 9);

    assertThat(histogram.quantile(0.5)).isEmpty();
    assertThat(histogram.totalCount()).isZero();
  }

  @Test
  void ignoresIdleSeriesWhenMerging() {
    CumulativeHistogram idleWithOtherLayout = buckets("0.25", 0, "+Inf", 0);

    Optional<CumulativeHistogram> merged =
        CumulativeHistogram.mergeOnCommonBounds(List.of(REPLICA_C, idleWithOtherLayout));

    assertThat(merged.orElseThrow().upperBounds())
        .containsExactly(0.1, 0.3, 0.5, 1.2, 5.0, Double.POSITIVE_INFINITY);
  }

  @Test
  void rejectsQuantileOutsideUnitInterval() {
    assertThatThrownBy(() -> REPLICA_A.quantile(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantile must be in [0, 1]; got 1.5");
    assertThatThrownBy(() -> REPLICA_A.quantile(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantile must be in [0, 1]; got NaN");
  }

  private static CumulativeHistogram mergeReplicas() {
    return CumulativeHistogram.mergeOnCommonBounds(List.of(REPLICA_A, REPLICA_B, REPLICA_C))
        .orElseThrow();
  }

  /** Builds a histogram from {@code le} spellings and counts, parsing bounds as a scrape does. */
  private static CumulativeHistogram buckets(Object... boundsAndCounts) {
    Map<Double, Double> counts = new HashMap<>();
    for (int i = 0; i < boundsAndCounts.length; i += 2) {
      counts.put(
          bound((String) boundsAndCounts[i]), ((Number) boundsAndCounts[i + 1]).doubleValue());
    }
    return CumulativeHistogram.of(counts);
  }

  private static double bound(String le) {
    return ExpositionNumbers.parseFloat(le, 0, le.length());
  }
}
