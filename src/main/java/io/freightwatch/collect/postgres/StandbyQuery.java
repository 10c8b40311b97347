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
  // replay position is never compared with a position read earlier.
  static final String SQL =
      """
      SELECT r.pid,
             r.application_name,
             r.state,
             primary_position.lsn::text AS current_lsn,
             r.replay_lsn::text AS replay_lsn,
             extract(epoch FROM r.replay_lag) AS replay_lag_seconds
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
        double lag = row.getDouble("replay_lag_seconds");
        Double replayLagSeconds = row.wasNull() ? null : lag;
        rows.add(
            new StandbyRow(
                row.getInt("pid"),
                row.getString("application_name"),
                row.getString("state"),
                RecoveryStatusQuery.lsn(row, "current_lsn"),
                RecoveryStatusQuery.lsn(row, "replay_lsn"),
                replayLagSeconds));
      }
    }
    return rows;
  }
}
