package io.freightwatch.collect.postgres;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides replication lag from the rows {@link RecoveryStatusQuery} and {@link StandbyQuery} read,
 * and turns them into samples. It does no I/O and reads no clock: every time comes from the server,
 * so a recorded set of rows always gives the same samples.
 *
 * <p>Lag is never derived from the age of the last replayed commit alone. That age grows by one
 * second per second while the primary has no writes, so an idle primary would look like a lagging
 * replica. A promoted server also keeps returning its last replay timestamp, which would make it
 * look like a replica weeks behind.
 */
final class ReplicationLag {

  static final String IN_RECOVERY = "freightwatch_postgres_in_recovery";
  static final String LAG_BYTES = "freightwatch_postgres_replication_lag_bytes";
  static final String LAG_SECONDS = "freightwatch_postgres_replication_lag_seconds";
  static final String STANDBYS = "freightwatch_postgres_replication_standbys";
  static final String RECEIVER_STREAMING = "freightwatch_postgres_wal_receiver_streaming";
  static final String REPLAY_PAUSED = "freightwatch_postgres_wal_replay_paused";
  static final String LAST_REPLAY_AGE = "freightwatch_postgres_last_replay_age_seconds";

  /**
   * Maximum silence of the WAL receiver after which "everything received is replayed" no longer
   * proves the replica is current. The primary's WAL sender sends keepalives and the standby
   * reports every wal_receiver_status_interval (10 s by default), so a healthy link is never quiet
   * this long.
   */
  static final Duration RECEIVER_QUIET_LIMIT = Duration.ofSeconds(30);

  private static final String STREAMING = "streaming";

  static final String LAG_BYTES_HELP =
      "Bytes of WAL the standby has not replayed yet, as seen from the side named by"
          + " observed_from";
  private static final String LAG_SECONDS_HELP =
      "Seconds the standby's replay is behind, as seen from the side named by observed_from";

  private ReplicationLag() {}

  /**
   * Returns the samples of one scrape.
   *
   * @param server the {@code cluster} and {@code instance} labels
   * @param status the server's recovery status
   * @param standbys rows of {@code pg_stat_replication}; ignored when the server is in recovery
   */
  static List<Sample> samples(Labels server, RecoveryStatus status, List<StandbyRow> standbys) {
    return samples(server, status, standbys, null);
  }

  /**
   * Returns the samples of one scrape, using the previous scrape of the same server to bound the
   * replica's time lag.
   *
   * @param previous status read at the previous scrape, or null for the first scrape
   */
  static List<Sample> samples(Labels server, RecoveryStatus status, List<StandbyRow> standbys,
      RecoveryStatus previous) {
    List<Sample> samples = new ArrayList<>();
    samples.add(
        Sample.gauge(
            IN_RECOVERY,
            "1 when the server is a replica in recovery, 0 on a primary",
            status.inRecovery() ? 1 : 0,
            server));
    if (status.inRecovery()) {
      addReplicaSide(server.with("observed_from", "replica"), status, previous, samples);
    } else {
      addPrimarySide(server, standbys, samples);
    }
    return samples;
  }

  private static void addPrimarySide(Labels server, List<StandbyRow> standbys, List<Sample> out) {
    Labels primary = server.with("observed_from", "primary");
    Set<String> standbyNames = new HashSet<>();
    int streaming = 0;
    boolean stateHidden = false;
    for (StandbyRow row : standbys) {
      Labels labels = primary.with("standby", standbyName(row, standbyNames));
      if (row.currentLsn() != null && row.replayLsn() != null) {
        long bytes = Math.max(0, row.currentLsn().bytesSince(row.replayLsn()));
        out.add(Sample.gauge(LAG_BYTES, LAG_BYTES_HELP, bytes, labels));
      }
      Double seconds = primaryLagSeconds(row);
      if (seconds != null) {
        out.add(Sample.gauge(LAG_SECONDS, LAG_SECONDS_HELP, seconds, labels));
      }
      stateHidden |= row.state() == null;
      streaming += STREAMING.equals(row.state()) ? 1 : 0;
    }
    // Without pg_monitor every column but the pid is NULL, and counting such rows as "not
    // streaming" would report disconnected standbys that may be fine.
    if (!stateHidden) {
      out.add(Sample.gauge(STANDBYS, "Standbys streaming from this primary", streaming, server));
    }
  }

  /**
   * Returns the standby's replay lag from the primary, or null when unknown. PostgreSQL sets
   * replay_lag to NULL once a standby has caught up and no new WAL arrives, so NULL on a streaming
   * standby at the primary's current position means no lag.
   */
  static Double primaryLagSeconds(StandbyRow row) {
    if (row.replayLagSeconds() != null) {
      return Math.max(0, row.replayLagSeconds());
    }
    boolean caughtUp =
        STREAMING.equals(row.state())
            && row.replayLsn() != null
            && row.replayLsn().equals(row.currentLsn());
    return caughtUp ? 0.0 : null;
  }

  private static void addReplicaSide(Labels replica, RecoveryStatus status,
      RecoveryStatus previous, List<Sample> out) {
    if (status.receiveLsn() != null && status.replayLsn() != null) {
      long bytes = Math.max(0, status.receiveLsn().bytesSince(status.replayLsn()));
      out.add(Sample.gauge(LAG_BYTES, LAG_BYTES_HELP, bytes, replica));
    }
    Double seconds = replicaLagSeconds(status, previous);
    if (seconds != null) {
      out.add(Sample.gauge(LAG_SECONDS, LAG_SECONDS_HELP, seconds, replica));
    }
    // A receiver row whose status is hidden (no pg_read_all_stats) leaves streaming unknown.
    if (!status.receiverRunning() || status.receiverStatus() != null) {
      out.add(
          Sample.gauge(
              RECEIVER_STREAMING,
              "1 when the WAL receiver is streaming from the upstream server",
              isStreaming(status) ? 1 : 0,
              replica));
    }
    if (status.replayPaused() != null) {
      out.add(
          Sample.gauge(
              REPLAY_PAUSED,
              "1 when WAL replay was paused with pg_wal_replay_pause()",
              status.replayPaused() ? 1 : 0,
              replica));
    }
    if (status.lastReplayAt() != null) {
      out.add(
          Sample.gauge(
              LAST_REPLAY_AGE,
              "Seconds since the commit time of the last replayed transaction; grows while the"
                  + " primary is idle, so it is not a lag",
              seconds(status.lastReplayAt(), status.observedAt()),
              replica));
    }
  }

  /**
   * Returns the replica's lag in seconds, or null when it cannot be decided. Everything received is
   * replayed and the receiver heard from upstream recently: 0. WAL is waiting for replay: the time
   * since the last replayed commit. Otherwise, for example with the receiver down and nothing to
   * replay, the replica cannot tell whether it is behind.
   */
  static Double replicaLagSeconds(RecoveryStatus status) {
    return replicaLagSeconds(status, null);
  }

  /**
   * Returns the replica's lag in seconds like {@link #replicaLagSeconds(RecoveryStatus)}, bounded
   * by the previous scrape: when everything received by then has been replayed since, no data
   * older than that scrape is missing, so the lag is at most the time since it. After a quiet
   * period, a small WAL record without a commit may wait a few milliseconds for replay: a
   * checkpoint, or the running-transactions record PostgreSQL writes about every 15 s. The bound
   * keeps such a record from showing the whole quiet period as lag.
   */
  static Double replicaLagSeconds(RecoveryStatus status, RecoveryStatus previous) {
    Lsn receive = status.receiveLsn();
    Lsn replay = status.replayLsn();
    if (receive == null || replay == null) {
      return null;
    }
    if (receive.compareTo(replay) <= 0) {
      return isReceiverCurrent(status) ? 0.0 : null;
    }
    if (status.lastReplayAt() == null) {
      return null;
    }
    double sinceLastCommit = Math.max(0, seconds(status.lastReplayAt(), status.observedAt()));
    if (previous != null && previous.inRecovery() && previous.receiveLsn() != null
        && replay.compareTo(previous.receiveLsn()) >= 0) {
      double sincePrevious = Math.max(0, seconds(previous.observedAt(), status.observedAt()));
      return Math.min(sinceLastCommit, sincePrevious);
    }
    // NOTE: on the first scrape, WAL that arrived after a quiet period shows the whole quiet
    // period as lag until it is replayed, because the last replayed commit is that old.
    return sinceLastCommit;
  }

  private static boolean isReceiverCurrent(RecoveryStatus status) {
    if (!isStreaming(status) || status.receiverLastMessageAt() == null) {
      return false;
    }
    Duration silence = Duration.between(status.receiverLastMessageAt(), status.observedAt());
    return silence.compareTo(RECEIVER_QUIET_LIMIT) <= 0;
  }

  private static boolean isStreaming(RecoveryStatus status) {
    return status.receiverRunning() && STREAMING.equals(status.receiverStatus());
  }

  // NOTE: standbys that share an application_name (the default is "walreceiver") are
  // distinguished by the WAL sender pid, which changes on reconnect and so starts a new series.
  // Setting cluster_name or application_name on each standby avoids this.
  static String standbyName(StandbyRow row, Set<String> used) {
    String name =
        row.applicationName() == null || row.applicationName().isEmpty()
            ? "pid-" + row.pid()
            : row.applicationName();
    if (!used.add(name)) {
      name = name + "/pid-" + row.pid();
      used.add(name);
    }
    return name;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
