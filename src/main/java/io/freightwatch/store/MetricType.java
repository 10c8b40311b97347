package io.freightwatch.store;

/** How a series' value behaves over time, which decides how rates and exports treat it. */
public enum MetricType {
  /** A value that can go up and down; exported as a Prometheus gauge. */
  GAUGE,
  /** A monotonically increasing count whose decrease means a reset; exported as a counter. */
  COUNTER,
  /**
   * One series of a classic Prometheus histogram: a cumulative {@code <family>_bucket} series with
   * an {@code le} label, or the family's {@code _sum} or {@code _count}. Each only grows, except
   * at a reset, so rates and increases treat them as counters. The series of one family are
   * exported together as one histogram.
   */
  HISTOGRAM,
  /**
   * One series of a Prometheus summary: a {@code <family>} series with a {@code quantile} label,
   * or the family's {@code _sum} or {@code _count}. The series of one family are exported together
   * as one summary.
   */
  SUMMARY;

  /**
   * Returns the name of the family that a series of this type belongs to: its own name for gauges,
   * counters and summary quantiles, and the name without {@code _bucket}, {@code _sum} or {@code
   * _count} for the other parts of histograms and summaries.
   */
  public String familyName(String seriesName) {
    return switch (this) {
      case GAUGE, COUNTER -> seriesName;
      case HISTOGRAM -> withoutSuffix(seriesName, "_bucket", "_sum", "_count");
      case SUMMARY -> withoutSuffix(seriesName, "_sum", "_count");
    };
  }

  private static String withoutSuffix(String name, String... suffixes) {
    for (String suffix : suffixes) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
