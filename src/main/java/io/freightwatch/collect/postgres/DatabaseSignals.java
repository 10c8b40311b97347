package io.freightwatch.collect.postgres;

import io.freightwatch.collect.postgres.DatabaseStatsQuery.Counters;
import io.freightwatch.collect.postgres.DatabaseStatsQuery.DatabaseRow;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Per-database activity from {@code pg_stat_database}, as cumulative counters and as what happened
 * since the previous scrape, plus database sizes with their growth and a days-until-full forecast.
 *
 * <p>An interval is unknown for a database whose {@code stats_reset} changed or whose counters went
 * down, and for a database seen for the first time; then only the counters are reported. The
 * forecast fits a line through the total size (all databases plus {@code pg_wal}) over the last
 * {@link #GROWTH_WINDOW}, and needs at least two readings an hour apart. Not thread-safe: the
 * owning collector serializes calls.
 */
final class DatabaseSignals {

  static final String COMMITS = "freightwatch_postgres_database_commits_total";
  static final String ROLLBACKS = "freightwatch_postgres_database_rollbacks_total";
  static final String DEADLOCKS = "freightwatch_postgres_database_deadlocks_total";
  static final String TEMP_BYTES = "freightwatch_postgres_database_temp_bytes_total";
  static final String INTERVAL_DEADLOCKS = "freightwatch_postgres_database_interval_deadlocks";
  static final String INTERVAL_TEMP_BYTES = "freightwatch_postgres_database_interval_temp_bytes";
  static final String INTERVAL_ROLLBACKS = "freightwatch_postgres_database_interval_rollbacks";
  static final String CACHE_HIT_RATIO = "freightwatch_postgres_database_cache_hit_ratio";
  static final String ROLLBACK_RATIO = "freightwatch_postgres_database_rollback_ratio";
  static final String SIZE = "freightwatch_postgres_database_size_bytes";
  static final String USED = "freightwatch_postgres_volume_used_bytes";
  static final String VOLUME_SIZE = "freightwatch_postgres_volume_size_bytes";
  static final String GROWTH = "freightwatch_postgres_volume_growth_bytes_per_second";
  static final String UNTIL_FULL = "freightwatch_postgres_volume_seconds_until_full";

  static final Duration GROWTH_WINDOW = Duration.ofHours(24);
  static final Duration MIN_GROWTH_SPAN = Duration.ofHours(1);

  private final Map<String, DatabaseRow> previous = new HashMap<>();
  private final Map<String, Long> lastSizes = new HashMap<>();
  private final Deque<SizeReading> totals = new ArrayDeque<>();
  private long lastWalBytes = -1;

  /**
   * Records a reading and adds its samples.
   *
   * @param walBytes size of pg_wal read with this reading, or empty when not read or not readable
   * @param volumeSizeBytes the configured volume size, empty when not configured
   */
  void addSamples(Labels server, List<DatabaseRow> rows, OptionalLong walBytes,
      OptionalLong volumeSizeBytes, List<Sample> out) {
    Map<String, DatabaseRow> seen = new HashMap<>();
    boolean sizesRead = false;
    for (DatabaseRow row : rows) {
      Labels labels = server.with("database", row.database());
      addCounters(row.counters(), labels, out);
      addInterval(row, previous.get(row.database()), labels, out);
      seen.put(row.database(), row);
      if (row.sizeBytes().isPresent()) {
        sizesRead = true;
        lastSizes.put(row.database(), row.sizeBytes().getAsLong());
      }
    }
    previous.clear();
    previous.putAll(seen);
    lastSizes.keySet().retainAll(seen.keySet());
    walBytes.ifPresent(bytes -> lastWalBytes = bytes);
    lastSizes.forEach((database, bytes) -> out.add(Sample.gauge(SIZE,
        "Size of the database on disk, read every size_interval", bytes,
        server.with("database", database))));
    if (lastSizes.isEmpty()) {
      return;
    }
    long used = lastSizes.values().stream().mapToLong(Long::longValue).sum()
        + Math.max(0, lastWalBytes);
    if (sizesRead && !rows.isEmpty()) {
      recordTotal(rows.get(0).observedAt(), used);
    }
    addForecast(server, used, volumeSizeBytes, out);
  }

  private static void addCounters(Counters counters, Labels labels, List<Sample> out) {
    out.add(Sample.counter(COMMITS, "Transactions committed", counters.commits(), labels));
    out.add(Sample.counter(ROLLBACKS, "Transactions rolled back", counters.rollbacks(), labels));
    out.add(Sample.counter(DEADLOCKS, "Deadlocks detected", counters.deadlocks(), labels));
    out.add(Sample.counter(TEMP_BYTES, "Bytes written to temporary files by queries",
        counters.tempBytes(), labels));
  }

  private static void addInterval(DatabaseRow row, DatabaseRow earlier, Labels labels,
      List<Sample> out) {
    if (earlier == null || !earlier.statsReset().equals(row.statsReset())) {
      return;
    }
    Counters delta = row.counters().minus(earlier.counters());
    if (delta == null) {
      return;
    }
    out.add(Sample.gauge(INTERVAL_DEADLOCKS, "Deadlocks since the previous scrape",
        delta.deadlocks(), labels));
    out.add(Sample.gauge(INTERVAL_TEMP_BYTES,
        "Bytes written to temporary files since the previous scrape", delta.tempBytes(), labels));
    out.add(Sample.gauge(INTERVAL_ROLLBACKS, "Transactions rolled back since the previous scrape",
        delta.rollbacks(), labels));
    long reads = delta.blocksHit() + delta.blocksRead();
    if (reads > 0) {
      out.add(Sample.gauge(CACHE_HIT_RATIO,
          "Share of block reads served from shared buffers since the previous scrape",
          (double) delta.blocksHit() / reads, labels));
    }
    long transactions = delta.commits() + delta.rollbacks();
    if (transactions > 0) {
      out.add(Sample.gauge(ROLLBACK_RATIO,
          "Share of transactions rolled back since the previous scrape",
          (double) delta.rollbacks() / transactions, labels));
    }
  }

  private void recordTotal(Instant at, long used) {
    if (!totals.isEmpty() && !at.isAfter(totals.peekLast().at())) {
      return;
    }
    totals.addLast(new SizeReading(at, used));
    while (totals.peekFirst().at().isBefore(at.minus(GROWTH_WINDOW))) {
      totals.removeFirst();
    }
  }

  private void addForecast(Labels server, long used, OptionalLong volumeSizeBytes,
      List<Sample> out) {
    out.add(Sample.gauge(USED, "Bytes of all databases plus pg_wal", used, server));
    volumeSizeBytes.ifPresent(size -> out.add(Sample.gauge(VOLUME_SIZE,
        "Configured size of the volume that holds the data directory", size, server)));
    OptionalDouble growth = growthBytesPerSecond(totals);
    if (growth.isEmpty()) {
      return;
    }
    out.add(Sample.gauge(GROWTH,
        "Growth of the used bytes, from a line fitted over the last 24 hours", growth.getAsDouble(),
        server));
    if (volumeSizeBytes.isPresent() && growth.getAsDouble() > 0) {
      double free = Math.max(0, volumeSizeBytes.getAsLong() - used);
      out.add(Sample.gauge(UNTIL_FULL,
          "Seconds until the used bytes reach the volume size at the current growth; absent while"
              + " not growing",
          free / growth.getAsDouble(), server));
    }
  }

  /** Returns the least-squares slope of the readings, or empty with less than an hour of data. */
  static OptionalDouble growthBytesPerSecond(Deque<SizeReading> readings) {
    if (readings.size() < 2) {
      return OptionalDouble.empty();
    }
    Instant first = readings.peekFirst().at();
    if (Duration.between(first, readings.peekLast().at()).compareTo(MIN_GROWTH_SPAN) < 0) {
      return OptionalDouble.empty();
    }
    double n = readings.size();
    double sumX = 0;
    double sumY = 0;
    double sumXy = 0;
    double sumXx = 0;
    for (SizeReading reading : readings) {
      double x = Duration.between(first, reading.at()).toMillis() / 1000.0;
      double y = reading.bytes();
      sumX += x;
      sumY += y;
      sumXy += x * y;
      sumXx += x * x;
    }
    double denominator = n * sumXx - sumX * sumX;
    if (denominator == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((n * sumXy - sumX * sumY) / denominator);
  }

  record SizeReading(Instant at, long bytes) {}
}
