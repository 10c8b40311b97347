package io.freightwatch.collect.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code pg_stat_replication} on a primary. {@code pg_current_wal_lsn()} raises an error on a
 * replica, so callers run this only after {@link RecoveryStatusQuery} reported a primary.
 */
final class StandbyQuery {

  // The current position is read once, in the same statement as the rows, so that a standby's
  // positions are never compared with a position read earlier.
  static final String SQL =
      """
      SELECT r.pid,
             r.application_name,
             r.state,
             r.sync_state,
             primary_position.lsn::text AS current_lsn,
             r.sent_lsn::text AS sent_lsn,
             r.write_lsn::text AS write_lsn,
             r.flush_lsn::text AS flush_lsn,
             r.replay_lsn::text AS replay_lsn,
             extract(epoch FROM r.write_lag) AS write_lag_seconds,
             extract(epoch FROM r.flush_lag) AS flush_lag_seconds,
             extract(epoch FROM r.replay_lag) AS replay_lag_seconds,
             extract(epoch FROM now() - r.reply_time) AS reply_age_seconds
      FROM pg_stat_replication AS r
      CROSS JOIN (SELECT pg_current_wal_lsn() AS lsn) AS primary_position
      ORDER BY r.application_name, r.pid
      """;

  private StandbyQuery() {}

  static List<StandbyRow> read(Connection connection) throws SQLException {
    List<StandbyRow> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SQL)) {
      while (row.next()) {
        rows.add(
            new StandbyRow(
                row.getInt("pid"),
                row.getString("application_name"),
                row.getString("state"),
                RecoveryStatusQuery.lsn(row, "current_lsn"),
                RecoveryStatusQuery.lsn(row, "replay_lsn"),
                nullableDouble(row, "replay_lag_seconds"),
                RecoveryStatusQuery.lsn(row, "sent_lsn"),
                RecoveryStatusQuery.lsn(row, "write_lsn"),
                RecoveryStatusQuery.lsn(row, "flush_lsn"),
                nullableDouble(row, "write_lag_seconds"),
                nullableDouble(row, "flush_lag_seconds"),
                row.getString("sync_state"),
                nullableDouble(row, "reply_age_seconds")));
      }
    }
    return rows;
  }

  static Double nullableDouble(ResultSet row, String column) throws SQLException {
    double value = row.getDouble(column);
    return row.wasNull() ? null : value;
  }
}
