package io.freightwatch.bench;

import io.freightwatch.collect.traefik.CumulativeHistogram;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency quantiles as the Traefik signals compute them for one service per window: build the
 * histograms of its series from bucket increases, merge them on common bounds, and estimate p95 and
 * p99. Also the quantile estimate alone on a merged histogram.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
public class QuantileBenchmark {

  private List<Map<Double, Double>> seriesBuckets;
  private CumulativeHistogram merged;

  @Setup
  public void prepare() {
    double[] bounds = {0.1, 0.3, 1.2, 5, Double.POSITIVE_INFINITY};
    seriesBuckets = new java.util.ArrayList<>();
    for (int series = 0; series < 5; series++) {
      Map<Double, Double> buckets = new HashMap<>();
      for (int b = 0; b < bounds.length; b++) {
        buckets.put(bounds[b], (double) (100 + series) * (b + 1));
      }
      seriesBuckets.add(buckets);
    }
    merged = mergeSeries().orElseThrow();
  }

  @Benchmark
  public double mergeFiveSeriesAndEstimateTwoQuantiles() {
    CumulativeHistogram histogram = mergeSeries().orElseThrow();
    return histogram.quantile(0.95).getAsDouble() + histogram.quantile(0.99).getAsDouble();
  }

  @Benchmark
  public double estimateOneQuantile() {
    return merged.quantile(0.95).getAsDouble();
  }

  private Optional<CumulativeHistogram> mergeSeries() {
    List<CumulativeHistogram> histograms = new java.util.ArrayList<>(seriesBuckets.size());
    for (Map<Double, Double> buckets : seriesBuckets) {
      histograms.add(CumulativeHistogram.of(buckets));
    }
    return CumulativeHistogram.mergeOnCommonBounds(histograms);
  }
}
