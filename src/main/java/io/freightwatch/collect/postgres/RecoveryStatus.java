package io.freightwatch.collect.postgres;

import java.time.Instant;
import java.util.Objects;

/**
 * One reading of a server's recovery functions and of {@code pg_stat_wal_receiver}, as the server
 * returned it. The replica-side columns keep their values on a promoted server, which is why {@link
 * ReplicationLag} reads them only when {@link #inRecovery()} is true.
 *
 * @param inRecovery {@code pg_is_in_recovery()}
 * @param observedAt the server's {@code now()}
 * @param receiveLsn {@code pg_last_wal_receive_lsn()}, null when nothing was streamed since start
 * @param replayLsn {@code pg_last_wal_replay_lsn()}, null on a server that never recovered
 * @param lastReplayAt {@code pg_last_xact_replay_timestamp()}, null when nothing was replayed
 * @param replayPaused {@code pg_is_wal_replay_paused()}, null when not in recovery
 * @param receiverRunning whether {@code pg_stat_wal_receiver} has a row
 * @param receiverStatus its {@code status}, null without a row or without the privilege to see it
 * @param receiverLastMessageAt its {@code last_msg_receipt_time}, null when unknown
 */
record RecoveryStatus(
    boolean inRecovery,
    Instant observedAt,
    Lsn receiveLsn,
    Lsn replayLsn,
    Instant lastReplayAt,
    Boolean replayPaused,
    boolean receiverRunning,
    String receiverStatus,
    Instant receiverLastMessageAt) {

  RecoveryStatus {
    Objects.requireNonNull(observedAt, "observedAt");
  }
}
