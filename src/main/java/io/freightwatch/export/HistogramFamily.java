package io.freightwatch.export;

import io.freightwatch.store.Series;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One classic histogram on {@code /metrics}, built from the store's {@code <family>_bucket},
 * {@code _sum} and {@code _count} series of type {@link io.freightwatch.store.MetricType#HISTOGRAM}.
 * The store keeps cumulative bucket counts, as Prometheus stores them. The client library takes
 * the count of each bucket alone and writes the cumulative {@code _bucket} lines and {@code _count}
 * (equal to the {@code +Inf} bucket) from them.
 */
final class HistogramFamily implements StoreMetrics.Family {

  private final String name;
  private final String help;
  private final List<Point> points;

  private HistogramFamily(String name, String help, List<Point> points) {
    this.name = name;
    this.help = help;
    this.points = points;
  }

  /**
   * Groups the series of one family into data points by their labels without {@code le}. A
   * bucket whose {@code le} is not a number, and a data point without a {@code +Inf} bucket, are
   * left out and reported to {@code problems} with the family name.
   */
  static HistogramFamily of(String name, String help, List<Series> members,
      StoreMetrics.LabelConverter converter, BiConsumer<String, String> problems) {
    List<Point> points = new ArrayList<>();
    for (FamilyGrouping.Group group : FamilyGrouping.histogram(name, members, problems)) {
      // The _count series is not read: the client library derives the count from the buckets.
      points.add(new Point(group.labels(), converter.convert(group.labels()), group.keys(),
          group.keyed(), group.sum()));
    }
    points.sort(Comparator.comparing(Point::labels));
    return new HistogramFamily(name, help, List.copyOf(points));
  }

  @Override
  public MetricSnapshot snapshot() {
    HistogramSnapshot.Builder builder = HistogramSnapshot.builder().name(name);
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (Point point : points) {
      double[] cumulative = new double[point.buckets.length];
      for (int i = 0; i < cumulative.length; i++) {
        cumulative[i] = point.buckets[i].latestValue();
      }
      double sum = FamilyGrouping.Group.latestValue(point.sum);
      dataPoint(point.labels, point.upperBounds, cumulative, sum).ifPresent(builder::dataPoint);
    }
    return builder.build();
  }

  @Override
  public void rememberLabels(Map<io.freightwatch.store.Labels, Labels> known) {
    for (Point point : points) {
      known.put(point.storeLabels, point.labels);
    }
  }

  /**
   * Builds one data point from cumulative bucket counts, as the store contains them.
   *
   * @param upperBounds ascending, ending with {@link Double#POSITIVE_INFINITY}
   * @param cumulativeCounts observations at or below each bound. A count lower than the one before
   *     it, as after a reset that reached the buckets in different scrapes, is raised to it, so
   *     the buckets stay cumulative
   * @param sum sum of the observations, or NaN when unknown
   * @return the data point, or empty when a count is NaN or negative, since the histogram is then
   *     unknown
   */
  static Optional<HistogramDataPointSnapshot> dataPoint(
      Labels labels, double[] upperBounds, double[] cumulativeCounts, double sum) {
    Optional<long[]> counts = FamilyGrouping.bucketCounts(cumulativeCounts);
    if (counts.isEmpty()) {
      return Optional.empty();
    }
    HistogramDataPointSnapshot.Builder builder = HistogramDataPointSnapshot.builder()
        .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, counts.get()))
        .labels(labels);
    if (!Double.isNaN(sum)) {
      builder.sum(sum);
    }
    return Optional.of(builder.build());
  }

  /**
   * Parses an {@code le} value as Prometheus writes it: a float, or {@code +Inf}.
   *
   * @return empty when {@code le} is missing or not a number
   */
  static Optional<Double> parseBound(String le) {
    if (le.equals("+Inf") || le.equals("Inf")) {
      return Optional.of(Double.POSITIVE_INFINITY);
    }
    try {
      double bound = Double.parseDouble(le);
      return Double.isNaN(bound) ? Optional.empty() : Optional.of(bound);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * One data point: its stored and client labels without {@code le}, its bounds and bucket series
   * in ascending order, and its sum series, which may be null.
   */
  private record Point(io.freightwatch.store.Labels storeLabels, Labels labels,
      double[] upperBounds, Series[] buckets, Series sum) {}
}
