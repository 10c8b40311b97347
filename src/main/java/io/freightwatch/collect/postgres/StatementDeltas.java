package io.freightwatch.collect.postgres;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns successive readings of {@code pg_stat_statements} into what each statement did between
 * them, without ever producing a negative number.
 *
 * <p>Entries are cumulative since they were created, and both a full reset and the eviction of a
 * single entry start them again from zero. The rules, applied per entry:
 *
 * <ul>
 *   <li>The first reading is a baseline and yields nothing.
 *   <li>When {@code stats_reset} moved past the previous reading, every entry started after the
 *       reset, so its whole value belongs to the interval, which is partial: it covers the time
 *       from the reset only.
 *   <li>When the entry's {@code stats_since} (PostgreSQL 17+) is after the previous reading, the
 *       entry was created (or evicted and created again) inside the interval: its whole value
 *       counts, covering the time since {@code stats_since}.
 *   <li>An entry absent from the previous reading was created inside the interval, so its whole
 *       value counts too.
 *   <li>Without {@code stats_since} (PostgreSQL 16 and older), an entry present in both readings is
 *       unknown when {@code dealloc} rose, because an evicted and re-created entry can look like
 *       one that kept growing, or when any of its counters went down.
 *   <li>An entry that disappeared yields nothing.
 * </ul>
 *
 * <p>Entries are added up per database and query id over users and nesting level. A statement with
 * any unknown entry is left out as a whole, because a partial sum would understate it. Not
 * thread-safe: the owning collector serializes calls.
 */
final class StatementDeltas {

  private StatementSnapshot previous;

  /**
   * Records a reading and returns the interval since the previous one, or empty for the first
   * reading and when the server's clock went backwards.
   */
  Optional<StatementInterval> update(StatementSnapshot current) {
    Objects.requireNonNull(current, "current");
    StatementSnapshot before = previous;
    previous = current;
    if (before == null || !current.observedAt().isAfter(before.observedAt())) {
      return Optional.empty();
    }
    Instant start = before.observedAt();
    Instant end = current.observedAt();
    Optional<Instant> reset = resetInside(before, current);
    OptionalLong evicted = evictions(before, current, reset.isPresent());
    boolean evictedInside = evicted.isPresent() && evicted.getAsLong() > 0;

    Map<StatementRow.Key, StatementRow> earlier = new HashMap<>();
    before.rows().forEach(row -> earlier.put(row.key(), row));
    Map<GroupKey, StatementDelta> groups = new LinkedHashMap<>();
    Set<GroupKey> unknown = new HashSet<>();
    int unknownEntries = 0;
    for (StatementRow row : current.rows()) {
      GroupKey group = new GroupKey(row.key().dbId(), row.key().queryId());
      Optional<StatementDelta> delta =
          entryDelta(row, earlier.get(row.key()), start, end, reset, evictedInside);
      if (delta.isEmpty()) {
        unknownEntries++;
        unknown.add(group);
        continue;
      }
      groups.merge(group, delta.get(), StatementDelta::plus);
    }
    unknown.forEach(groups::remove);
    List<StatementDelta> statements = new ArrayList<>(groups.values());
    statements.sort(Comparator.comparingDouble(StatementDelta::execMillis).reversed());
    Instant coveredFrom = reset.filter(r -> r.isAfter(start)).orElse(start);
    return Optional.of(
        new StatementInterval(
            start,
            end,
            reset.isPresent(),
            Duration.between(coveredFrom, end),
            evicted,
            unknownEntries,
            statements));
  }

  private static Optional<Instant> resetInside(StatementSnapshot before, StatementSnapshot now) {
    if (now.statsReset().isEmpty()) {
      return Optional.empty();
    }
    Instant reset = now.statsReset().get();
    boolean changed = before.statsReset().map(r -> !r.equals(reset)).orElse(false);
    return reset.isAfter(before.observedAt()) || changed ? Optional.of(reset) : Optional.empty();
  }

  /** Returns the entries evicted in the interval, from the rise of {@code dealloc}. */
  private static OptionalLong evictions(
      StatementSnapshot before, StatementSnapshot now, boolean reset) {
    if (now.deallocations().isEmpty()) {
      return OptionalLong.empty();
    }
    long current = now.deallocations().getAsLong();
    // A full reset sets dealloc back to 0 as well, so its value counts from the reset.
    if (reset) {
      return OptionalLong.of(current);
    }
    if (before.deallocations().isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, current - before.deallocations().getAsLong()));
  }

  private static Optional<StatementDelta> entryDelta(
      StatementRow row,
      StatementRow earlier,
      Instant start,
      Instant end,
      Optional<Instant> reset,
      boolean evictedInside) {
    Optional<Instant> createdInside = row.statsSince().filter(since -> since.isAfter(start));
    if (reset.isPresent() || createdInside.isPresent() || earlier == null) {
      Instant from = start;
      if (reset.isPresent() && reset.get().isAfter(from)) {
        from = reset.get();
      }
      if (createdInside.isPresent() && createdInside.get().isAfter(from)) {
        from = createdInside.get();
      }
      return Optional.of(StatementDelta.whole(row, Duration.between(from, end)));
    }
    if (row.statsSince().isEmpty() && evictedInside) {
      return Optional.empty();
    }
    long calls = row.calls() - earlier.calls();
    double execMillis = row.totalExecMillis() - earlier.totalExecMillis();
    long rows = row.rows() - earlier.rows();
    long blocksRead = row.sharedBlocksRead() - earlier.sharedBlocksRead();
    if (calls < 0 || execMillis < 0 || rows < 0 || blocksRead < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new StatementDelta(
            row.key().dbId(),
            row.database(),
            row.key().queryId(),
            calls,
            execMillis,
            rows,
            blocksRead,
            row.maxExecMillis(),
            Duration.between(start, end)));
  }

  private record GroupKey(long dbId, long queryId) {}

  /**
   * Counts of one statement in an interval, summed over users and nesting levels.
   *
   * @param maxExecMillis the highest {@code max_exec_time} of its entries; this is a maximum since
   *     the entry was created, not within the interval
   * @param covered the part of the interval the numbers cover, shorter than the interval when the
   *     entry was created or reset inside it
   */
  record StatementDelta(
      long dbId,
      String database,
      long queryId,
      long calls,
      double execMillis,
      long rows,
      long sharedBlocksRead,
      double maxExecMillis,
      Duration covered) {

    static StatementDelta whole(StatementRow row, Duration covered) {
      return new StatementDelta(
          row.key().dbId(),
          row.database(),
          row.key().queryId(),
          row.calls(),
          row.totalExecMillis(),
          row.rows(),
          row.sharedBlocksRead(),
          row.maxExecMillis(),
          covered);
    }

    /** Returns the mean execution time per call in milliseconds, empty without calls. */
    Optional<Double> meanExecMillis() {
      return calls > 0 ? Optional.of(execMillis / calls) : Optional.empty();
    }

    StatementDelta plus(StatementDelta other) {
      return new StatementDelta(
          dbId,
          database,
          queryId,
          calls + other.calls,
          execMillis + other.execMillis,
          rows + other.rows,
          sharedBlocksRead + other.sharedBlocksRead,
          Math.max(maxExecMillis, other.maxExecMillis),
          covered.compareTo(other.covered) >= 0 ? covered : other.covered);
    }
  }

  /**
   * The statements of one interval between two readings.
   *
   * @param afterReset true when a full reset happened inside the interval
   * @param covered time from the later of the interval's start and the reset to its end
   * @param evictedEntries entries evicted in the interval, when the server reports it (14+)
   * @param unknownEntries entries whose interval could not be computed
   * @param statements known statements, highest execution time first
   */
  record StatementInterval(
      Instant start,
      Instant end,
      boolean afterReset,
      Duration covered,
      OptionalLong evictedEntries,
      int unknownEntries,
      List<StatementDelta> statements) {

    StatementInterval {
      statements = List.copyOf(statements);
    }

    /** Returns true when the numbers cover less than the whole interval. */
    boolean isPartial() {
      return covered.compareTo(Duration.between(start, end)) < 0;
    }
  }
}
