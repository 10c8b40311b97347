package io.freightwatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Upper bound on delivery attempts to one receiver: at most {@code count} attempts per {@code
 * period}. Attempts over the limit wait; none is dropped.
 *
 * @param count attempts allowed per period; 0 means no limit
 * @param period length of the period
 */
public record RateLimit(int count, Duration period) {

  public static final RateLimit NONE = new RateLimit(0, Duration.ofMinutes(1));

  public RateLimit {
    if (count < 0) {
      throw new IllegalArgumentException("count must be 0 or more, got " + count);
    }
    Objects.requireNonNull(period, "period");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be above zero, got " + period);
    }
  }

  public boolean isLimited() {
    return count > 0;
  }
}
