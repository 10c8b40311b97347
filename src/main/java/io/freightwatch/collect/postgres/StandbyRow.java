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
 */
record StandbyRow(
    int pid,
    String applicationName,
    String state,
    Lsn currentLsn,
    Lsn replayLsn,
    Double replayLagSeconds) {}
