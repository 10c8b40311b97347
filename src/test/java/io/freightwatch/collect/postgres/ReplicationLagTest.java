package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Replication lag decisions fed with the rows of an idle cluster at 2025-03-10 03:00:00 UTC, idle
 * since 2025-03-09 23:41:09, plus variants around each rule.
 */
class ReplicationLagTest {

  private static final Labels SERVER = Labels.of("cluster", "tenant42", "instance", "db-1");
  private static final Labels REPLICA = SERVER.with("observed_from", "replica");
  private static final Labels PRIMARY = SERVER.with("observed_from", "primary");
  private static final Instant NOW = Instant.parse("2025-03-10T03:00:00Z");
  private static final Instant LAST_COMMIT = Instant.parse("2025-03-09T23:41:09Z");
  private static final Lsn POSITION = Lsn.parse("2/1C4D7F30");

  @Test
  void idleReplicaReportsZeroLag() {
    RecoveryStatus idleReplica =
        replica(POSITION, POSITION, Instant.parse("2025-03-10T02:59:55Z"), "streaming");

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, idleReplica, List.of()));

    assertThat(value(samples, ReplicationLag.IN_RECOVERY, SERVER)).isEqualTo(1);
    assertThat(value(samples, ReplicationLag.LAG_BYTES, REPLICA)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.LAG_SECONDS, REPLICA)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.RECEIVER_STREAMING, REPLICA)).isEqualTo(1);
    assertThat(value(samples, ReplicationLag.REPLAY_PAUSED, REPLICA)).isEqualTo(0);
    assertThat(samples).hasSize(6);
  }

  @Test
  void idleReplicaKeepsReplayAgeInformational() {
    RecoveryStatus idleReplica =
        replica(POSITION, POSITION, Instant.parse("2025-03-10T02:59:55Z"), "streaming");

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, idleReplica, List.of()));

    assertThat(value(samples, ReplicationLag.LAST_REPLAY_AGE, REPLICA)).isEqualTo(11_931);
    assertThat(value(samples, ReplicationLag.LAG_SECONDS, REPLICA)).isEqualTo(0);
  }

  @Test
  void idlePrimaryNullReplayLagIsZero() {
    RecoveryStatus primary = primary(null);
    StandbyRow caughtUp = new StandbyRow(4242, "replica1", "streaming", POSITION, POSITION, null);

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, primary, List.of(caughtUp)));

    Labels standby = PRIMARY.with("standby", "replica1");
    assertThat(value(samples, ReplicationLag.IN_RECOVERY, SERVER)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.LAG_BYTES, standby)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.LAG_SECONDS, standby)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.STANDBYS, SERVER)).isEqualTo(1);
    assertThat(samples).hasSize(4);
  }

  @Test
  void promotedNodeEmitsNoReplicaSeries() {
    RecoveryStatus promoted =
        new RecoveryStatus(
            false,
            NOW,
            null,
            Lsn.parse("1/A0000000"),
            Instant.parse("2025-02-17T14:03:11Z"),
            null,
            false,
            null,
            null);

    List<Sample> samples = ReplicationLag.samples(SERVER, promoted, List.of());

    assertThat(samples)
        .extracting(Sample::name, Sample::labels, Sample::value)
        .containsExactly(
            tuple(ReplicationLag.IN_RECOVERY, SERVER, 0.0),
            tuple(ReplicationLag.STANDBYS, SERVER, 0.0));
  }

  @Test
  void replayBacklogUsesLastCommitAge() {
    Lsn received = Lsn.parse("2/1C4E0000");
    RecoveryStatus behind =
        replica(received, POSITION, Instant.parse("2025-03-10T02:59:59Z"), "streaming");

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, behind, List.of()));

    assertThat(value(samples, ReplicationLag.LAG_BYTES, REPLICA))
        .isEqualTo(0x2_1C4E0000L - 0x2_1C4D7F30L);
    assertThat(value(samples, ReplicationLag.LAG_SECONDS, REPLICA)).isEqualTo(11_931);
  }

  @Test
  void replayedPreviousScrapeBoundsLag() {
    Instant previousScrape = NOW.minusSeconds(15);
    RecoveryStatus before = new RecoveryStatus(true, previousScrape, POSITION, POSITION,
        LAST_COMMIT, false, true, "streaming", previousScrape);
    // A running-transactions record arrived after the quiet night and waits for replay.
    RecoveryStatus now = replica(Lsn.parse("2/1C4D7F90"), POSITION,
        Instant.parse("2025-03-10T02:59:59Z"), "streaming");

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, now, List.of(), before));

    assertThat(value(samples, ReplicationLag.LAG_SECONDS, REPLICA)).isEqualTo(15);
  }

  @Test
  void stalledReplayKeepsCommitAge() {
    Lsn received = Lsn.parse("2/1C4E0000");
    RecoveryStatus before = new RecoveryStatus(true, NOW.minusSeconds(15), received, POSITION,
        LAST_COMMIT, true, true, "streaming", NOW.minusSeconds(16));
    RecoveryStatus now =
        replica(Lsn.parse("2/1C4F0000"), POSITION, Instant.parse("2025-03-10T02:59:59Z"),
            "streaming");

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, now, List.of(), before));

    assertThat(value(samples, ReplicationLag.LAG_SECONDS, REPLICA)).isEqualTo(11_931);
  }

  @Test
  void stoppedReceiverLeavesLagUnknown() {
    RecoveryStatus disconnected =
        new RecoveryStatus(true, NOW, POSITION, POSITION, LAST_COMMIT, false, false, null, null);

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, disconnected, List.of()));

    assertThat(samples).doesNotContainKey(key(ReplicationLag.LAG_SECONDS, REPLICA));
    assertThat(value(samples, ReplicationLag.LAG_BYTES, REPLICA)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.RECEIVER_STREAMING, REPLICA)).isEqualTo(0);
  }

  @Test
  void quietReceiverLeavesLagUnknown() {
    RecoveryStatus quiet =
        replica(POSITION, POSITION, Instant.parse("2025-03-10T02:59:29Z"), "streaming");

    assertThat(ReplicationLag.replicaLagSeconds(quiet)).isNull();
  }

  @Test
  void receiverQuietThirtySecondsStillCurrent() {
    RecoveryStatus atLimit =
        replica(POSITION, POSITION, Instant.parse("2025-03-10T02:59:30Z"), "streaming");

    assertThat(ReplicationLag.replicaLagSeconds(atLimit)).isEqualTo(0.0);
  }

  @Test
  void waitingReceiverLeavesLagUnknown() {
    RecoveryStatus waiting = replica(POSITION, POSITION, NOW, "waiting");

    assertThat(ReplicationLag.replicaLagSeconds(waiting)).isNull();
  }

  @Test
  void archiveRecoveryLeavesLagUnknown() {
    RecoveryStatus archiveOnly =
        new RecoveryStatus(true, NOW, null, POSITION, LAST_COMMIT, false, false, null, null);

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, archiveOnly, List.of()));

    assertThat(samples).doesNotContainKey(key(ReplicationLag.LAG_BYTES, REPLICA));
    assertThat(samples).doesNotContainKey(key(ReplicationLag.LAG_SECONDS, REPLICA));
  }

  @Test
  void receiveBehindReplayClampsBytesToZero() {
    Lsn received = Lsn.parse("2/1C000000");
    RecoveryStatus restarted = replica(received, POSITION, NOW, "streaming");

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, restarted, List.of()));

    assertThat(value(samples, ReplicationLag.LAG_BYTES, REPLICA)).isEqualTo(0);
    assertThat(value(samples, ReplicationLag.LAG_SECONDS, REPLICA)).isEqualTo(0);
  }

  @Test
  void hiddenReceiverStatusOmitsStreaming() {
    RecoveryStatus hidden =
        new RecoveryStatus(true, NOW, POSITION, POSITION, LAST_COMMIT, false, true, null, null);

    Map<String, Sample> samples = bySeries(ReplicationLag.samples(SERVER, hidden, List.of()));

    assertThat(samples).doesNotContainKey(key(ReplicationLag.RECEIVER_STREAMING, REPLICA));
    assertThat(samples).doesNotContainKey(key(ReplicationLag.LAG_SECONDS, REPLICA));
  }

  @Test
  void measuredReplayLagIsReported() {
    Lsn replayed = Lsn.parse("2/1C4D0000");
    StandbyRow lagging = new StandbyRow(7, "replica1", "streaming", POSITION, replayed, 2.5);

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, primary(null), List.of(lagging)));

    Labels standby = PRIMARY.with("standby", "replica1");
    assertThat(value(samples, ReplicationLag.LAG_SECONDS, standby)).isEqualTo(2.5);
    assertThat(value(samples, ReplicationLag.LAG_BYTES, standby)).isEqualTo(0x7F30);
  }

  @Test
  void nullReplayLagWhileBehindIsOmitted() {
    StandbyRow catchingUp =
        new StandbyRow(7, "replica1", "catchup", POSITION, Lsn.parse("2/0"), null);

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, primary(null), List.of(catchingUp)));

    Labels standby = PRIMARY.with("standby", "replica1");
    assertThat(samples).doesNotContainKey(key(ReplicationLag.LAG_SECONDS, standby));
    assertThat(value(samples, ReplicationLag.STANDBYS, SERVER)).isEqualTo(0);
  }

  @Test
  void streamingStandbyBehindWithNullLagIsOmitted() {
    StandbyRow behind =
        new StandbyRow(7, "replica1", "streaming", POSITION, Lsn.parse("2/1C000000"), null);

    assertThat(ReplicationLag.primaryLagSeconds(behind)).isNull();
  }

  @Test
  void hiddenStandbyStateOmitsStandbyCount() {
    StandbyRow hidden = new StandbyRow(7, null, null, POSITION, null, null);

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, primary(null), List.of(hidden)));

    assertThat(samples).containsOnlyKeys(key(ReplicationLag.IN_RECOVERY, SERVER));
  }

  @Test
  void duplicateStandbyNamesGetPidSuffix() {
    StandbyRow first = new StandbyRow(11, "walreceiver", "streaming", POSITION, POSITION, 0.1);
    StandbyRow second = new StandbyRow(12, "walreceiver", "streaming", POSITION, POSITION, 0.2);

    Map<String, Sample> samples =
        bySeries(ReplicationLag.samples(SERVER, primary(null), List.of(first, second)));

    assertThat(value(samples, ReplicationLag.LAG_SECONDS, PRIMARY.with("standby", "walreceiver")))
        .isEqualTo(0.1);
    assertThat(
            value(
                samples, ReplicationLag.LAG_SECONDS, PRIMARY.with("standby", "walreceiver/pid-12")))
        .isEqualTo(0.2);
    assertThat(value(samples, ReplicationLag.STANDBYS, SERVER)).isEqualTo(2);
  }

  private static RecoveryStatus replica(
      Lsn receive, Lsn replay, Instant lastMessageAt, String receiverStatus) {
    return new RecoveryStatus(
        true, NOW, receive, replay, LAST_COMMIT, false, true, receiverStatus, lastMessageAt);
  }

  private static RecoveryStatus primary(Instant leftoverReplayAt) {
    return new RecoveryStatus(false, NOW, null, null, leftoverReplayAt, null, false, null, null);
  }

  private static Map<String, Sample> bySeries(List<Sample> samples) {
    return samples.stream()
        .collect(
            Collectors.toMap(sample -> key(sample.name(), sample.labels()), Function.identity()));
  }

  private static String key(String name, Labels labels) {
    return name + labels;
  }

  private static double value(Map<String, Sample> samples, String name, Labels labels) {
    assertThat(samples).containsKey(key(name, labels));
    return samples.get(key(name, labels)).value();
  }
}
