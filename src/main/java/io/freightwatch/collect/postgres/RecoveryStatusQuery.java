package io.freightwatch.collect.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Reads the server's role and the replica-side replication positions in one statement. Every
 * function used works on a primary too: {@code pg_is_wal_replay_paused()}, which raises an error
 * outside recovery, is only called when {@code pg_is_in_recovery()} is true.
 */
final class RecoveryStatusQuery {

  // pg_is_in_recovery() is volatile, so PostgreSQL evaluates the subquery once instead of
  // inlining it into both references.
  static final String SQL =
      """
      SELECT role.in_recovery,
             now() AS observed_at,
             pg_last_wal_receive_lsn()::text AS receive_lsn,
             pg_last_wal_replay_lsn()::text AS replay_lsn,
             pg_last_xact_replay_timestamp() AS last_replay_at,
             CASE WHEN role.in_recovery THEN pg_is_wal_replay_paused() END AS replay_paused,
             receiver.pid AS receiver_pid,
             receiver.status AS receiver_status,
             receiver.last_msg_receipt_time AS receiver_last_message_at
      FROM (SELECT pg_is_in_recovery() AS in_recovery) AS role
      LEFT JOIN pg_stat_wal_receiver AS receiver ON true
      """;

  private RecoveryStatusQuery() {}

  static RecoveryStatus read(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SQL)) {
      if (!row.next()) {
        throw new SQLException("recovery status query returned no row");
      }
      boolean paused = row.getBoolean("replay_paused");
      Boolean replayPaused = row.wasNull() ? null : paused;
      row.getInt("receiver_pid");
      boolean receiverRunning = !row.wasNull();
      return new RecoveryStatus(
          row.getBoolean("in_recovery"),
          instant(row, "observed_at"),
          lsn(row, "receive_lsn"),
          lsn(row, "replay_lsn"),
          instant(row, "last_replay_at"),
          replayPaused,
          receiverRunning,
          row.getString("receiver_status"),
          instant(row, "receiver_last_message_at"));
    }
  }

  static Lsn lsn(ResultSet row, String column) throws SQLException {
    String text = row.getString(column);
    return text == null ? null : Lsn.parse(text);
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
