package io.freightwatch.notify;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongUnaryOperator;

/**
 * Wait before the next delivery attempt: the initial backoff doubled after each failure, capped at
 * the maximum, with up to 20 % jitter, and never shorter than the receiver's Retry-After. The
 * jitter is added while that stays within the maximum, so no retry comes sooner than the doubled
 * backoff; at the maximum it is subtracted, so no wait exceeds max_backoff unless Retry-After requests more.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final LongUnaryOperator jitter;

  /**
   * @param jitter given a bound {@code n}, returns a random number from 0 to {@code n - 1}
   */
  Backoff(Duration initial, Duration max, LongUnaryOperator jitter) {
    this.initial = initial;
    this.max = max;
    this.jitter = jitter;
  }

  /** Returns the wait after failed attempt number {@code failures} (1 for the first failure). */
  Duration after(int failures, Optional<Duration> retryAfter) {
    long base = initial.toMillis();
    long exponential = base << Math.min(Math.max(failures - 1, 0), 20);
    long capped = Math.min(Math.max(exponential, base), max.toMillis());
    // Jitter spreads the retries of agents that failed at the same moment.
    long spread = jitter.applyAsLong(capped / 5 + 1);
    long jittered = capped + spread <= max.toMillis() ? capped + spread : capped - spread;
    long requested = retryAfter.map(Duration::toMillis).orElse(0L);
    return Duration.ofMillis(Math.max(jittered, requested));
  }
}
