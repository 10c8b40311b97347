package io.freightwatch.collect.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads the cumulative counters of {@code pg_stat_database} for every database and, when asked,
 * each database's size. {@code pg_database_size} stats every file of a database, which is costly
 * on a cluster with hundreds of Odoo databases, so sizes are read only when requested.
 */
final class DatabaseStatsQuery {

  static final String SQL =
      """
      SELECT d.datname,
             d.xact_commit,
             d.xact_rollback,
             d.blks_read,
             d.blks_hit,
             d.deadlocks,
             d.temp_files,
             d.temp_bytes,
             d.stats_reset,
             now() AS observed_at,
             CASE WHEN ? THEN pg_database_size(d.datid) END AS size_bytes
      FROM pg_stat_database AS d
      JOIN pg_database AS db ON db.oid = d.datid
      WHERE db.datallowconn AND NOT db.datistemplate
      ORDER BY d.datname
      """;

  // Needs pg_monitor (or superuser); the caller treats a failure as "WAL size unknown".
  static final String WAL_SQL = "SELECT coalesce(sum(size), 0) FROM pg_ls_waldir()";

  private DatabaseStatsQuery() {}

  static List<DatabaseRow> read(Connection connection, boolean withSizes) throws SQLException {
    List<DatabaseRow> rows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(SQL)) {
      statement.setBoolean(1, withSizes);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          long size = row.getLong("size_bytes");
          OptionalLong sizeBytes = row.wasNull() ? OptionalLong.empty() : OptionalLong.of(size);
          OffsetDateTime reset = row.getObject("stats_reset", OffsetDateTime.class);
          rows.add(
              new DatabaseRow(
                  row.getString("datname"),
                  row.getObject("observed_at", OffsetDateTime.class).toInstant(),
                  reset == null ? Instant.EPOCH : reset.toInstant(),
                  new Counters(
                      row.getLong("xact_commit"),
                      row.getLong("xact_rollback"),
                      row.getLong("blks_read"),
                      row.getLong("blks_hit"),
                      row.getLong("deadlocks"),
                      row.getLong("temp_files"),
                      row.getLong("temp_bytes")),
                  sizeBytes));
        }
      }
    }
    return rows;
  }

  static long walBytes(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(WAL_SQL)) {
      row.next();
      return row.getLong(1);
    }
  }

  /**
   * One database.
   *
   * @param statsReset when its statistics were last reset, the epoch when never
   * @param sizeBytes its size, when sizes were requested
   */
  record DatabaseRow(
      String database, Instant observedAt, Instant statsReset, Counters counters,
      OptionalLong sizeBytes) {}

  /** The cumulative counters of one database. */
  record Counters(
      long commits,
      long rollbacks,
      long blocksRead,
      long blocksHit,
      long deadlocks,
      long tempFiles,
      long tempBytes) {

    /** Returns this minus {@code earlier}, or null when any counter went down. */
    Counters minus(Counters earlier) {
      Counters delta = new Counters(commits - earlier.commits, rollbacks - earlier.rollbacks,
          blocksRead - earlier.blocksRead, blocksHit - earlier.blocksHit,
          deadlocks - earlier.deadlocks, tempFiles - earlier.tempFiles,
          tempBytes - earlier.tempBytes);
      boolean negative = delta.commits < 0 || delta.rollbacks < 0 || delta.blocksRead < 0
          || delta.blocksHit < 0 || delta.deadlocks < 0 || delta.tempFiles < 0
          || delta.tempBytes < 0;
      return negative ? null : delta;
    }
  }
}
