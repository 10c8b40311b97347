package io.freightwatch.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Circuit breaker of one receiver. After {@code threshold} consecutive failed attempts it opens and
 * allows no attempt for the cool-down; then one trial attempt may run (half-open). A success closes
 * it; a failed trial opens it again with twice the cool-down, up to {@code maxCooldown}. Pure state
 * driven by the instants it is given; used on one thread.
 */
final class CircuitBreaker {

  private final int threshold;
  private final Duration cooldown;
  private final Duration maxCooldown;
  private int failures;
  private Duration currentCooldown;
  private Instant openUntil;
  private boolean trialRunning;

  CircuitBreaker(int threshold, Duration cooldown, Duration maxCooldown) {
    this.threshold = threshold;
    this.cooldown = cooldown;
    this.maxCooldown = maxCooldown.compareTo(cooldown) < 0 ? cooldown : maxCooldown;
    this.currentCooldown = cooldown;
  }

  /**
   * Returns whether an attempt may start at {@code now}; a true result while open starts the trial.
   */
  boolean tryAcquire(Instant now) {
    if (openUntil == null) {
      return true;
    }
    if (trialRunning || now.isBefore(openUntil)) {
      return false;
    }
    trialRunning = true;
    return true;
  }

  void onSuccess() {
    failures = 0;
    openUntil = null;
    trialRunning = false;
    currentCooldown = cooldown;
  }

  void onFailure(Instant now) {
    failures++;
    if (trialRunning) {
      trialRunning = false;
      Duration doubled = currentCooldown.multipliedBy(2);
      currentCooldown = doubled.compareTo(maxCooldown) > 0 ? maxCooldown : doubled;
      openUntil = now.plus(currentCooldown);
    } else if (openUntil == null && failures >= threshold) {
      openUntil = now.plus(currentCooldown);
    }
  }

  boolean isOpen() {
    return openUntil != null;
  }

  /** Returns when the next trial may start, while the breaker is open. */
  Optional<Instant> reopensAt() {
    return trialRunning ? Optional.empty() : Optional.ofNullable(openUntil);
  }
}
