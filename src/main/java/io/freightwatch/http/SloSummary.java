package io.freightwatch.http;

import io.freightwatch.config.Durations;
import io.freightwatch.slo.SloStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SLO's state as the status page shows it.
 *
 * @param name SLO name
 * @param objective target share of good events, in (0, 1)
 * @param window length of the error budget window, as configured (for example {@code 28d})
 * @param errorBudgetRemainingRatio share of the error budget left: 1 when nothing was spent, 0
 *     when spent, below 0 when overspent
 * @param burnRates burn rate per window, shortest window first
 * @param timeToExhaustion time until the budget is spent at the current burn rate; empty when the
 *     budget is not burning
 */
public record SloSummary(
    String name,
    double objective,
    String window,
    double errorBudgetRemainingRatio,
    List<BurnRate> burnRates,
    Optional<Duration> timeToExhaustion) {

  public SloSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    burnRates = List.copyOf(burnRates);
    Objects.requireNonNull(timeToExhaustion, "timeToExhaustion");
  }

  /** Returns the summary of an SLO engine status. */
  public static SloSummary of(SloStatus status) {
    List<BurnRate> burns = new ArrayList<>();
    for (SloStatus.WindowBurn burn : status.windows()) {
      burns.add(new BurnRate(Durations.format(burn.window()), burn.burnRate()));
    }
    return new SloSummary(status.spec().name(), status.spec().objective(),
        status.spec().window().describe(), status.errorBudgetRemainingRatio(), burns,
        status.timeToExhaustion());
  }

  /**
   * Burn rate over one window.
   *
   * @param window the window's length as text, for example {@code 1h}
   * @param burnRate error ratio divided by the error budget ratio; 1 spends the budget exactly
   *     over the SLO window
   */
  public record BurnRate(String window, double burnRate) {

    public BurnRate {
      Objects.requireNonNull(window, "window");
    }
  }
}
