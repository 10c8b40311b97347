package io.freightwatch.store;

/** How a series' value behaves over time, which decides how rates and exports treat it. */
public enum MetricType {
  /** A value that can go up and down; exported as a Prometheus gauge. */
  GAUGE,
  /** A monotonically increasing count whose decrease means a reset; exported as a counter. */
  COUNTER
}
