package io.freightwatch.export;

import io.freightwatch.store.MetricType;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable copy of the store's present series, taken on the agent's event loop so that the
 * OpenTelemetry SDK's export thread can read it without touching the store. NaN values are left
 * out, as on {@code /metrics}.
 *
 * @param families every series, histogram and summary parts included, grouped by series name
 * @param histograms the series of type {@link MetricType#HISTOGRAM} as data points, by family name
 * @param summaries the series of type {@link MetricType#SUMMARY} as data points, by family name
 */
public record StoreSnapshot(
    Map<String, Family> families,
    Map<String, Histogram> histograms,
    Map<String, Summary> summaries) {

  private static final Logger LOG = LoggerFactory.getLogger(StoreSnapshot.class);

  public StoreSnapshot {
    families = Map.copyOf(families);
    histograms = Map.copyOf(histograms);
    summaries = Map.copyOf(summaries);
  }

  /** Creates a snapshot without histogram or summary data points. */
  public StoreSnapshot(Map<String, Family> families) {
    this(families, Map.of(), Map.of());
  }

  /** Copies every present series of {@code store}; call on the store's event loop. */
  public static StoreSnapshot of(SeriesStore store) {
    Map<String, Family> families = new TreeMap<>();
    Map<String, List<Series>> histogramMembers = new TreeMap<>();
    Map<String, List<Series>> summaryMembers = new TreeMap<>();
    for (Map.Entry<String, List<Series>> entry : store.presentByName().entrySet()) {
      List<Point> points = new ArrayList<>();
      for (Series series : entry.getValue()) {
        if (!Double.isNaN(series.latestValue())) {
          points.add(new Point(new LinkedHashMap<>(series.labels().asMap()), series.latestValue()));
        }
        if (series.type() == MetricType.HISTOGRAM) {
          histogramMembers.computeIfAbsent(series.familyName(), n -> new ArrayList<>()).add(series);
        } else if (series.type() == MetricType.SUMMARY) {
          summaryMembers.computeIfAbsent(series.familyName(), n -> new ArrayList<>()).add(series);
        }
      }
      Series first = entry.getValue().get(0);
      families.put(entry.getKey(), new Family(entry.getKey(), first.type(), first.help(), points));
    }
    Map<String, Histogram> histograms = new TreeMap<>();
    histogramMembers.forEach((name, members) -> histograms.put(name, histogram(name, members)));
    Map<String, Summary> summaries = new TreeMap<>();
    summaryMembers.forEach((name, members) -> summaries.put(name, summary(name, members)));
    return new StoreSnapshot(families, histograms, summaries);
  }

  private static Histogram histogram(String name, List<Series> members) {
    List<HistogramPoint> points = new ArrayList<>();
    for (FamilyGrouping.Group group :
        FamilyGrouping.histogram(name, members, StoreSnapshot::logLeftOut)) {
      Optional<long[]> counts = FamilyGrouping.bucketCounts(group.latestKeyedValues());
      if (counts.isPresent()) {
        points.add(new HistogramPoint(group.labels().asMap(), boxed(group.keys()),
            Arrays.stream(counts.get()).boxed().toList(),
            FamilyGrouping.Group.latestValue(group.sum())));
      }
    }
    return new Histogram(name, members.get(0).help(), points);
  }

  private static Summary summary(String name, List<Series> members) {
    List<SummaryPoint> points = new ArrayList<>();
    for (FamilyGrouping.Group group :
        FamilyGrouping.summary(name, members, StoreSnapshot::logLeftOut)) {
      List<Double> quantiles = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      double[] latest = group.latestKeyedValues();
      for (int i = 0; i < latest.length; i++) {
        if (!Double.isNaN(latest[i])) {
          quantiles.add(group.keys()[i]);
          values.add(latest[i]);
        }
      }
      double count = FamilyGrouping.Group.latestValue(group.count());
      double sum = FamilyGrouping.Group.latestValue(group.sum());
      if (!quantiles.isEmpty() || count >= 0 || !Double.isNaN(sum)) {
        points.add(new SummaryPoint(group.labels().asMap(), quantiles, values,
            count >= 0 ? count : Double.NaN, sum));
      }
    }
    return new Summary(name, members.get(0).help(), points);
  }

  // A snapshot is taken at every rule evaluation, and StoreMetrics already logs the same problem
  // once per family at WARN when /metrics is scraped, so the repeats here go to DEBUG.
  private static void logLeftOut(String family, String problem) {
    LOG.debug("series left out of the snapshot because it does not fit its family family={}"
        + " problem=\"{}\"", family, problem);
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  /** One metric name with its series. */
  public record Family(String name, MetricType type, String help, List<Point> points) {
    public Family {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(help, "help");
      points = List.copyOf(points);
    }
  }

  /** One series' labels and latest value. */
  public record Point(Map<String, String> labels, double value) {
    public Point {
      labels = Map.copyOf(labels);
    }
  }

  /** One histogram family with one data point per label set without {@code le}. */
  public record Histogram(String name, String help, List<HistogramPoint> points) {
    public Histogram {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(help, "help");
      points = List.copyOf(points);
    }
  }

  /**
   * One histogram data point.
   *
   * @param labels the series labels without {@code le}
   * @param upperBounds the bucket upper bounds in ascending order, the last one {@code +Inf}
   * @param bucketCounts the observations in each bucket alone (not cumulative), one per bound
   * @param sum the sum of the observations, or NaN when the family has no {@code _sum} series for
   *     these labels or its value is unknown
   */
  public record HistogramPoint(
      Map<String, String> labels, List<Double> upperBounds, List<Long> bucketCounts, double sum) {
    public HistogramPoint {
      labels = Map.copyOf(labels);
      upperBounds = List.copyOf(upperBounds);
      bucketCounts = List.copyOf(bucketCounts);
      if (upperBounds.size() != bucketCounts.size()) {
        throw new IllegalArgumentException("got " + upperBounds.size() + " upper bounds and "
            + bucketCounts.size() + " bucket counts; expected one count per bound");
      }
    }

    /** Returns the number of observations: the cumulative count of the {@code +Inf} bucket. */
    public long count() {
      long count = 0;
      for (long bucketCount : bucketCounts) {
        count += bucketCount;
      }
      return count;
    }
  }

  /** One summary family with one data point per label set without {@code quantile}. */
  public record Summary(String name, String help, List<SummaryPoint> points) {
    public Summary {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(help, "help");
      points = List.copyOf(points);
    }
  }

  /**
   * One summary data point. Unknown parts are left out: quantiles whose value is NaN, and a count
   * or sum without a series or with an unknown value, which are NaN here.
   *
   * @param labels the series labels without {@code quantile}
   * @param quantiles the quantiles in [0, 1] in ascending order
   * @param values the value of each quantile
   * @param count the number of observations, or NaN when unknown
   * @param sum the sum of the observations, or NaN when unknown
   */
  public record SummaryPoint(
      Map<String, String> labels,
      List<Double> quantiles,
      List<Double> values,
      double count,
      double sum) {
    public SummaryPoint {
      labels = Map.copyOf(labels);
      quantiles = List.copyOf(quantiles);
      values = List.copyOf(values);
      if (quantiles.size() != values.size()) {
        throw new IllegalArgumentException("got " + quantiles.size() + " quantiles and "
            + values.size() + " values; expected one value per quantile");
      }
    }
  }
}
