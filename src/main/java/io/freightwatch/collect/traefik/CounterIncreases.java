package io.freightwatch.collect.traefik;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Counter state of one target: turns the counter values of each successful scrape into increases
 * since the previous successful scrape. Only successful scrapes are recorded, so after failed ones
 * the next increase spans the whole gap.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>The first scrape is a baseline: its values carry the whole history of the target process,
 *       so it yields no increase at all.
 *   <li>A series that appears in a later scrape counts from 0: its first event just happened, for
 *       example the first HTTP 503 of a service.
 *   <li>A value below the previous one means the counter was reset, and the increase is the new
 *       value. Traffic between the previous scrape and the reset is lost, not extrapolated.
 *   <li>A changed {@code process_start_time_seconds} means the target restarted, so every series
 *       counts from 0 even where its new value happens to be above the old one.
 *   <li>A series missing from the scrape contributes 0 and is forgotten, and no increase is ever
 *       negative.
 * </ul>
 *
 * <p>Values that are NaN or infinite are skipped, and the previous value of their series is kept.
 * Not thread-safe: one instance belongs to one collector, used on its context.
 *
 * @param <K> series identity
 */
public final class CounterIncreases<K> {

  // NOTE: the state lives in memory only, so the first scrape after an agent restart is a
  // baseline again and one interval of increases is lost. Persisting the values together with
  // process_start_time_seconds, and trusting them only when that time still matches, would fix it.
  private Map<K, Double> previous = Map.of();
  private OptionalDouble lastStartTimeSeconds = OptionalDouble.empty();
  private boolean hasBaseline;

  /**
   * Records the counter values of one successful scrape and returns their increases.
   *
   * @param values current value of every counter series of the scrape
   * @param processStartTimeSeconds the target's {@code process_start_time_seconds}, or empty when
   *     the target does not expose it (then only decreases reveal resets)
   */
  public Increases<K> record(Map<K, Double> values, OptionalDouble processStartTimeSeconds) {
    Objects.requireNonNull(values, "values");
    boolean restarted =
        hasBaseline
            && processStartTimeSeconds.isPresent()
            && lastStartTimeSeconds.isPresent()
            && processStartTimeSeconds.getAsDouble() != lastStartTimeSeconds.getAsDouble();
    Map<K, Double> increases = new HashMap<>();
    Map<K, Double> next = new HashMap<>(values.size() * 4 / 3 + 1);
    for (Map.Entry<K, Double> entry : values.entrySet()) {
      double value = entry.getValue();
      Double before = previous.get(entry.getKey());
      if (!Double.isFinite(value)) {
        if (before != null) {
          next.put(entry.getKey(), before);
        }
        continue;
      }
      next.put(entry.getKey(), value);
      if (hasBaseline) {
        increases.put(entry.getKey(), increase(before, value, restarted));
      }
    }
    boolean baseline = !hasBaseline;
    previous = next;
    hasBaseline = true;
    if (processStartTimeSeconds.isPresent()) {
      lastStartTimeSeconds = processStartTimeSeconds;
    }
    return new Increases<>(baseline, restarted, increases);
  }

  private static double increase(Double before, double value, boolean restarted) {
    if (before == null || restarted || value < before) {
      return Math.max(0, value);
    }
    return value - before;
  }

  /**
   * Increases of one scrape.
   *
   * @param isBaseline true for the first scrape, which has no increases
   * @param isRestart true when {@code process_start_time_seconds} changed since the previous scrape
   * @param bySeries increase of each series present in the scrape, never negative
   */
  public record Increases<K>(boolean isBaseline, boolean isRestart, Map<K, Double> bySeries) {

    public Increases {
      bySeries = Map.copyOf(bySeries);
    }

    /** Returns the increase of {@code series}, 0 when it was absent from the scrape. */
    public double of(K series) {
      return bySeries.getOrDefault(series, 0.0);
    }
  }
}
