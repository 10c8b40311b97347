package io.freightwatch.store;

import java.util.Objects;

/**
 * One value of one series as a collector produced it.
 *
 * @param name metric name in Prometheus form (snake_case, base units, {@code _total} for counters)
 * @param labels identifying labels, without the target labels the scheduler adds
 * @param value the value; NaN means "unknown" and is never turned into zero
 * @param type gauge, counter, or a part of a histogram or summary
 * @param help one-line description used in {@code # HELP} on export
 */
public record Sample(String name, Labels labels, double value, MetricType type, String help) {

  public Sample {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(type, "type");
    help = help == null ? "" : help;
    if (type == MetricType.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException("counter name must end in _total: " + name);
    }
    if (type == MetricType.HISTOGRAM) {
      checkHistogramPart(name, labels);
    }
    if (type == MetricType.SUMMARY) {
      checkSummaryPart(name, labels);
    }
  }

  public static Sample gauge(String name, String help, double value, Labels labels) {
    return new Sample(name, labels, value, MetricType.GAUGE, help);
  }

  public static Sample counter(String name, String help, double value, Labels labels) {
    return new Sample(name, labels, value, MetricType.COUNTER, help);
  }

  /**
   * Returns a sample of one series of a classic histogram: {@code <family>_bucket} with a
   * cumulative count in {@code value} and the bucket's upper bound in the {@code le} label, or
   * {@code <family>_sum} or {@code <family>_count} without {@code le}.
   */
  public static Sample histogram(String name, String help, double value, Labels labels) {
    return new Sample(name, labels, value, MetricType.HISTOGRAM, help);
  }

  /**
   * Returns a sample of one series of a summary: {@code <family>} with a {@code quantile} label,
   * or {@code <family>_sum} or {@code <family>_count} without it.
   */
  public static Sample summary(String name, String help, double value, Labels labels) {
    return new Sample(name, labels, value, MetricType.SUMMARY, help);
  }

  /** Name of the metric family this sample is exported in; see {@link MetricType#familyName}. */
  public String familyName() {
    return type.familyName(name);
  }

  /** Identity of the series this sample belongs to. */
  public SeriesKey key() {
    return new SeriesKey(name, labels);
  }

  private static void checkHistogramPart(String name, Labels labels) {
    if (name.endsWith("_bucket") != labels.has("le")) {
      throw new IllegalArgumentException("a histogram series has the le label exactly when its"
          + " name ends in _bucket; got " + name + labels);
    }
    if (!name.endsWith("_bucket") && !name.endsWith("_sum") && !name.endsWith("_count")) {
      throw new IllegalArgumentException("a histogram series name must end in _bucket, _sum or"
          + " _count: " + name);
    }
  }

  private static void checkSummaryPart(String name, Labels labels) {
    boolean isTotal = name.endsWith("_sum") || name.endsWith("_count");
    if (isTotal == labels.has("quantile")) {
      throw new IllegalArgumentException("a summary series has either the quantile label or a"
          + " name ending in _sum or _count; got " + name + labels);
    }
  }
}
