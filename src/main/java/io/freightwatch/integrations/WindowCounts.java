package io.freightwatch.integrations;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Failed and total calls of one integration and tenant over several sliding windows. Each added
 * increase is kept with its time until it leaves the longest window, and every window keeps a
 * running sum, so a call to {@link #advance} costs one step per increase that left a window.
 *
 * <p>Windows are {@code (now - window, now]}. An increase older than the newest one already added
 * is counted at the newest one's time, which moves it by at most the gap between two scrapes. Not
 * thread-safe: owned by the agent's event loop.
 */
final class WindowCounts {

  private final long[] windowMillis;
  private final double[] failedSums;
  private final double[] totalSums;
  private final long[] firstInWindow;
  private long[] times = new long[16];
  private double[] failed = new double[16];
  private double[] total = new double[16];
  private long firstKept;
  private long next;

  /** @param windows the windows, shortest first */
  WindowCounts(List<Duration> windows) {
    windowMillis = windows.stream().mapToLong(Duration::toMillis).toArray();
    failedSums = new double[windowMillis.length];
    totalSums = new double[windowMillis.length];
    firstInWindow = new long[windowMillis.length];
  }

  /** Adds failed and total calls counted at {@code timeMillis}. */
  void add(long timeMillis, double failedCalls, double totalCalls) {
    long sequence;
    if (next > firstKept && timeAt(next - 1) >= timeMillis) {
      sequence = next - 1;
      failed[slot(sequence)] += failedCalls;
      total[slot(sequence)] += totalCalls;
    } else {
      ensureCapacity();
      sequence = next++;
      times[slot(sequence)] = timeMillis;
      failed[slot(sequence)] = failedCalls;
      total[slot(sequence)] = totalCalls;
    }
    for (int i = 0; i < windowMillis.length; i++) {
      // A window that already let the increase's time go by never subtracts it, so it must not
      // add it either.
      if (firstInWindow[i] <= sequence) {
        failedSums[i] += failedCalls;
        totalSums[i] += totalCalls;
      }
    }
  }

  /** Drops the increases at or before {@code nowMillis - window} from each window's sums. */
  void advance(long nowMillis) {
    for (int i = 0; i < windowMillis.length; i++) {
      long cutoff = nowMillis - windowMillis[i];
      while (firstInWindow[i] < next && timeAt(firstInWindow[i]) <= cutoff) {
        failedSums[i] -= failed[slot(firstInWindow[i])];
        totalSums[i] -= total[slot(firstInWindow[i])];
        firstInWindow[i]++;
      }
      if (firstInWindow[i] == next) {
        // Reset to exact zero: the sums are whole numbers of calls in practice, but fractional
        // counter values would otherwise leave a rounding residue after the last subtraction.
        failedSums[i] = 0;
        totalSums[i] = 0;
      }
    }
    firstKept = windowMillis.length == 0 ? next : firstInWindow[windowMillis.length - 1];
  }

  /** Returns the failed calls in window {@code index} as of the latest {@link #advance}. */
  double failed(int index) {
    return Math.max(0, failedSums[index]);
  }

  /** Returns all calls in window {@code index} as of the latest {@link #advance}. */
  double total(int index) {
    return Math.max(0, totalSums[index]);
  }

  /** Returns true when no increase is left in any window. */
  boolean isEmpty() {
    return firstKept == next;
  }

  private long timeAt(long sequence) {
    return times[slot(sequence)];
  }

  private int slot(long sequence) {
    return (int) (sequence % times.length);
  }

  private void ensureCapacity() {
    if (next - firstKept < times.length) {
      return;
    }
    int size = times.length * 2;
    long[] newTimes = new long[size];
    double[] newFailed = new double[size];
    double[] newTotal = new double[size];
    for (long s = firstKept; s < next; s++) {
      int to = (int) (s % size);
      newTimes[to] = times[slot(s)];
      newFailed[to] = failed[slot(s)];
      newTotal[to] = total[slot(s)];
    }
    times = newTimes;
    failed = newFailed;
    total = newTotal;
  }

  @Override
  public String toString() {
    return "WindowCounts" + Arrays.toString(windowMillis) + " failed=" + Arrays.toString(failedSums)
        + " total=" + Arrays.toString(totalSums);
  }
}
