package io.freightwatch.collect.postgres;

import io.freightwatch.collect.postgres.ReplicationSlotsQuery.Slot;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replication series beyond the replay lag of {@link ReplicationLag}: the lag of every stage (sent,
 * write, flush, replay) seen from the primary, each standby's state and sync state, the age of its
 * last reply, the replication slots, and standbys that disconnected while their slot still exists.
 *
 * <p>A standby that stops receiving WAL shows in two ways. While its WAL sender still runs, the
 * sent, flush and reply-age series grow. Once its connection is gone, its row leaves {@code
 * pg_stat_replication}; if it used a physical slot, the slot's retained WAL is then reported as the
 * standby's lag in bytes, under the name the standby had while connected (the slot name when the
 * agent never saw it connected), with {@code freightwatch_postgres_replication_standby_connected}
 * at 0. Not thread-safe: the owning collector serializes calls.
 */
final class ReplicationSignals {

  static final String STAGE_LAG_BYTES = "freightwatch_postgres_replication_stage_lag_bytes";
  static final String STAGE_LAG_SECONDS = "freightwatch_postgres_replication_stage_lag_seconds";
  static final String STANDBY_INFO = "freightwatch_postgres_replication_standby_info";
  static final String STANDBY_CONNECTED = "freightwatch_postgres_replication_standby_connected";
  static final String REPLY_AGE = "freightwatch_postgres_replication_reply_age_seconds";
  static final String SLOT_ACTIVE = "freightwatch_postgres_replication_slot_active";
  static final String SLOT_RETAINED = "freightwatch_postgres_replication_slot_retained_wal_bytes";
  static final String SLOT_SAFE_WAL = "freightwatch_postgres_replication_slot_safe_wal_size_bytes";
  static final String SLOT_WAL_STATUS = "freightwatch_postgres_replication_slot_wal_status";

  /** Slot name to the application name of the standby last seen streaming through it. */
  private final Map<String, String> standbyBySlot = new HashMap<>();

  /** Returns the samples of a primary's standbys and slots. */
  List<Sample> primarySamples(
      Labels server, List<StandbyRow> standbys, List<Slot> slots, List<Sample> out) {
    Labels primary = server.with("observed_from", "primary");
    Map<Integer, String> names = standbyNames(standbys);
    for (StandbyRow row : standbys) {
      addStandby(primary.with("standby", names.get(row.pid())), row, out);
    }
    Set<String> connected = new HashSet<>(names.values());
    for (Slot slot : slots) {
      if (slot.activePid() != null && names.containsKey(slot.activePid())) {
        standbyBySlot.put(slot.name(), names.get(slot.activePid()));
      }
      boolean physical = "physical".equals(slot.slotType());
      // NOTE: an inactive physical slot of a WAL archiver such as pg_receivewal is reported as a
      // standby too. It retains WAL all the same, so the lag alert still points at a filling disk.
      if (physical && !slot.active() && slot.retainedBytes() != null) {
        String standby = standbyBySlot.getOrDefault(slot.name(), slot.name());
        if (!connected.contains(standby)) {
          Labels labels = primary.with("standby", standby);
          out.add(gauge(ReplicationLag.LAG_BYTES, ReplicationLag.LAG_BYTES_HELP,
              Math.max(0, slot.retainedBytes()), labels));
          out.add(gauge(STANDBY_CONNECTED,
              "1 while the standby has a WAL sender on this primary, 0 when only its slot is left",
              0, labels));
        }
      }
    }
    addSlots(server, slots, out);
    return out;
  }

  /** Returns the samples of the slots on a replica, where only slots themselves are known. */
  List<Sample> replicaSamples(Labels server, List<Slot> slots, List<Sample> out) {
    addSlots(server, slots, out);
    return out;
  }

  private static void addStandby(Labels labels, StandbyRow row, List<Sample> out) {
    out.add(gauge(STANDBY_CONNECTED,
        "1 while the standby has a WAL sender on this primary, 0 when only its slot is left",
        1, labels));
    out.add(gauge(STANDBY_INFO, "Always 1; the labels carry the WAL sender's state and sync state",
        1, labels.with("state", orUnknown(row.state())).with("sync_state", orUnknown(row.syncState()))));
    addStageBytes(labels, "sent", row.currentLsn(), row.sentLsn(), out);
    addStageBytes(labels, "write", row.currentLsn(), row.writeLsn(), out);
    addStageBytes(labels, "flush", row.currentLsn(), row.flushLsn(), out);
    addStageBytes(labels, "replay", row.currentLsn(), row.replayLsn(), out);
    addStageSeconds(labels, "write", row.writeLagSeconds(), row.currentLsn(), row.writeLsn(), row,
        out);
    addStageSeconds(labels, "flush", row.flushLagSeconds(), row.currentLsn(), row.flushLsn(), row,
        out);
    addStageSeconds(labels, "replay", row.replayLagSeconds(), row.currentLsn(), row.replayLsn(),
        row, out);
    if (row.replyAgeSeconds() != null) {
      out.add(gauge(REPLY_AGE,
          "Seconds since the standby's last status message; it grows when the standby stops"
              + " talking while its connection stays open",
          Math.max(0, row.replyAgeSeconds()), labels));
    }
  }

  private static void addStageBytes(Labels labels, String stage, Lsn current, Lsn reached,
      List<Sample> out) {
    if (current != null && reached != null) {
      out.add(gauge(STAGE_LAG_BYTES,
          "Bytes of WAL between the primary's current position and the position the standby has"
              + " reached in the stage (sent, write, flush, replay)",
          Math.max(0, current.bytesSince(reached)), labels.with("stage", stage)));
    }
  }

  /**
   * Adds a stage's lag in seconds. PostgreSQL sets the lag to NULL once the standby has caught up
   * and no new WAL arrives, so NULL on a streaming standby at the current position is 0.
   */
  private static void addStageSeconds(Labels labels, String stage, Double lagSeconds, Lsn current,
      Lsn reached, StandbyRow row, List<Sample> out) {
    Double seconds = lagSeconds;
    if (seconds == null && "streaming".equals(row.state()) && current != null
        && current.equals(reached)) {
      seconds = 0.0;
    }
    if (seconds != null) {
      out.add(gauge(STAGE_LAG_SECONDS,
          "Seconds between flushing recent WAL locally and the standby reporting the stage",
          Math.max(0, seconds), labels.with("stage", stage)));
    }
  }

  private static void addSlots(Labels server, List<Slot> slots, List<Sample> out) {
    for (Slot slot : slots) {
      Labels labels = server.with("slot", slot.name()).with("slot_type", slot.slotType())
          .with("database", slot.database() == null ? "" : slot.database());
      out.add(gauge(SLOT_ACTIVE, "1 when a consumer is connected to the replication slot",
          slot.active() ? 1 : 0, labels));
      if (slot.retainedBytes() != null) {
        out.add(gauge(SLOT_RETAINED,
            "Bytes of WAL the slot keeps on disk, from its restart_lsn to the current position",
            Math.max(0, slot.retainedBytes()), labels));
      }
      if (slot.safeWalSizeBytes() != null) {
        out.add(gauge(SLOT_SAFE_WAL,
            "Bytes that can still be written before the slot risks losing WAL; absent when"
                + " max_slot_wal_keep_size is unlimited",
            slot.safeWalSizeBytes(), labels));
      }
      if (slot.walStatus() != null) {
        out.add(gauge(SLOT_WAL_STATUS,
            "Always 1; wal_status is reserved, extended, unreserved (at risk) or lost",
            1, labels.with("wal_status", slot.walStatus())));
      }
    }
  }

  /** Names standbys like {@link ReplicationLag} does: application name, then pid on clashes. */
  private static Map<Integer, String> standbyNames(List<StandbyRow> standbys) {
    Map<Integer, String> names = new LinkedHashMap<>();
    Set<String> used = new HashSet<>();
    for (StandbyRow row : standbys) {
      names.put(row.pid(), ReplicationLag.standbyName(row, used));
    }
    return names;
  }

  private static String orUnknown(String value) {
    return value == null || value.isEmpty() ? "unknown" : value;
  }

  private static Sample gauge(String name, String help, double value, Labels labels) {
    return Sample.gauge(name, help, value, labels);
  }
}
