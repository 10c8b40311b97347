package io.freightwatch.export;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Series;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Groups the series of one histogram or summary family into data points, one per label set
 * without {@code le} or {@code quantile}. {@code /metrics} and the OTLP export both build their
 * data points from these groups, so they leave out the same malformed series.
 */
final class FamilyGrouping {

  private FamilyGrouping() {}

  /**
   * Groups the {@code _bucket}, {@code _sum} and {@code _count} series of a histogram. A bucket
   * whose {@code le} is not a number, and a data point without a {@code +Inf} bucket, are left out
   * and reported to {@code problems} with the family name.
   *
   * @return groups in the order their first series appear in {@code members}; each group's keys
   *     are the bucket upper bounds in ascending order, ending with {@code +Inf}
   */
  static List<Group> histogram(
      String family, List<Series> members, BiConsumer<String, String> problems) {
    List<Group> groups =
        group(family, members, "_bucket", "le", HistogramFamily::parseBound, "a number", problems);
    List<Group> complete = new ArrayList<>(groups.size());
    for (Group group : groups) {
      int size = group.keys().length;
      if (size > 0 && group.keys()[size - 1] == Double.POSITIVE_INFINITY) {
        complete.add(group);
      } else {
        problems.accept(family, "no le=\"+Inf\" bucket for " + family + group.labels());
      }
    }
    return complete;
  }

  /**
   * Groups the quantile, {@code _sum} and {@code _count} series of a summary. A series whose
   * {@code quantile} is not a number in [0, 1] is left out and reported to {@code problems} with
   * the family name.
   *
   * @return groups in the order their first series appear in {@code members}; each group's keys
   *     are the quantiles in ascending order, and a group may have none
   */
  static List<Group> summary(
      String family, List<Series> members, BiConsumer<String, String> problems) {
    return group(
        family, members, "", "quantile", SummaryFamily::parseQuantile, "a number in [0, 1]",
        problems);
  }

  /**
   * Converts cumulative bucket counts, as the store keeps them, to the count of each bucket
   * alone. A cumulative count lower than the one before it (a reset that reached the bucket
   * series in different scrapes) is raised to it, so that no bucket count is negative.
   *
   * @return the counts, or empty when a cumulative count is NaN or negative, since the histogram
   *     is then unknown
   */
  static Optional<long[]> bucketCounts(double[] cumulativeCounts) {
    long[] counts = new long[cumulativeCounts.length];
    long previous = 0;
    for (int i = 0; i < cumulativeCounts.length; i++) {
      double value = cumulativeCounts[i];
      if (!(value >= 0)) {
        return Optional.empty();
      }
      long cumulative = Math.max(previous, Math.round(value));
      counts[i] = cumulative - previous;
      previous = cumulative;
    }
    return Optional.of(counts);
  }

  private static List<Group> group(
      String family,
      List<Series> members,
      String keyedSuffix,
      String keyLabel,
      Function<String, Optional<Double>> parser,
      String expected,
      BiConsumer<String, String> problems) {
    Map<Labels, Parts> byLabels = new LinkedHashMap<>();
    for (Series series : members) {
      String suffix = series.name().substring(family.length());
      if (suffix.equals(keyedSuffix)) {
        String value = series.labels().get(keyLabel);
        Optional<Double> key = parser.apply(value);
        if (key.isEmpty()) {
          problems.accept(family, keyLabel + "=\"" + value + "\" is not " + expected + " in "
              + series.key());
          continue;
        }
        parts(byLabels, series.labels().without(keyLabel)).keyed.put(key.get(), series);
      } else if (suffix.equals("_sum")) {
        parts(byLabels, series.labels()).sum = series;
      } else {
        parts(byLabels, series.labels()).count = series;
      }
    }
    List<Group> groups = new ArrayList<>(byLabels.size());
    byLabels.forEach((labels, parts) -> groups.add(parts.toGroup(labels)));
    return groups;
  }

  private static Parts parts(Map<Labels, Parts> byLabels, Labels labels) {
    return byLabels.computeIfAbsent(labels, l -> new Parts());
  }

  /**
   * The series of one data point.
   *
   * @param labels the labels without {@code le} or {@code quantile}
   * @param keys bucket upper bounds or quantiles, ascending
   * @param keyed the bucket or quantile series of each key
   * @param sum the {@code _sum} series, or null when the family has none for these labels
   * @param count the {@code _count} series, or null when the family has none for these labels
   */
  record Group(Labels labels, double[] keys, Series[] keyed, Series sum, Series count) {

    /** Returns the latest value of each keyed series, in the order of the keys. */
    double[] latestKeyedValues() {
      double[] values = new double[keyed.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = keyed[i].latestValue();
      }
      return values;
    }

    /** Returns the latest value of a {@code _sum} or {@code _count} series, or NaN without one. */
    static double latestValue(Series series) {
      return series == null ? Double.NaN : series.latestValue();
    }
  }

  /** Keyed series by key, and the sum and count series, of one data point while grouping. */
  private static final class Parts {
    private final TreeMap<Double, Series> keyed = new TreeMap<>();
    private Series sum;
    private Series count;

    Group toGroup(Labels labels) {
      double[] keys = new double[keyed.size()];
      Series[] series = new Series[keyed.size()];
      int i = 0;
      for (Map.Entry<Double, Series> entry : keyed.entrySet()) {
        keys[i] = entry.getKey();
        series[i] = entry.getValue();
        i++;
      }
      return new Group(labels, keys, series, sum, count);
    }
  }
}
