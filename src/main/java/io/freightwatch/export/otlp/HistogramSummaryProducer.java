package io.freightwatch.export.otlp;

import io.freightwatch.config.ExportConfig;
import io.freightwatch.export.StoreSnapshot;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.metrics.export.MetricProducer;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSummaryPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds OTLP Histogram and Summary metrics from the histogram and summary families of the latest
 * {@link StoreSnapshot}, because the SDK's asynchronous instruments only record gauges and sums.
 *
 * <p>Histograms follow the configured temporality. Cumulative points carry the store's values
 * with the exporter's start time. Delta points carry the increase of each bucket count, of the
 * count and of the sum since the previous export, with the previous export's time as start
 * time. A bucket count lower than at the previous export, or changed bucket bounds, mean the
 * source reset, and the point then carries its new cumulative values, as the SDK does for
 * counters. The first export sends the cumulative values as the increase since the exporter
 * started. Summaries are always cumulative, since OTLP has no delta summary.
 *
 * <p>The SDK's reader thread calls {@link #produce}; calls are serialized because delta points
 * depend on the previous call.
 */
final class HistogramSummaryProducer implements MetricProducer {

  private static final Logger LOG = LoggerFactory.getLogger(HistogramSummaryProducer.class);
  /**
   * The scope of the exporter's meter. The OTLP marshaler of SDK 1.68 groups metrics by scope
   * instance, so these metrics arrive in a second scope entry with the same name.
   */
  static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("io.freightwatch");

  private final Supplier<StoreSnapshot> snapshots;
  private final boolean isDelta;
  private final Clock clock;
  private final long startEpochNanos;
  /** Families already logged for a data point the SDK rejected, so that each is logged once. */
  private final Set<String> rejectedLogged = new HashSet<>();
  /** The cumulative values of each histogram data point at the previous delta export. */
  private Map<PointKey, StoreSnapshot.HistogramPoint> previous = new HashMap<>();
  private long previousExportNanos;

  HistogramSummaryProducer(
      Supplier<StoreSnapshot> snapshots, ExportConfig.Temporality temporality, Clock clock) {
    this.snapshots = snapshots;
    this.isDelta = temporality == ExportConfig.Temporality.DELTA;
    this.clock = clock;
    this.startEpochNanos = clock.now();
    this.previousExportNanos = startEpochNanos;
  }

  @Override
  public synchronized Collection<MetricData> produce(Resource resource) {
    long now = clock.now();
    StoreSnapshot snapshot = snapshots.get();
    List<MetricData> metrics = new ArrayList<>();
    Map<PointKey, StoreSnapshot.HistogramPoint> seen = new HashMap<>();
    for (StoreSnapshot.Histogram histogram : snapshot.histograms().values()) {
      addUnlessEmpty(metrics, histogram(resource, histogram, now, seen));
    }
    for (StoreSnapshot.Summary summary : snapshot.summaries().values()) {
      addUnlessEmpty(metrics, summary(resource, summary, now));
    }
    if (isDelta) {
      // Points missing from this export are forgotten, so their return counts as a reset.
      previous = seen;
      previousExportNanos = now;
    }
    return metrics;
  }

  /** Converts store labels to OTLP attributes. */
  static Attributes attributes(Map<String, String> labels) {
    AttributesBuilder builder = Attributes.builder();
    labels.forEach(builder::put);
    return builder.build();
  }

  private static void addUnlessEmpty(List<MetricData> metrics, MetricData metric) {
    if (!metric.getData().getPoints().isEmpty()) {
      metrics.add(metric);
    }
  }

  private MetricData histogram(
      Resource resource,
      StoreSnapshot.Histogram histogram,
      long now,
      Map<PointKey, StoreSnapshot.HistogramPoint> seen) {
    List<HistogramPointData> points = new ArrayList<>(histogram.points().size());
    for (StoreSnapshot.HistogramPoint point : histogram.points()) {
      PointKey key = new PointKey(histogram.name(), point.labels());
      seen.put(key, point);
      try {
        points.add(
            isDelta ? deltaPoint(point, previous.get(key), now) : cumulativePoint(point, now));
      } catch (IllegalArgumentException e) {
        logRejected(histogram.name(), e);
      }
    }
    AggregationTemporality temporality =
        isDelta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    return ImmutableMetricData.createDoubleHistogram(
        resource,
        SCOPE,
        histogram.name(),
        histogram.help(),
        "",
        ImmutableHistogramData.create(temporality, points));
  }

  private HistogramPointData cumulativePoint(StoreSnapshot.HistogramPoint point, long now) {
    return histogramPoint(startEpochNanos, now, point, point.bucketCounts(), point.sum());
  }

  private HistogramPointData deltaPoint(
      StoreSnapshot.HistogramPoint point, StoreSnapshot.HistogramPoint before, long now) {
    if (before == null || isReset(before, point)) {
      return histogramPoint(previousExportNanos, now, point, point.bucketCounts(), point.sum());
    }
    List<Long> increases = new ArrayList<>(point.bucketCounts().size());
    for (int i = 0; i < point.bucketCounts().size(); i++) {
      increases.add(point.bucketCounts().get(i) - before.bucketCounts().get(i));
    }
    // A sum that was unknown before counts from zero. The sum may fall between two exports
    // without a reset when observations are negative, so only bucket counts detect resets.
    double sumBefore = Double.isNaN(before.sum()) ? 0 : before.sum();
    return histogramPoint(previousExportNanos, now, point, increases, point.sum() - sumBefore);
  }

  private static boolean isReset(
      StoreSnapshot.HistogramPoint before, StoreSnapshot.HistogramPoint now) {
    if (!before.upperBounds().equals(now.upperBounds())) {
      return true;
    }
    for (int i = 0; i < now.bucketCounts().size(); i++) {
      if (now.bucketCounts().get(i) < before.bucketCounts().get(i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Builds one OTLP histogram point. OTLP leaves out the {@code +Inf} bound, so the explicit
   * bounds are all upper bounds but the last, and the count is the sum of the bucket counts.
   */
  private static HistogramPointData histogramPoint(
      long startNanos,
      long nowNanos,
      StoreSnapshot.HistogramPoint point,
      List<Long> bucketCounts,
      double sum) {
    List<Double> bounds = point.upperBounds().subList(0, point.upperBounds().size() - 1);
    // NOTE: a point without a known sum is sent with sum 0, because HistogramPointData in SDK
    // 1.68 always has a sum and its marshaler always writes it, although the OTLP field is
    // optional. A MetricData implementation of our own with its own marshaling would fix this.
    return ImmutableHistogramPointData.create(
        startNanos,
        nowNanos,
        attributes(point.labels()),
        Double.isNaN(sum) ? 0 : sum,
        false,
        0,
        false,
        0,
        bounds,
        bucketCounts);
  }

  private MetricData summary(Resource resource, StoreSnapshot.Summary summary, long now) {
    List<SummaryPointData> points = new ArrayList<>(summary.points().size());
    for (StoreSnapshot.SummaryPoint point : summary.points()) {
      List<ValueAtQuantile> values = new ArrayList<>(point.quantiles().size());
      for (int i = 0; i < point.quantiles().size(); i++) {
        double quantile = point.quantiles().get(i);
        values.add(ImmutableValueAtQuantile.create(quantile, point.values().get(i)));
      }
      // OTLP's count and sum are plain proto3 fields without presence, so an unknown one is 0.
      long count = Double.isNaN(point.count()) ? 0 : Math.round(point.count());
      double sum = Double.isNaN(point.sum()) ? 0 : point.sum();
      points.add(
          ImmutableSummaryPointData.create(
              startEpochNanos, now, attributes(point.labels()), count, sum, values));
    }
    return ImmutableMetricData.createDoubleSummary(
        resource, SCOPE, summary.name(), summary.help(), "", ImmutableSummaryData.create(points));
  }

  private void logRejected(String family, IllegalArgumentException e) {
    if (rejectedLogged.add(family)) {
      LOG.warn("histogram data point left out of the OTLP export family={} problem=\"{}\"",
          family, e.getMessage());
    }
  }

  /** Identity of one histogram data point across exports. */
  private record PointKey(String family, Map<String, String> labels) {}
}
