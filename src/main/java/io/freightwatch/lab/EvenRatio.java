package io.freightwatch.lab;

/**
 * Picks a given share of events, spread evenly instead of drawn at random: after {@code n} calls
 * with the same ratio, exactly {@code floor(n * ratio)} of them returned true. The lab uses it
 * where tests compare a measured ratio with the configured one. Not thread-safe.
 */
final class EvenRatio {

  private long calls;
  private long picked;
  private double ratio = Double.NaN;

  /** Returns whether this event is picked; a new ratio restarts the count. */
  boolean next(double newRatio) {
    if (newRatio != ratio) {
      ratio = newRatio;
      calls = 0;
      picked = 0;
    }
    calls++;
    long due = (long) Math.floor(calls * ratio + 1e-9);
    if (due > picked) {
      picked++;
      return true;
    }
    return false;
  }
}
