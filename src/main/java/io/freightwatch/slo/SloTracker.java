package io.freightwatch.slo;

import io.freightwatch.config.SloSpec;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesIndex;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Counts the good and bad events of one SLO per minute and computes its error budget and burn
 * rates. Not thread-safe: owned by the agent's event loop, except {@link #restore}, which runs
 * before the tracker is handed to it.
 */
final class SloTracker {

  private static final long MINUTE_MILLIS = 60_000;

  private final SloSpec spec;
  private final List<Duration> windows;
  private final MinuteCounts counts;
  private final CounterDeltas counted = new CounterDeltas();
  private final CounterDeltas totals = new CounterDeltas();
  private final TreeSet<Long> touched = new TreeSet<>();
  private long sliceMinute = Long.MIN_VALUE;
  private boolean sliceBad;

  SloTracker(SloSpec spec) {
    this.spec = spec;
    TreeSet<Duration> distinct = new TreeSet<>();
    spec.tiers().forEach(tier -> {
      distinct.add(tier.longWindow());
      distinct.add(tier.shortWindow());
    });
    this.windows = List.copyOf(distinct);
    int longestMinutes = (int) distinct.stream().mapToLong(Duration::toMinutes).max().orElse(60);
    int budgetHours = (int) (spec.window().calendarMonth() ? 31 * 24
        : spec.window().rolling().toHours() + 1);
    this.counts = new MinuteCounts(longestMinutes, budgetHours);
  }

  SloSpec spec() {
    return spec;
  }

  /** Adds one stored minute; used when loading history after a restart. */
  void restore(long minute, double bad, double total) {
    counts.add(minute, bad, total);
  }

  /**
   * Reads the SLI's series up to {@code now} and adds their events. An increase between two
   * samples is not counted when either sample falls in a maintenance window: the counters still
   * advance, but the budget does not burn.
   */
  void update(SeriesIndex store, Instant now, Predicate<Instant> inMaintenance) {
    if (spec.sli() instanceof SloSpec.EventRatio ratio) {
      updateRatio(store, ratio, now, inMaintenance);
    } else {
      updateTimeSlice(store, (SloSpec.TimeSlice) spec.sli(), now, inMaintenance.test(now));
    }
  }

  /** Returns the minutes changed since the last call, with their current counts. */
  List<Long> drainTouched() {
    List<Long> minutes = new ArrayList<>(touched);
    touched.clear();
    return minutes;
  }

  MinuteCounts.Counts minute(long minute) {
    return counts.minutes(minute - 1, minute);
  }

  SloStatus status(Instant now, boolean inMaintenance) {
    long nowMinute = Math.floorDiv(now.toEpochMilli(), MINUTE_MILLIS);
    double budgetRatio = spec.errorBudgetRatio();
    List<SloStatus.WindowBurn> burns = new ArrayList<>(windows.size());
    for (Duration window : windows) {
      long from = nowMinute - window.toMinutes();
      MinuteCounts.Counts c = counts.minutes(from, nowMinute);
      double expected = expectedTotal(c, from, nowMinute, window.toMinutes());
      burns.add(new SloStatus.WindowBurn(window, c.total(), c.bad(),
          BurnRates.burnRate(c.bad(), expected, budgetRatio), c.total() >= spec.minEvents()));
    }
    MinuteCounts.Counts budget = budgetCounts(now);
    double remaining = BurnRates.budgetRemaining(budget.bad(),
        expectedTotal(budget, budgetStartMinute(now), nowMinute, budgetMinutes(now)), budgetRatio);
    Duration current = spec.tiers().stream().map(SloSpec.BurnTier::longWindow)
        .min(Duration::compareTo).orElse(Duration.ofHours(1));
    double currentBurn = burns.stream().filter(b -> b.window().equals(current))
        .mapToDouble(SloStatus.WindowBurn::burnRate).findFirst().orElse(0);
    Optional<Duration> exhaustion =
        BurnRates.timeToExhaustion(remaining, currentBurn, spec.window().rolling());
    return new SloStatus(spec, now, budget.total(), budget.bad(), remaining, burns, exhaustion,
        inMaintenance);
  }

  /**
   * Returns the events a window would hold if the history covered all of it: the total seen in
   * the minutes {@code (fromMinute, toMinute]}, scaled by the share of those minutes that passed
   * since the first observation. The minutes before it count as good at the observed rate, so a
   * new SLO, or one whose history was lost, starts with its whole budget instead of judging a
   * 30-day window by its first few minutes. A fully observed window is left as it is.
   *
   * @param spanMinutes the window's full length, which for a calendar month runs past now
   */
  private double expectedTotal(MinuteCounts.Counts observed, long fromMinute, long toMinute,
      long spanMinutes) {
    long covered = toMinute - Math.max(fromMinute, counts.firstMinute() - 1);
    if (covered <= 0 || observed.total() <= 0) {
      return 0;
    }
    return covered >= spanMinutes ? observed.total() : observed.total() * spanMinutes / covered;
  }

  /** Returns the epoch minute just before the budget window starts. */
  private long budgetStartMinute(Instant now) {
    if (spec.window().calendarMonth()) {
      return monthStart(now).toInstant().toEpochMilli() / MINUTE_MILLIS - 1;
    }
    return Math.floorDiv(now.toEpochMilli(), MINUTE_MILLIS) - spec.window().rolling().toMinutes();
  }

  /** Returns the budget window's length in minutes: the whole month for a calendar month. */
  private long budgetMinutes(Instant now) {
    if (spec.window().calendarMonth()) {
      ZonedDateTime start = monthStart(now);
      return Duration.between(start, start.plusMonths(1)).toMinutes();
    }
    return spec.window().rolling().toMinutes();
  }

  private ZonedDateTime monthStart(Instant now) {
    return now.atZone(spec.window().zone()).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
  }

  /**
   * Counts of the budget window, at hour resolution: a rolling window covers the current hour
   * and the whole hours before it, a calendar month the hours since the month began.
   */
  private MinuteCounts.Counts budgetCounts(Instant now) {
    long nowHour = Math.floorDiv(now.toEpochMilli(), 3_600_000L);
    long fromHour;
    if (spec.window().calendarMonth()) {
      fromHour = Math.floorDiv(monthStart(now).toInstant().toEpochMilli(), 3_600_000L) - 1;
    } else {
      fromHour = nowHour - spec.window().rolling().toHours();
    }
    return counts.hours(fromHour, nowHour);
  }

  private void updateRatio(SeriesIndex store, SloSpec.EventRatio ratio, Instant now,
      Predicate<Instant> inMaintenance) {
    ratio.restartSignal().ifPresent(signal -> {
      List<Series> starts = store.select(signal, List.of());
      counted.observeStartTimes(starts);
      totals.observeStartTimes(starts);
    });
    List<Series> countedSeries = store.select(ratio.good().signal(), ratio.good().matchers());
    if (ratio.goodLe().isPresent()) {
      double bound = ratio.goodLe().get();
      countedSeries = countedSeries.stream().filter(s -> hasBound(s.labels(), bound)).toList();
    }
    boolean countsBad = ratio.countsBad();
    counted.update(countedSeries, now, (labels, from, to, increase) -> {
      if (!isMaintenance(inMaintenance, from, to)) {
        // A good event is recorded as a negative bad one; the total below adds it back.
        add(to, countsBad ? increase : -increase, 0);
      }
    });
    totals.update(store.select(ratio.total().signal(), ratio.total().matchers()), now,
        (labels, from, to, increase) -> {
          if (!isMaintenance(inMaintenance, from, to)) {
            add(to, countsBad ? 0 : increase, increase);
          }
        });
  }

  private void updateTimeSlice(SeriesIndex store, SloSpec.TimeSlice slice, Instant now,
      boolean inMaintenance) {
    if (inMaintenance) {
      return;
    }
    boolean known = false;
    boolean holds = true;
    for (Series series : store.select(slice.selector().signal(), slice.selector().matchers())) {
      double value = series.latestValue();
      if (series.isStale() || Double.isNaN(value)) {
        continue;
      }
      known = true;
      holds &= slice.comparison().test(value, slice.threshold());
    }
    if (!known) {
      return;
    }
    long minute = Math.floorDiv(now.toEpochMilli(), MINUTE_MILLIS);
    if (minute != sliceMinute) {
      sliceMinute = minute;
      sliceBad = false;
      add(now.toEpochMilli(), 0, 1);
    }
    if (!holds && !sliceBad) {
      sliceBad = true;
      add(now.toEpochMilli(), 1, 0);
    }
  }

  private static boolean isMaintenance(Predicate<Instant> inMaintenance, long from, long to) {
    return inMaintenance.test(Instant.ofEpochMilli(from))
        || inMaintenance.test(Instant.ofEpochMilli(to));
  }

  private void add(long timeMillis, double bad, double total) {
    long minute = Math.floorDiv(timeMillis, MINUTE_MILLIS);
    counts.add(minute, bad, total);
    touched.add(minute);
  }

  private static boolean hasBound(Labels labels, double bound) {
    String le = labels.get("le");
    try {
      return !le.isEmpty() && Double.parseDouble(le.replace("+Inf", "Infinity")) == bound;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
