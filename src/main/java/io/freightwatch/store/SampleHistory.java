package io.freightwatch.store;

import java.util.Arrays;

/**
 * Time-ordered samples of one series, kept in two growable ring arrays so that a series costs 16
 * bytes per sample and no object per sample. Not thread-safe: owned by the agent's event loop.
 */
final class SampleHistory {

  // Most series keep only their latest sample, and hold two at most between an append and the
  // trim after it: with hundreds of tenants, a larger start would be most of the store's heap.
  // Series that keep history grow by doubling.
  private static final int INITIAL_CAPACITY = 2;

  private long[] times = new long[INITIAL_CAPACITY];
  private double[] values = new double[INITIAL_CAPACITY];
  private int start;
  private int size;

  void add(long timeMillis, double value) {
    if (size > 0 && timeMillis < timeAt(size - 1)) {
      throw new IllegalArgumentException("samples must be added in time order: " + timeMillis
          + " is before " + timeAt(size - 1));
    }
    if (size == times.length) {
      grow();
    }
    int index = (start + size) % times.length;
    times[index] = timeMillis;
    values[index] = value;
    size++;
  }

  /** Drops samples older than {@code oldestKeptMillis}, always keeping the latest one. */
  void trimBefore(long oldestKeptMillis) {
    while (size > 1 && times[start] < oldestKeptMillis) {
      start = (start + 1) % times.length;
      size--;
    }
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long timeAt(int i) {
    return times[(start + i) % times.length];
  }

  double valueAt(int i) {
    return values[(start + i) % values.length];
  }

  long latestTime() {
    return timeAt(size - 1);
  }

  double latestValue() {
    return valueAt(size - 1);
  }

  private void grow() {
    long[] newTimes = new long[times.length * 2];
    double[] newValues = new double[values.length * 2];
    for (int i = 0; i < size; i++) {
      newTimes[i] = timeAt(i);
      newValues[i] = valueAt(i);
    }
    times = newTimes;
    values = newValues;
    start = 0;
  }

  @Override
  public String toString() {
    long[] t = new long[size];
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      t[i] = timeAt(i);
      v[i] = valueAt(i);
    }
    return "SampleHistory" + Arrays.toString(t) + Arrays.toString(v);
  }
}
