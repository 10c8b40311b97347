package io.freightwatch.slo;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Series;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Turns the samples of counter series into increases, series by series, so that a sum over
 * several processes is taken only after each process' resets are handled.
 *
 * <ul>
 *   <li>The first sample of a series whose process (by default the {@code instance} label) was
 *       never seen before is a baseline only, because its value contains the whole history of the
 *       process.
 *   <li>A series that appears on a process already seen (the first 503 of a Traefik service)
 *       counts from 0, so its first value is an increase.
 *   <li>A value below the previous one, or a change of the process' start time, is a restart: the
 *       new value is the increase. Nothing is extrapolated over the time before the restart.
 *   <li>A series that disappears contributes nothing more; it is never taken as a drop to 0.
 * </ul>
 *
 * <p>Not thread-safe: owned by the agent's event loop.
 */
public final class CounterDeltas {

  private final String processLabel;
  private final Map<Labels, Last> last = new HashMap<>();
  private final Set<String> knownProcesses = new HashSet<>();
  private final Map<String, Double> startTimes = new HashMap<>();
  private final Set<String> restarted = new HashSet<>();

  /** Creates deltas whose process is named by the {@code instance} label. */
  public CounterDeltas() {
    this("instance");
  }

  /**
   * Creates deltas whose process is named by {@code processLabel}, such as {@code tenant} for
   * counters that the agent derives from one tenant database.
   */
  public CounterDeltas(String processLabel) {
    this.processLabel = Objects.requireNonNull(processLabel, "processLabel");
  }

  /**
   * Marks processes as seen, for example the targets whose latest scrape succeeded, so that a
   * series appearing later on one of them counts from 0 even when the process had no series yet.
   */
  public void markProcessesKnown(Collection<String> processes) {
    knownProcesses.addAll(processes);
  }

  /** Receives the increase of one series between two of its samples. */
  @FunctionalInterface
  public interface IncreaseSink {
    /**
     * @param labels the series
     * @param fromMillis time of the earlier sample; equal to {@code toMillis} for a series that
     *     counts from 0
     * @param toMillis time of the later sample, to which the increase is attributed
     * @param increase above 0
     */
    void accept(Labels labels, long fromMillis, long toMillis, double increase);
  }

  /**
   * Records the start time of each process, from a series such as {@code
   * process_start_time_seconds} keyed by the {@code instance} label. A changed value marks the
   * process restarted for the next samples of its series.
   */
  public void observeStartTimes(List<Series> startTimeSeries) {
    for (Series series : startTimeSeries) {
      String process = series.labels().get(processLabel);
      double start = series.latestValue();
      if (Double.isNaN(start)) {
        continue;
      }
      Double previous = startTimes.put(process, start);
      if (previous != null && previous != start) {
        restarted.add(process);
      }
    }
  }

  /**
   * Reads every sample of {@code series} newer than the last one seen, up to {@code now}, and
   * passes each increase to {@code sink}.
   */
  public void update(List<Series> series, Instant now, IncreaseSink sink) {
    Set<String> seenNow = new HashSet<>();
    for (Series one : series) {
      String process = one.labels().get(processLabel);
      seenNow.add(process);
      Last state = last.get(one.labels());
      boolean newOnKnownProcess = state == null && knownProcesses.contains(process);
      Instant from = state == null ? Instant.EPOCH : Instant.ofEpochMilli(state.timeMillis + 1);
      Last[] current = {state};
      boolean[] countFromZero = {newOnKnownProcess};
      boolean[] restart = {restarted.contains(process)};
      one.forEachSample(from, now, (time, value) -> {
        if (Double.isNaN(value)) {
          return;
        }
        if (current[0] == null) {
          current[0] = new Last(time, value);
          if (countFromZero[0] && value > 0) {
            sink.accept(one.labels(), time, time, value);
          }
          return;
        }
        double increase = restart[0] || value < current[0].value ? value : value - current[0].value;
        long previousTime = current[0].timeMillis;
        restart[0] = false;
        current[0] = new Last(time, value);
        if (increase > 0) {
          sink.accept(one.labels(), previousTime, time, increase);
        }
      });
      if (current[0] != null) {
        last.put(one.labels(), current[0]);
      }
    }
    knownProcesses.addAll(seenNow);
    restarted.removeAll(seenNow);
  }

  /** Returns the last value seen of a series, for tests and the API. */
  public OptionalDouble lastValue(Labels labels) {
    Last state = last.get(labels);
    return state == null ? OptionalDouble.empty() : OptionalDouble.of(state.value);
  }

  private record Last(long timeMillis, double value) {}
}
