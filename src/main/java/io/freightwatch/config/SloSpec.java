package io.freightwatch.config;

import io.freightwatch.config.RuleSpec.Comparison;
import io.freightwatch.config.RuleSpec.Severity;
import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One service level objective with its error budget and burn-rate alerts.
 *
 * @param name SLO name, unique across rule files; the {@code slo} label of its metrics and alerts
 * @param location file and line where the SLO starts, for messages
 * @param labels labels that name the SLO's owner, such as {@code tenant} or {@code service}
 * @param objective target ratio of good events, in (0, 1), e.g. 0.999
 * @param window the span the error budget covers
 * @param sli how good and total events are counted
 * @param minEvents fewest events a long burn-rate window must hold before it can alert; below it
 *     the burn rate is reported but does not fire
 * @param tiers burn-rate alert tiers, already scaled to the window
 * @param impact what a burning budget means for the operation; its severity is unused, each tier
 *     has its own
 */
public record SloSpec(
    String name,
    String location,
    Map<String, String> labels,
    double objective,
    Window window,
    Sli sli,
    double minEvents,
    List<BurnTier> tiers,
    RuleSpec.Impact impact) {

  public SloSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    labels = Map.copyOf(labels);
    if (!(objective > 0 && objective < 1)) {
      throw new IllegalArgumentException("objective must be in (0, 1): " + objective);
    }
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(sli, "sli");
    tiers = List.copyOf(tiers);
    Objects.requireNonNull(impact, "impact");
  }

  /**
   * Returns a text that is equal for two SLOs exactly when they differ at most in their file
   * location. A reload keeps the counts of SLOs whose signature did not change.
   */
  public String signature() {
    return new SloSpec(name, "", labels, objective, window, sli, minEvents, tiers, impact)
        .toString();
  }

  /**
   * Returns the default multiwindow tiers for {@code window}: for 30 days, page at 14.4 over 1h
   * and 5m and at 6 over 6h and 30m, ticket at 3 over 1d and 2h and at 1 over 3d and 6h; other
   * windows scale the durations (to whole minutes) and keep the factors.
   */
  public static List<BurnTier> defaultTiers(Duration window) {
    return SloReader.scaledDefaults(window);
  }

  /** Share of events allowed to be bad: {@code 1 - objective}. */
  public double errorBudgetRatio() {
    return 1 - objective;
  }

  /**
   * The span of the error budget: a rolling duration, or the calendar month so far in a zone.
   *
   * @param rolling length of a rolling window; for a calendar month, 30 days (used to scale tiers)
   * @param calendarMonth whether the budget restarts on the first day of each month
   * @param zone time zone in which months start
   */
  public record Window(Duration rolling, boolean calendarMonth, ZoneId zone) {
    public Window {
      Objects.requireNonNull(rolling, "rolling");
      Objects.requireNonNull(zone, "zone");
    }

    /** Returns {@code calendar month} or the rolling length, in days when whole: {@code 30d}. */
    public String describe() {
      if (calendarMonth) {
        return "calendar month";
      }
      return rolling.toSeconds() % 86400 == 0 ? rolling.toDays() + "d"
          : Durations.format(rolling);
    }
  }

  /** Source of an SLO's good and total events. */
  public sealed interface Sli {
    /** Metric names the SLI reads. */
    List<String> signals();
  }

  /**
   * Good and total events from counters. The latency and business-event forms become this one: a
   * histogram's bucket at the threshold counts good events and its {@code _count} all events.
   *
   * @param good counter of good events, or of bad events when {@code countsBad}
   * @param goodLe when set, {@code good} is a {@code _bucket} series and only buckets whose {@code
   *     le} equals this bound are read (compared as numbers, so {@code 0.3} matches {@code 0.30})
   * @param total counter of all events
   * @param countsBad whether {@code good} counts bad events (errors) instead
   * @param restartSignal metric holding each process' start time (such as {@code
   *     process_start_time_seconds}), joined on the {@code instance} label; a change means the
   *     process restarted and its counters start again from 0. Empty when not used.
   */
  public record EventRatio(
      Selector good,
      Optional<Double> goodLe,
      Selector total,
      boolean countsBad,
      Optional<String> restartSignal)
      implements Sli {
    public EventRatio {
      Objects.requireNonNull(good, "good");
      Objects.requireNonNull(goodLe, "goodLe");
      Objects.requireNonNull(total, "total");
      Objects.requireNonNull(restartSignal, "restartSignal");
    }

    @Override
    public List<String> signals() {
      return List.of(good.signal(), total.signal());
    }
  }

  /**
   * Fraction of minutes in which a condition holds, for example replica lag below 30 seconds. A
   * minute is good when every matching series met the condition at every evaluation in it, and is
   * not counted when no series was known.
   */
  public record TimeSlice(Selector selector, Comparison comparison, double threshold)
      implements Sli {
    public TimeSlice {
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(comparison, "comparison");
    }

    @Override
    public List<String> signals() {
      return List.of(selector.signal());
    }
  }

  /** A metric name and label matchers. */
  public record Selector(String signal, List<LabelMatcher> matchers) {
    public Selector {
      Objects.requireNonNull(signal, "signal");
      matchers = List.copyOf(matchers);
    }
  }

  /**
   * One multiwindow burn-rate alert: fires when the burn rate exceeds {@code factor} over both the
   * long and the short window.
   *
   * @param name tier name, the {@code tier} label: {@code page} or {@code ticket} by default
   * @param severity severity of the tier's alerts
   * @param factor burn rate bound; 1 spends the budget exactly over the SLO window
   * @param longWindow window that shows the budget is really being spent
   * @param shortWindow window that shows it is still being spent, so the alert resolves soon after
   *     the burn stops
   */
  public record BurnTier(
      String name, Severity severity, double factor, Duration longWindow, Duration shortWindow) {
    public BurnTier {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(longWindow, "longWindow");
      Objects.requireNonNull(shortWindow, "shortWindow");
    }
  }
}
