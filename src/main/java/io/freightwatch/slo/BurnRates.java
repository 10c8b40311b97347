package io.freightwatch.slo;

import java.time.Duration;
import java.util.Optional;

/** Error budget arithmetic that never yields NaN or infinity. */
public final class BurnRates {

  private BurnRates() {}

  /**
   * Returns the burn rate: the error ratio over the error budget ratio. Zero traffic burns
   * nothing, so it returns 0; more bad than total events (counters read at slightly different
   * times) counts as all bad.
   */
  public static double burnRate(double bad, double total, double errorBudgetRatio) {
    if (!(total > 0)) {
      return 0;
    }
    double errorRatio = Math.max(0, Math.min(1, bad / total));
    return errorRatio / errorBudgetRatio;
  }

  /** Returns the share of the error budget left after {@code bad} of {@code total} events. */
  public static double budgetRemaining(double bad, double total, double errorBudgetRatio) {
    return 1 - burnRate(bad, total, errorBudgetRatio);
  }

  /**
   * Returns how long the remaining budget lasts at {@code burnRate}; empty when nothing burns,
   * zero when the budget is already spent.
   *
   * @param window the SLO window; a burn rate of 1 spends a whole budget in it
   */
  public static Optional<Duration> timeToExhaustion(double remaining, double burnRate,
      Duration window) {
    if (!(burnRate > 0)) {
      return Optional.empty();
    }
    if (remaining <= 0) {
      return Optional.of(Duration.ZERO);
    }
    double seconds = remaining * window.toSeconds() / burnRate;
    return Optional.of(Duration.ofSeconds((long) Math.ceil(seconds)));
  }
}
