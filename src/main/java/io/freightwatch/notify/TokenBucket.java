package io.freightwatch.notify;

import io.freightwatch.config.RateLimit;
import java.time.Duration;
import java.time.Instant;

/**
 * Token bucket for a receiver's rate limit: up to {@code count} attempts in a burst, refilled
 * evenly over the period. Pure state driven by the instants it is given; used on one thread.
 */
final class TokenBucket {

  private final RateLimit limit;
  private double tokens;
  private Instant updatedAt;

  TokenBucket(RateLimit limit, Instant now) {
    this.limit = limit;
    this.tokens = limit.count();
    this.updatedAt = now;
  }

  /** Takes one token if there is one; always true without a limit. */
  boolean tryTake(Instant now) {
    if (!limit.isLimited()) {
      return true;
    }
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Returns when the next token is available, {@code now} when one is. */
  Instant nextTokenAt(Instant now) {
    if (!limit.isLimited()) {
      return now;
    }
    refill(now);
    if (tokens >= 1) {
      return now;
    }
    double missing = 1 - tokens;
    long nanos = (long) Math.ceil(missing * limit.period().toNanos() / limit.count());
    return now.plus(Duration.ofNanos(nanos));
  }

  private void refill(Instant now) {
    if (now.isAfter(updatedAt)) {
      double elapsed = Duration.between(updatedAt, now).toNanos();
      tokens = Math.min(limit.count(), tokens + elapsed * limit.count() / limit.period().toNanos());
      updatedAt = now;
    }
  }
}
