package io.freightwatch.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * In-memory store of every series the agent collected, with a bounded history per series for
 * windowed functions. Each series belongs to one owner (a scrape target): a successful scrape
 * replaces its owner's series, a failed scrape marks them stale and keeps their last values.
 *
 * <p>Not thread-safe: the agent's event loop owns the store, and other threads get snapshots.
 */
public final class SeriesStore {

  private final Duration retention;
  private Predicate<String> keepsHistory = name -> true;
  private final Map<SeriesKey, Series> series = new HashMap<>();
  private final Map<String, List<Series>> byOwner = new HashMap<>();
  private final Map<String, List<Series>> byName = new HashMap<>();
  private long version;
  private long scrapeCount;

  /**
   * @param retention how far back history is kept; windows longer than this see fewer samples
   */
  public SeriesStore(Duration retention) {
    this.retention = retention;
  }

  public Duration retention() {
    return retention;
  }

  /**
   * Keeps the history of the retention only for series named in {@code names}, the signals that
   * rules and SLOs read. Series of other names keep their latest sample, which is all that
   * {@code /metrics} and the exports show. With hundreds of tenants most series are never read by
   * a rule, and their history would be most of the heap. Until this is called every series keeps
   * its history; a later call applies from each series' next scrape on.
   */
  public void keepHistoryOnlyFor(Set<String> names) {
    Set<String> namesWithHistory = Set.copyOf(names);
    keepsHistory = namesWithHistory::contains;
  }

  /**
   * Returns a number that changes whenever a series is added or removed or becomes present or
   * absent, so that an index of the store can tell when it must be rebuilt.
   */
  public long version() {
    return version;
  }

  /**
   * Records a successful scrape of {@code owner}: every sample is appended to its series, and the
   * owner's series missing from {@code samples} are marked absent. Two samples with the same key
   * keep the first one.
   *
   * <p>Each sample costs one map lookup. The owner's series are kept as a list, and a series
   * records the last scrape that saw it, so finding the missing ones needs no lookups.
   */
  public void applyScrape(String owner, List<Sample> samples, Instant time) {
    long millis = time.toEpochMilli();
    long scrape = ++scrapeCount;
    List<Series> previous = byOwner.getOrDefault(owner, List.of());
    List<Series> current = new ArrayList<>(Math.max(samples.size(), previous.size()));
    for (Sample sample : samples) {
      SeriesKey key = sample.key();
      Series existing = series.get(key);
      if (existing == null) {
        version++;
        existing = new Series(key, sample.type(), sample.help(), owner);
        series.put(key, existing);
        byName.computeIfAbsent(key.name(), n -> new ArrayList<>()).add(existing);
      } else if (!existing.owner().equals(owner)) {
        // Two targets produced the same series. The later write wins and takes ownership, so
        // that the failure of the first target does not mark the other's data stale.
        List<Series> formerOwner = byOwner.get(existing.owner());
        if (formerOwner != null) {
          formerOwner.remove(existing);
        }
        version++;
        Series moved = new Series(key, sample.type(), sample.help(), owner);
        replace(existing, moved);
        existing = moved;
      }
      if (!existing.history().isEmpty() && existing.history().latestTime() >= millis) {
        continue;
      }
      if (!existing.isPresent()) {
        version++;
      }
      existing.update(sample.type(), sample.help(), millis, sample.value());
      existing.lastScrape = scrape;
      current.add(existing);
    }
    for (Series earlier : previous) {
      if (earlier.lastScrape != scrape && earlier.owner().equals(owner)) {
        if (earlier.isPresent()) {
          version++;
        }
        earlier.markAbsent();
        earlier.markStale(false);
        earlier.lastScrape = scrape;
        current.add(earlier);
      }
    }
    byOwner.put(owner, current);
    trim(current, time);
  }

  /** Marks every series of {@code owner} stale after a failed scrape. */
  public void markFailed(String owner) {
    for (Series stale : byOwner.getOrDefault(owner, List.of())) {
      if (stale.isPresent()) {
        stale.markStale(true);
      }
    }
  }

  /** Forgets every series of {@code owner}, for example a tenant that was removed. */
  public void removeOwner(String owner) {
    version++;
    for (Series removed : byOwner.getOrDefault(owner, List.of())) {
      series.remove(removed.key());
      removeFromName(removed);
    }
    byOwner.remove(owner);
  }

  /**
   * Returns the present series named {@code name} whose labels match every matcher. Stale series
   * are included, with {@link Series#isStale()} set.
   */
  public List<Series> select(String name, Collection<LabelMatcher> matchers) {
    List<Series> named = byName.getOrDefault(name, List.of());
    List<Series> result = new ArrayList<>();
    for (Series candidate : named) {
      if (!candidate.isPresent()) {
        continue;
      }
      boolean matches = true;
      for (LabelMatcher matcher : matchers) {
        if (!matcher.matches(candidate.labels())) {
          matches = false;
          break;
        }
      }
      if (matches) {
        result.add(candidate);
      }
    }
    return result;
  }

  /** Returns every present series, grouped by metric name. */
  public Map<String, List<Series>> presentByName() {
    Map<String, List<Series>> result = new HashMap<>();
    byName.forEach((name, list) -> {
      List<Series> present = new ArrayList<>(list.size());
      for (Series candidate : list) {
        if (candidate.isPresent()) {
          present.add(candidate);
        }
      }
      if (!present.isEmpty()) {
        result.put(name, present);
      }
    });
    return result;
  }

  public int size() {
    return series.size();
  }

  private void replace(Series old, Series replacement) {
    series.put(old.key(), replacement);
    List<Series> named = byName.get(old.key().name());
    named.set(named.indexOf(old), replacement);
    for (int i = 0; i < old.history().size(); i++) {
      replacement.history().add(old.history().timeAt(i), old.history().valueAt(i));
    }
  }

  /**
   * Drops the owner's samples past the retention, and its absent series once no sample of them is
   * left inside it. Only the scraped owner's series are visited, so a scrape costs the same
   * whatever the number of other targets.
   */
  private void trim(List<Series> owned, Instant now) {
    long oldest = now.minus(retention).toEpochMilli();
    int kept = 0;
    for (int i = 0; i < owned.size(); i++) {
      Series candidate = owned.get(i);
      long keptFrom = keepsHistory.test(candidate.name()) ? oldest : Long.MAX_VALUE;
      candidate.history().trimBefore(keptFrom);
      if (!candidate.isPresent() && candidate.history().latestTime() < oldest) {
        version++;
        series.remove(candidate.key());
        removeFromName(candidate);
        continue;
      }
      owned.set(kept++, candidate);
    }
    owned.subList(kept, owned.size()).clear();
  }

  private void removeFromName(Series removed) {
    List<Series> named = byName.get(removed.name());
    if (named != null) {
      named.remove(removed);
      if (named.isEmpty()) {
        byName.remove(removed.name());
      }
    }
  }
}
