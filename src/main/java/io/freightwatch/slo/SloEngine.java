package io.freightwatch.slo;

import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.SloSpec;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesIndex;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.store.durable.DurableStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.mvstore.MVMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every SLO: counts its events per minute from the store, keeps the per-minute history in
 * the durable store so that the budget is the same after a restart, and publishes the {@code
 * freightwatch_slo_*} metrics.
 *
 * <p>Used from the agent's event loop, except {@link #prepare}, which reads history from disk and
 * runs on a worker thread. Map writes are in memory; the caller commits the durable store from a
 * worker thread.
 */
public final class SloEngine {

  /** Prefix of the durable map that contains an SLO's minutes: {@code slo-minutes/<name>}. */
  public static final String MAP_PREFIX = "slo-minutes/";

  private static final Logger LOG = LoggerFactory.getLogger(SloEngine.class);
  private static final long MINUTE_MILLIS = 60_000;
  /** Minutes kept beyond the SLO window, so a longer window after a reload finds history. */
  private static final Duration EXTRA_RETENTION = Duration.ofDays(2);

  private final SeriesStore store;
  private final Optional<DurableStore> durable;
  private OperationalCalendar calendar;
  private volatile Map<String, SloTracker> trackers = new LinkedHashMap<>();
  private List<SloStatus> statuses = List.of();
  /**
   * Label sets of the metrics, kept between evaluations: the store compares a sample's labels
   * with its series' on every write, and the same object compares at once.
   */
  private final Map<String, Labels> metricLabels = new java.util.HashMap<>();
  /** Label sets of {@code freightwatch_slo_burn_rate}, by SLO name and window. */
  private final Map<String, Map<Duration, Labels>> windowLabels = new java.util.HashMap<>();
  private long lastPruneHour = Long.MIN_VALUE;

  /**
   * @param durable where minute history is kept; empty keeps it in memory only
   */
  public SloEngine(SeriesStore store, OperationalCalendar calendar,
      Optional<DurableStore> durable) {
    this.store = store;
    this.calendar = calendar;
    this.durable = durable;
  }

  /**
   * Builds trackers for {@code specs}, reusing the unchanged ones of this engine and loading the
   * history of the others from the durable store. Blocking: call it from a worker thread, then
   * pass the result to {@link #install} on the event loop.
   */
  public Prepared prepare(List<SloSpec> specs, Instant now) {
    Map<String, SloTracker> current = trackers;
    Map<String, SloTracker> next = new LinkedHashMap<>();
    for (SloSpec spec : specs) {
      SloTracker existing = current.get(spec.name());
      if (existing != null && existing.spec().signature().equals(spec.signature())) {
        next.put(spec.name(), existing);
      } else {
        SloTracker tracker = new SloTracker(spec);
        durable.ifPresent(store -> load(store, tracker, now));
        next.put(spec.name(), tracker);
      }
    }
    return new Prepared(next);
  }

  /** Replaces the SLOs with prepared ones; the event-loop half of a reload. */
  public void install(Prepared prepared) {
    trackers = prepared.trackers;
    metricLabels.clear();
    windowLabels.clear();
  }

  /** Replaces the calendar whose maintenance windows stop budget burn. */
  public void setCalendar(OperationalCalendar calendar) {
    this.calendar = calendar;
  }

  /** Counts new events of every SLO, stores the changed minutes and writes the metrics. */
  public void update(Instant now) {
    update(now, new SeriesIndex(store));
  }

  /** As {@link #update(Instant)}, selecting series through an index of the store as it is now. */
  public void update(Instant now, SeriesIndex index) {
    List<SloStatus> next = new ArrayList<>(trackers.size());
    for (SloTracker tracker : trackers.values()) {
      boolean maintenance = isInMaintenance(tracker.spec(), now);
      tracker.update(index, now, instant -> isInMaintenance(tracker.spec(), instant));
      durable.ifPresent(d -> save(d, tracker));
      next.add(tracker.status(now, maintenance));
    }
    statuses = List.copyOf(next);
    prune(now);
    writeMetrics(now);
  }

  /** Returns the statuses of the latest {@link #update}. */
  public List<SloStatus> statuses() {
    return statuses;
  }

  public Optional<SloStatus> status(String name) {
    return statuses.stream().filter(s -> s.spec().name().equals(name)).findFirst();
  }

  public List<SloSpec> specs() {
    return trackers.values().stream().map(SloTracker::spec).toList();
  }

  private boolean isInMaintenance(SloSpec spec, Instant now) {
    return calendar.siteFor(Labels.of(spec.labels()))
        .flatMap(site -> site.maintenanceAt(now))
        .isPresent();
  }

  private static void load(DurableStore durable, SloTracker tracker, Instant now) {
    MVMap<Long, double[]> map = durable.map(MAP_PREFIX + tracker.spec().name());
    long from = Math.floorDiv(now.minus(retention(tracker.spec())).toEpochMilli(), MINUTE_MILLIS);
    int loaded = 0;
    for (var cursor = map.cursor(from); cursor.hasNext(); ) {
      long minute = cursor.next();
      double[] counts = cursor.getValue();
      tracker.restore(minute, counts[0], counts[1]);
      loaded++;
    }
    LOG.info("slo history loaded slo={} minutes={}", tracker.spec().name(), loaded);
  }

  private static void save(DurableStore durable, SloTracker tracker) {
    List<Long> minutes = tracker.drainTouched();
    if (minutes.isEmpty()) {
      return;
    }
    MVMap<Long, double[]> map = durable.map(MAP_PREFIX + tracker.spec().name());
    for (long minute : minutes) {
      MinuteCounts.Counts counts = tracker.minute(minute);
      map.put(minute, new double[] {counts.bad(), counts.total()});
    }
  }

  private void prune(Instant now) {
    long hour = Math.floorDiv(now.toEpochMilli(), 3_600_000L);
    if (durable.isEmpty() || hour == lastPruneHour) {
      return;
    }
    lastPruneHour = hour;
    for (SloTracker tracker : trackers.values()) {
      MVMap<Long, double[]> map = durable.get().map(MAP_PREFIX + tracker.spec().name());
      long oldest = Math.floorDiv(now.minus(retention(tracker.spec())).toEpochMilli(),
          MINUTE_MILLIS);
      Long key = map.firstKey();
      while (key != null && key < oldest) {
        map.remove(key);
        key = map.higherKey(key);
      }
    }
  }

  private static Duration retention(SloSpec spec) {
    Duration window = spec.window().calendarMonth() ? Duration.ofDays(31)
        : spec.window().rolling();
    return window.plus(EXTRA_RETENTION);
  }

  private void writeMetrics(Instant now) {
    List<Sample> samples = new ArrayList<>();
    for (SloStatus status : statuses) {
      String name = status.spec().name();
      Labels labels = metricLabels.computeIfAbsent(name,
          n -> Labels.of(status.spec().labels()).with("slo", n));
      samples.add(Sample.gauge("freightwatch_slo_objective_ratio",
          "Objective of the SLO: the share of events that must be good.",
          status.spec().objective(), labels));
      samples.add(Sample.gauge("freightwatch_slo_sli_ratio",
          "Share of good events over the SLO window; 1 without events.",
          status.sliRatio(), labels));
      samples.add(Sample.gauge("freightwatch_slo_error_budget_remaining_ratio",
          "Share of the error budget left over the SLO window; below 0 when overspent.",
          status.errorBudgetRemainingRatio(), labels));
      samples.add(Sample.gauge("freightwatch_slo_window_events",
          "Events counted over the SLO window.", status.events(), labels));
      samples.add(Sample.gauge("freightwatch_slo_in_maintenance",
          "1 while a maintenance window stops the SLO's budget from burning.",
          status.inMaintenance() ? 1 : 0, labels));
      Map<Duration, Labels> byWindow = windowLabels.computeIfAbsent(name,
          n -> new java.util.HashMap<>());
      for (SloStatus.WindowBurn burn : status.windows()) {
        Labels burnLabels = byWindow.computeIfAbsent(burn.window(),
            window -> labels.with("window", io.freightwatch.config.Durations.format(window)));
        samples.add(Sample.gauge("freightwatch_slo_burn_rate",
            "Error ratio over the window divided by the error budget ratio; 0 without events.",
            burn.burnRate(), burnLabels));
      }
      status.timeToExhaustion().ifPresent(left -> samples.add(Sample.gauge(
          "freightwatch_slo_time_to_exhaustion_seconds",
          "Time until the error budget is spent at the current burn rate; absent while the"
              + " budget is not burning.", left.toSeconds(), labels)));
    }
    store.applyScrape("slo", samples, now);
  }

  /** Trackers built off the event loop, ready for {@link #install}. */
  public static final class Prepared {
    private final Map<String, SloTracker> trackers;

    private Prepared(Map<String, SloTracker> trackers) {
      this.trackers = trackers;
    }
  }
}
