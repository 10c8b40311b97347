package io.freightwatch.slo;

/**
 * Bad and total event counts of one SLO, per minute for the burn-rate windows and per hour for the
 * error budget window, in fixed ring arrays: about 24 bytes per minute slot. Minutes are epoch
 * minutes. Not thread-safe: owned by the agent's event loop.
 */
final class MinuteCounts {

  private final int minuteSlots;
  private final long[] minuteKeys;
  private final double[] minuteBad;
  private final double[] minuteTotal;
  private final int hourSlots;
  private final long[] hourKeys;
  private final double[] hourBad;
  private final double[] hourTotal;
  private long firstMinute = Long.MAX_VALUE;

  /**
   * @param minutes minutes kept at minute resolution, the longest burn-rate window
   * @param hours hours kept for the budget window
   */
  MinuteCounts(int minutes, int hours) {
    minuteSlots = minutes + 2;
    minuteKeys = filled(minuteSlots);
    minuteBad = new double[minuteSlots];
    minuteTotal = new double[minuteSlots];
    hourSlots = hours + 2;
    hourKeys = filled(hourSlots);
    hourBad = new double[hourSlots];
    hourTotal = new double[hourSlots];
  }

  /** Adds events to a minute; an addition to a minute too old for the rings is dropped. */
  void add(long minute, double bad, double total) {
    firstMinute = Math.min(firstMinute, minute);
    int slot = (int) Math.floorMod(minute, (long) minuteSlots);
    if (minuteKeys[slot] != minute) {
      if (minuteKeys[slot] > minute) {
        addToHour(minute, bad, total);
        return;
      }
      minuteKeys[slot] = minute;
      minuteBad[slot] = 0;
      minuteTotal[slot] = 0;
    }
    minuteBad[slot] += bad;
    minuteTotal[slot] += total;
    addToHour(minute, bad, total);
  }

  /**
   * Returns bad and total events of the minutes in {@code (fromMinute, toMinute]}. Spans longer
   * than three hours add whole hours from the hour ring and only their ragged ends minute by
   * minute, so a 3-day window costs about 200 additions instead of 4,320.
   */
  Counts minutes(long fromMinute, long toMinute) {
    if (toMinute - fromMinute <= 180) {
      return scanMinutes(fromMinute, toMinute);
    }
    long firstHourStart = Math.floorDiv(fromMinute + 60, 60L) * 60;
    long lastHourEnd = Math.floorDiv(toMinute + 1, 60L) * 60 - 1;
    Counts head = scanMinutes(fromMinute, firstHourStart - 1);
    Counts whole = hours(firstHourStart / 60 - 1, (lastHourEnd + 1) / 60 - 1);
    Counts tail = scanMinutes(lastHourEnd, toMinute);
    return new Counts(head.bad() + whole.bad() + tail.bad(),
        head.total() + whole.total() + tail.total());
  }

  private Counts scanMinutes(long fromMinute, long toMinute) {
    double bad = 0;
    double total = 0;
    long first = Math.max(fromMinute + 1, toMinute - minuteSlots + 1);
    for (long minute = first; minute <= toMinute; minute++) {
      int slot = (int) Math.floorMod(minute, (long) minuteSlots);
      if (minuteKeys[slot] == minute) {
        bad += minuteBad[slot];
        total += minuteTotal[slot];
      }
    }
    return new Counts(bad, total);
  }

  /** Returns bad and total events of the hours in {@code (fromHour, toHour]}. */
  Counts hours(long fromHour, long toHour) {
    double bad = 0;
    double total = 0;
    long first = Math.max(fromHour + 1, toHour - hourSlots + 1);
    for (long hour = first; hour <= toHour; hour++) {
      int slot = (int) Math.floorMod(hour, (long) hourSlots);
      if (hourKeys[slot] == hour) {
        bad += hourBad[slot];
        total += hourTotal[slot];
      }
    }
    return new Counts(bad, total);
  }

  private void addToHour(long minute, double bad, double total) {
    long hour = Math.floorDiv(minute, 60L);
    int slot = (int) Math.floorMod(hour, (long) hourSlots);
    if (hourKeys[slot] != hour) {
      if (hourKeys[slot] > hour) {
        return;
      }
      hourKeys[slot] = hour;
      hourBad[slot] = 0;
      hourTotal[slot] = 0;
    }
    hourBad[slot] += bad;
    hourTotal[slot] += total;
  }

  private static long[] filled(int size) {
    long[] keys = new long[size];
    java.util.Arrays.fill(keys, Long.MIN_VALUE);
    return keys;
  }

  /** Returns the earliest minute ever added, or {@link Long#MAX_VALUE} before the first. */
  long firstMinute() {
    return firstMinute;
  }

  /** Bad and total events of a span. */
  record Counts(double bad, double total) {}
}
