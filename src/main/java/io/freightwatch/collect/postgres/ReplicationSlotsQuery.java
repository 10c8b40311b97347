package io.freightwatch.collect.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code pg_replication_slots} with the WAL each slot retains, measured from the current
 * position (on a replica, from the replayed position, because {@code pg_current_wal_lsn()} raises
 * an error there). {@code wal_status} and {@code safe_wal_size} exist from PostgreSQL 13 on; they
 * are read through {@code to_jsonb} so that the same statement runs on any version and a missing
 * column reads as NULL.
 */
final class ReplicationSlotsQuery {

  static final String SQL =
      """
      SELECT s.slot_name,
             s.slot_type,
             s.database,
             s.active,
             s.active_pid,
             to_jsonb(s) ->> 'wal_status' AS wal_status,
             (to_jsonb(s) ->> 'safe_wal_size')::numeric AS safe_wal_size,
             pg_wal_lsn_diff(position.lsn, s.restart_lsn) AS retained_bytes
      FROM pg_replication_slots AS s
      CROSS JOIN (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                              ELSE pg_current_wal_lsn() END AS lsn) AS position
      ORDER BY s.slot_name
      """;

  private ReplicationSlotsQuery() {}

  static List<Slot> read(Connection connection) throws SQLException {
    List<Slot> slots = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SQL)) {
      while (row.next()) {
        int pid = row.getInt("active_pid");
        Integer activePid = row.wasNull() ? null : pid;
        slots.add(
            new Slot(
                row.getString("slot_name"),
                row.getString("slot_type"),
                row.getString("database"),
                row.getBoolean("active"),
                activePid,
                row.getString("wal_status"),
                StandbyQuery.nullableDouble(row, "safe_wal_size"),
                StandbyQuery.nullableDouble(row, "retained_bytes")));
      }
    }
    return slots;
  }

  /**
   * One replication slot.
   *
   * @param slotType {@code physical} or {@code logical}
   * @param database database of a logical slot, null for a physical one
   * @param activePid pid of the WAL sender using the slot, null while no consumer is connected
   * @param walStatus {@code reserved}, {@code extended}, {@code unreserved} or {@code lost}; null
   *     before PostgreSQL 13 or when the slot never reserved WAL
   * @param safeWalSizeBytes bytes that can still be written before the slot risks losing WAL; null
   *     when {@code max_slot_wal_keep_size} is unlimited
   * @param retainedBytes WAL kept for the slot, from its {@code restart_lsn} to the current position
   */
  record Slot(
      String name,
      String slotType,
      String database,
      boolean active,
      Integer activePid,
      String walStatus,
      Double safeWalSizeBytes,
      Double retainedBytes) {}
}
