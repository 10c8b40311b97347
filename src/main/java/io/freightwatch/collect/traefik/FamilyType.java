package io.freightwatch.collect.traefik;

/**
 * Type of a metric family as declared by its {@code # TYPE} line. Prometheus text calls an
 * undeclared type {@code untyped} and OpenMetrics calls it {@code unknown}. Both map to {@link
 * #UNKNOWN}.
 */
public enum FamilyType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  GAUGE_HISTOGRAM,
  SUMMARY,
  STATE_SET,
  INFO,
  UNKNOWN;

  /**
   * Returns true when a sample called {@code sampleName} belongs to a family of this type called
   * {@code familyName}: for example {@code x_bucket}, {@code x_sum}, {@code x_count} and {@code
   * x_created} for a histogram {@code x}. Counters accept their own name too, because Prometheus
   * text names the family {@code x_total} where OpenMetrics names it {@code x}.
   */
  boolean accepts(String familyName, String sampleName) {
    return switch (this) {
      case COUNTER -> hasSuffix(familyName, sampleName, "", "_total", "_created");
      case HISTOGRAM -> hasSuffix(familyName, sampleName, "_bucket", "_sum", "_count", "_created");
      case GAUGE_HISTOGRAM -> hasSuffix(familyName, sampleName, "_bucket", "_gsum", "_gcount");
      case SUMMARY -> hasSuffix(familyName, sampleName, "", "_sum", "_count", "_created");
      case INFO -> hasSuffix(familyName, sampleName, "_info");
      case GAUGE, STATE_SET, UNKNOWN -> sampleName.equals(familyName);
    };
  }

  /** Returns true when {@code sampleName} is {@code familyName} followed by one of the suffixes. */
  private static boolean hasSuffix(String familyName, String sampleName, String... suffixes) {
    if (!sampleName.startsWith(familyName)) {
      return false;
    }
    int suffixLength = sampleName.length() - familyName.length();
    for (String suffix : suffixes) {
      if (suffix.length() == suffixLength && sampleName.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }
}
