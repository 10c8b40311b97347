package io.freightwatch.collect.traefik;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Cumulative bucket counts of a Prometheus histogram, usually increases over a window: for each
 * upper bound, the number of observations at or below it. Bounds are numbers, so {@code le="5"},
 * {@code le="5.0"}, {@code le="005.0"} and {@code le="5e+00"} are one bucket, and buckets are
 * ordered numerically. Immutable.
 */
public final class CumulativeHistogram {

  private final double[] upperBounds;
  private final double[] counts;

  private CumulativeHistogram(double[] upperBounds, double[] counts) {
    this.upperBounds = upperBounds;
    this.counts = counts;
  }

  /**
   * Builds a histogram from bucket counts keyed by upper bound ({@code +Inf} as {@link
   * Double#POSITIVE_INFINITY}).
   *
   * @throws IllegalArgumentException when a bound is NaN
   */
  public static CumulativeHistogram of(Map<Double, Double> countsByUpperBound) {
    TreeMap<Double, Double> sorted = new TreeMap<>();
    countsByUpperBound.forEach(
        (bound, count) -> {
          if (bound.isNaN()) {
            throw new IllegalArgumentException("bucket bound must be a number; got NaN");
          }
          // Double.compare orders -0.0 before 0.0 and would keep them apart, but they are one
          // bound.
          sorted.merge(bound == 0 ? 0.0 : bound, count, Double::sum);
        });
    double[] bounds = new double[sorted.size()];
    double[] values = new double[sorted.size()];
    int i = 0;
    for (Map.Entry<Double, Double> entry : sorted.entrySet()) {
      bounds[i] = entry.getKey();
      values[i] = entry.getValue();
      i++;
    }
    return new CumulativeHistogram(bounds, values);
  }

  /**
   * Adds histograms bucket by bucket on the bounds that all of them have, so that series with
   * different bucket layouts (one replica started with extra buckets, for example) never produce a
   * non-monotonic sum. Histograms without observations are left out first: they add nothing to any
   * bucket, and keeping them would only drop bounds the others share.
   *
   * @return the sum, or empty when no histogram has an observation
   */
  public static Optional<CumulativeHistogram> mergeOnCommonBounds(
      Collection<CumulativeHistogram> histograms) {
    List<CumulativeHistogram> observed = new ArrayList<>();
    for (CumulativeHistogram histogram : histograms) {
      if (histogram.totalCount() > 0) {
        observed.add(histogram);
      }
    }
    if (observed.isEmpty()) {
      return Optional.empty();
    }
    double[] common = observed.get(0).upperBounds;
    for (CumulativeHistogram histogram : observed) {
      common = Arrays.stream(common).filter(histogram::hasBound).toArray();
    }
    double[] sums = new double[common.length];
    for (CumulativeHistogram histogram : observed) {
      for (int i = 0; i < common.length; i++) {
        sums[i] += histogram.counts[Arrays.binarySearch(histogram.upperBounds, common[i])];
      }
    }
    return Optional.of(new CumulativeHistogram(common, sums));
  }

  /**
   * Estimates the {@code q}-quantile as Prometheus' {@code histogram_quantile} does: find the
   * bucket that contains rank {@code q * total} and interpolate linearly inside it. The first
   * bucket starts at 0 when its bound is positive. A rank in the {@code +Inf} bucket returns the
   * highest finite bound. Counts that decrease from one bucket to the next (possible when counter
   * resets hit buckets unevenly) are raised to the running maximum first.
   *
   * @param q quantile in [0, 1]
   * @return the estimate in the unit of the bounds, or empty when there is no observation, no
   *     {@code +Inf} bucket or no finite bucket
   * @throws IllegalArgumentException when {@code q} is outside [0, 1]
   */
  public OptionalDouble quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1]; got " + q);
    }
    int n = upperBounds.length;
    if (n < 2 || upperBounds[n - 1] != Double.POSITIVE_INFINITY) {
      return OptionalDouble.empty();
    }
    double[] monotonic = monotonicCounts();
    double total = monotonic[n - 1];
    if (!(total > 0)) {
      return OptionalDouble.empty();
    }

    double rank = q * total;
    int bucket = 0;
    while (bucket < n - 1 && monotonic[bucket] < rank) {
      bucket++;
    }
    if (bucket == n - 1) {
      return OptionalDouble.of(upperBounds[n - 2]);
    }

    double upper = upperBounds[bucket];
    double lower;
    double countBelow;
    if (bucket == 0) {
      if (upper <= 0) {
        return OptionalDouble.of(upper);
      }
      lower = 0;
      countBelow = 0;
    } else {
      lower = upperBounds[bucket - 1];
      countBelow = monotonic[bucket - 1];
    }

    double inBucket = monotonic[bucket] - countBelow;
    if (!(inBucket > 0)) {
      // Only rank 0 (q = 0) can land in an empty bucket, and its lower edge is the quantile.
      return OptionalDouble.of(lower);
    }
    return OptionalDouble.of(lower + (upper - lower) * ((rank - countBelow) / inBucket));
  }

  /**
   * Returns the number of observations at or below {@code bound}, for example requests served
   * within 5 s for an SLI. Returns empty when {@code bound} is not one of this histogram's bounds.
   */
  public OptionalDouble countAtOrBelow(double bound) {
    int index = Arrays.binarySearch(upperBounds, bound == 0 ? 0.0 : bound);
    return index >= 0 ? OptionalDouble.of(counts[index]) : OptionalDouble.empty();
  }

  /** Number of observations: the {@code +Inf} bucket, or 0 when that bucket is missing. */
  public double totalCount() {
    int n = upperBounds.length;
    return n > 0 && upperBounds[n - 1] == Double.POSITIVE_INFINITY ? counts[n - 1] : 0;
  }

  /** Upper bounds in ascending order. */
  public double[] upperBounds() {
    return upperBounds.clone();
  }

  /** Cumulative counts, in the order of {@link #upperBounds()}. */
  public double[] counts() {
    return counts.clone();
  }

  private boolean hasBound(double bound) {
    return Arrays.binarySearch(upperBounds, bound) >= 0;
  }

  private double[] monotonicCounts() {
    double[] result = counts.clone();
    for (int i = 1; i < result.length; i++) {
      result[i] = Math.max(result[i], result[i - 1]);
    }
    return result;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < upperBounds.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append("le=").append(ExpositionNumbers.canonicalBound(upperBounds[i]));
      out.append(": ").append(counts[i]);
    }
    return out.append('}').toString();
  }
}
