package io.freightwatch.export;

import io.freightwatch.store.Series;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One summary on {@code /metrics}, built from the store's {@code <family>} series with a {@code
 * quantile} label and its {@code _sum} and {@code _count} series, all of type {@link
 * io.freightwatch.store.MetricType#SUMMARY}. A data point may lack any of the three parts: a
 * summary with quantiles only is valid in the Prometheus text format and in OpenMetrics.
 */
final class SummaryFamily implements StoreMetrics.Family {

  private final String name;
  private final String help;
  private final List<Point> points;

  private SummaryFamily(String name, String help, List<Point> points) {
    this.name = name;
    this.help = help;
    this.points = points;
  }

  /**
   * Groups the series of one family into data points by their labels without {@code quantile}. A
   * series whose {@code quantile} is not a number in [0, 1] is left out and reported to {@code
   * problems} with the family name.
   */
  static SummaryFamily of(String name, String help, List<Series> members,
      StoreMetrics.LabelConverter converter, BiConsumer<String, String> problems) {
    List<Point> points = new ArrayList<>();
    for (FamilyGrouping.Group group : FamilyGrouping.summary(name, members, problems)) {
      points.add(new Point(group.labels(), converter.convert(group.labels()), group.keys(),
          group.keyed(), group.sum(), group.count()));
    }
    points.sort(Comparator.comparing(Point::labels));
    return new SummaryFamily(name, help, List.copyOf(points));
  }

  @Override
  public MetricSnapshot snapshot() {
    SummarySnapshot.Builder builder = SummarySnapshot.builder().name(name);
    if (!help.isEmpty()) {
      builder.help(help);
    }
    for (Point point : points) {
      double[] values = new double[point.values.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = point.values[i].latestValue();
      }
      double count = FamilyGrouping.Group.latestValue(point.count);
      double sum = FamilyGrouping.Group.latestValue(point.sum);
      dataPoint(point.labels, point.quantiles, values, count, sum).ifPresent(builder::dataPoint);
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
   * Builds one data point. NaN marks an unknown part, which is left out.
   *
   * @param quantiles the quantiles in [0, 1], ascending
   * @param values the value of each quantile
   * @param count number of observations, rounded to a whole number
   * @param sum sum of the observations
   * @return the data point, or empty when every part is unknown
   */
  static Optional<SummaryDataPointSnapshot> dataPoint(
      Labels labels, double[] quantiles, double[] values, double count, double sum) {
    Quantiles.Builder known = Quantiles.builder();
    boolean hasQuantile = false;
    for (int i = 0; i < quantiles.length; i++) {
      if (!Double.isNaN(values[i])) {
        known.quantile(new Quantile(quantiles[i], values[i]));
        hasQuantile = true;
      }
    }
    boolean hasCount = count >= 0;
    boolean hasSum = !Double.isNaN(sum);
    if (!hasQuantile && !hasCount && !hasSum) {
      return Optional.empty();
    }
    SummaryDataPointSnapshot.Builder builder =
        SummaryDataPointSnapshot.builder().quantiles(known.build()).labels(labels);
    if (hasCount) {
      builder.count(Math.round(count));
    }
    if (hasSum) {
      builder.sum(sum);
    }
    return Optional.of(builder.build());
  }

  /** Parses a {@code quantile} label, or returns empty when it is missing or not in [0, 1]. */
  static Optional<Double> parseQuantile(String label) {
    try {
      double quantile = Double.parseDouble(label);
      return quantile >= 0 && quantile <= 1 ? Optional.of(quantile) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * One data point: its stored and client labels without {@code quantile}, its quantiles in
   * ascending order with their series, and its sum and count series, each of which may be null.
   */
  private record Point(io.freightwatch.store.Labels storeLabels, Labels labels,
      double[] quantiles, Series[] values, Series sum, Series count) {}
}
