package io.freightwatch.rules;

import io.freightwatch.store.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * {@code increase} and {@code rate} of a counter over a window, computed as Prometheus 2.x does,
 * so that a rule exported to Prometheus fires at the same evaluation step as in the agent.
 *
 * <p>The window is {@code [now - window, now]}, both ends included (Prometheus 2.x range
 * selectors; 3.x excludes the start). The raw increase between the first and the last sample
 * counts a drop as a reset to 0, and is then extrapolated towards the window's edges: by the gap
 * to each edge when that gap is under 1.1 average sample intervals, by half an interval otherwise,
 * and never to before the counter would have been 0. With samples on both edges no extrapolation
 * happens. Empty when the window holds fewer than two samples.
 *
 * <p>Not thread-safe; one instance per evaluating thread.
 */
final class RangeFunctions implements Series.SampleVisitor {

  private long firstTime;
  private double firstValue;
  private long lastTime;
  private double lastValue;
  private double rawIncrease;
  private int count;

  OptionalDouble increase(Series series, Instant now, Duration window) {
    long rangeStart = now.toEpochMilli() - window.toMillis();
    long rangeEnd = now.toEpochMilli();
    count = 0;
    rawIncrease = 0;
    series.forEachSample(Instant.ofEpochMilli(rangeStart), now, this);
    if (count < 2) {
      return OptionalDouble.empty();
    }
    double sampledSeconds = (lastTime - firstTime) / 1000.0;
    double averageInterval = sampledSeconds / (count - 1);
    double toStart = (firstTime - rangeStart) / 1000.0;
    double toEnd = (rangeEnd - lastTime) / 1000.0;
    if (rawIncrease > 0 && firstValue >= 0) {
      double toZero = sampledSeconds * (firstValue / rawIncrease);
      toStart = Math.min(toStart, toZero);
    }
    double threshold = averageInterval * 1.1;
    double extrapolated = sampledSeconds;
    extrapolated += toStart < threshold ? toStart : averageInterval / 2;
    extrapolated += toEnd < threshold ? toEnd : averageInterval / 2;
    return OptionalDouble.of(rawIncrease * (extrapolated / sampledSeconds));
  }

  OptionalDouble rate(Series series, Instant now, Duration window) {
    OptionalDouble increase = increase(series, now, window);
    if (increase.isEmpty()) {
      return increase;
    }
    return OptionalDouble.of(increase.getAsDouble() / (window.toMillis() / 1000.0));
  }

  @Override
  public void accept(long timeMillis, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    if (count == 0) {
      firstTime = timeMillis;
      firstValue = value;
    } else {
      rawIncrease += value >= lastValue ? value - lastValue : value;
    }
    lastTime = timeMillis;
    lastValue = value;
    count++;
  }
}
