package io.freightwatch.collect.postgres;

/**
 * One row of {@code pg_stat_replication} on a primary, with the primary's WAL position read in the
 * same statement. Columns are null where the server returned NULL, which is also what a role
 * without {@code pg_monitor} gets for every column except the pid.
 *
 * @param pid WAL sender process id
 * @param applicationName the standby's {@code application_name}
 * @param state {@code startup}, {@code catchup}, {@code streaming}, {@code backup} or {@code
 *     stopping}
 * @param currentLsn {@code pg_current_wal_lsn()} on the primary
 * @param replayLsn WAL position the standby has replayed
 * @param replayLagSeconds {@code extract(epoch FROM replay_lag)}; NULL once a caught-up standby has
 *     seen no new WAL for a while
 * @param sentLsn WAL position sent to the standby
 * @param writeLsn WAL position the standby has written to its disk
 * @param flushLsn WAL position the standby has flushed to its disk
 * @param writeLagSeconds {@code extract(epoch FROM write_lag)}, null like replay_lag
 * @param flushLagSeconds {@code extract(epoch FROM flush_lag)}, null like replay_lag
 * @param syncState {@code async}, {@code potential}, {@code sync} or {@code quorum}
 * @param replyAgeSeconds seconds since the standby's last status message ({@code reply_time})
 */
record StandbyRow(
    int pid,
    String applicationName,
    String state,
    Lsn currentLsn,
    Lsn replayLsn,
    Double replayLagSeconds,
    Lsn sentLsn,
    Lsn writeLsn,
    Lsn flushLsn,
    Double writeLagSeconds,
    Double flushLagSeconds,
    String syncState,
    Double replyAgeSeconds) {

  /** Creates a row with only the replay stage known, as older readings had it. */
  StandbyRow(
      int pid,
      String applicationName,
      String state,
      Lsn currentLsn,
      Lsn replayLsn,
      Double replayLagSeconds) {
    this(pid, applicationName, state, currentLsn, replayLsn, replayLagSeconds, null, null, null,
        null, null, null, null);
  }
}
