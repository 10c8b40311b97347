package io.freightwatch.slo;

import io.freightwatch.config.SloSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An SLO's state at one evaluation.
 *
 * @param spec the SLO
 * @param at when it was computed
 * @param events events in the error budget window
 * @param badEvents bad events in the error budget window
 * @param errorBudgetRemainingRatio share of the error budget left: 1 when nothing was spent or no
 *     event happened, 0 when spent, below 0 when overspent
 * @param windows burn rate over every window the burn-rate tiers use, shortest first
 * @param timeToExhaustion time until the budget is spent at the burn rate of the shortest long
 *     tier window; empty when the budget is not burning
 * @param inMaintenance whether a maintenance window stops the budget from burning now
 */
public record SloStatus(
    SloSpec spec,
    Instant at,
    double events,
    double badEvents,
    double errorBudgetRemainingRatio,
    List<WindowBurn> windows,
    Optional<Duration> timeToExhaustion,
    boolean inMaintenance) {

  public SloStatus {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(at, "at");
    windows = List.copyOf(windows);
    Objects.requireNonNull(timeToExhaustion, "timeToExhaustion");
  }

  /** Returns the burn over {@code window}, which must be one of the tiers' windows. */
  public WindowBurn window(Duration window) {
    for (WindowBurn burn : windows) {
      if (burn.window().equals(window)) {
        return burn;
      }
    }
    throw new IllegalArgumentException("SLO " + spec.name() + " has no burn window " + window);
  }

  /** Share of good events over the budget window; 1 when no event happened. */
  public double sliRatio() {
    return events <= 0 ? 1 : 1 - Math.min(1, badEvents / events);
  }

  /**
   * Burn over one window.
   *
   * @param window the window's length
   * @param events events in it
   * @param badEvents bad events in it
   * @param burnRate error ratio divided by the error budget ratio; 0 without events, never NaN
   *     or infinite
   * @param hasEnoughEvents whether the window holds at least the SLO's minimum event count
   */
  public record WindowBurn(Duration window, double events, double badEvents, double burnRate,
      boolean hasEnoughEvents) {}
}
