package io.freightwatch.lab;

/**
 * Turns a rate per second into whole events per tick, carrying the fraction over so that the
 * long-run count matches the rate. Not thread-safe.
 */
final class TickRate {

  private final double perSecond;
  private double carried;

  TickRate(double perSecond) {
    if (!(perSecond >= 0)) {
      throw new IllegalArgumentException("perSecond: got " + perSecond + "; expected >= 0");
    }
    this.perSecond = perSecond;
  }

  /** Returns the number of events due in a tick of {@code tickSeconds}. */
  int take(double tickSeconds) {
    carried += perSecond * tickSeconds;
    int due = (int) Math.floor(carried);
    carried -= due;
    return due;
  }
}
