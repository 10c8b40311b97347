package io.freightwatch.collect.postgres;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code pg_stat_statements}: cumulative counters since the entry was created or the
 * statistics were reset.
 *
 * @param key the entry's identity
 * @param database name of the database with oid {@code key.dbId()}, empty when it was dropped
 * @param calls times executed
 * @param totalExecMillis {@code total_exec_time} (13+) or {@code total_time} (12 and older)
 * @param maxExecMillis {@code max_exec_time} or {@code max_time}, since the entry was created or
 *     its min/max values were reset
 * @param rows rows retrieved or affected
 * @param sharedBlocksRead {@code shared_blks_read}
 * @param statsSince {@code stats_since} (PostgreSQL 17+), empty on older servers
 */
record StatementRow(
    Key key,
    String database,
    long calls,
    double totalExecMillis,
    double maxExecMillis,
    long rows,
    long sharedBlocksRead,
    Optional<Instant> statsSince) {

  StatementRow {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(statsSince, "statsSince");
  }

  /**
   * Identity of an entry, as pg_stat_statements keys it.
   *
   * @param topLevel false for statements run inside functions; always true before PostgreSQL 14
   */
  record Key(long userId, long dbId, boolean topLevel, long queryId) {}
}
