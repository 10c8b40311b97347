package io.freightwatch.store;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * A read view of one stored series: identity, type, latest value and recent history. Views are
 * only valid on the agent's event loop, during the call that obtained them.
 */
public final class Series {

  private final SeriesKey key;
  private final String owner;
  private final SampleHistory history = new SampleHistory();
  private MetricType type;
  private String help;
  private boolean present = true;
  private boolean stale;
  // The store's count of the last scrape of the owner that returned or retired this series.
  long lastScrape;

  Series(SeriesKey key, MetricType type, String help, String owner) {
    this.key = key;
    this.type = type;
    this.help = help;
    this.owner = owner;
  }

  public SeriesKey key() {
    return key;
  }

  public String name() {
    return key.name();
  }

  public Labels labels() {
    return key.labels();
  }

  public MetricType type() {
    return type;
  }

  /** Name of the metric family this series is exported in; see {@link MetricType#familyName}. */
  public String familyName() {
    return type.familyName(key.name());
  }

  public String help() {
    return help;
  }

  /** Whether the latest successful scrape of its target still returned this series. */
  public boolean isPresent() {
    return present;
  }

  /**
   * Whether the series' target failed its latest scrape, so its latest value may be out of date.
   * Rules hold alert states on stale series instead of resolving them.
   */
  public boolean isStale() {
    return stale;
  }

  public double latestValue() {
    return history.latestValue();
  }

  public Instant latestTime() {
    return Instant.ofEpochMilli(history.latestTime());
  }

  /**
   * Returns the increase of this counter over the samples in {@code (now - window, now]}: the sum
   * of the differences between consecutive samples, where a decrease counts as a reset to zero so
   * the new value is the increase. The first sample in the window is the baseline. Empty when the
   * window holds fewer than two samples.
   */
  public OptionalDouble increase(Instant now, Duration window) {
    long from = now.toEpochMilli() - window.toMillis();
    long to = now.toEpochMilli();
    double total = 0;
    double previous = Double.NaN;
    int counted = 0;
    for (int i = 0; i < history.size(); i++) {
      long time = history.timeAt(i);
      if (time <= from || time > to) {
        continue;
      }
      double value = history.valueAt(i);
      if (Double.isNaN(value)) {
        continue;
      }
      if (!Double.isNaN(previous)) {
        total += value >= previous ? value - previous : value;
      }
      previous = value;
      counted++;
    }
    return counted < 2 ? OptionalDouble.empty() : OptionalDouble.of(total);
  }

  /** Returns {@link #increase} divided by the window's length in seconds. */
  public OptionalDouble rate(Instant now, Duration window) {
    OptionalDouble increase = increase(now, window);
    double seconds = window.toMillis() / 1000.0;
    return increase.isPresent() ? OptionalDouble.of(increase.getAsDouble() / seconds) : increase;
  }

  /**
   * Visits the samples with a time in {@code [from, to]}, oldest first. NaN samples are included,
   * so that callers decide how to treat an unknown value.
   */
  public void forEachSample(Instant from, Instant to, SampleVisitor visitor) {
    long fromMillis = from.toEpochMilli();
    long toMillis = to.toEpochMilli();
    for (int i = firstIndexAtOrAfter(fromMillis); i < history.size(); i++) {
      long time = history.timeAt(i);
      if (time > toMillis) {
        break;
      }
      visitor.accept(time, history.valueAt(i));
    }
  }

  /**
   * Returns the latest value at or before {@code time} that is at most {@code lookback} older
   * than it, as a PromQL instant selector (or {@code offset}) would pick it; empty when there is
   * none or it is NaN.
   */
  public OptionalDouble valueAt(Instant time, Duration lookback) {
    long at = time.toEpochMilli();
    int after = firstIndexAtOrAfter(at + 1);
    if (after == 0) {
      return OptionalDouble.empty();
    }
    long sampleTime = history.timeAt(after - 1);
    double value = history.valueAt(after - 1);
    if (at - sampleTime > lookback.toMillis() || Double.isNaN(value)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value);
  }

  /** Receives one sample: its time in epoch milliseconds and its value. */
  @FunctionalInterface
  public interface SampleVisitor {
    void accept(long timeMillis, double value);
  }

  private int firstIndexAtOrAfter(long millis) {
    int low = 0;
    int high = history.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (history.timeAt(middle) < millis) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  String owner() {
    return owner;
  }

  SampleHistory history() {
    return history;
  }

  void update(MetricType newType, String newHelp, long timeMillis, double value) {
    type = newType;
    help = newHelp;
    history.add(timeMillis, value);
    present = true;
    stale = false;
  }

  void markAbsent() {
    present = false;
  }

  void markStale(boolean value) {
    stale = value;
  }
}
