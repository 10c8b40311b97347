package io.freightwatch.store;

import java.util.Objects;

/**
 * One value of one series as a collector produced it.
 *
 * @param name metric name in Prometheus form (snake_case, base units, {@code _total} for counters)
 * @param labels identifying labels, without the target labels the scheduler adds
 * @param value the value; NaN means "unknown" and is never turned into zero
 * @param type gauge or counter
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
  }

  public static Sample gauge(String name, String help, double value, Labels labels) {
    return new Sample(name, labels, value, MetricType.GAUGE, help);
  }

  public static Sample counter(String name, String help, double value, Labels labels) {
    return new Sample(name, labels, value, MetricType.COUNTER, help);
  }

  /** Identity of the series this sample belongs to. */
  public SeriesKey key() {
    return new SeriesKey(name, labels);
  }
}
