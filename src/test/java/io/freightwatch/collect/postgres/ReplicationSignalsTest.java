package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.ReplicationSlotsQuery.Slot;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicationSignalsTest {

  private static final Labels SERVER = Labels.of("cluster", "eu1", "instance", "db-1");
  private static final Labels PRIMARY = SERVER.with("observed_from", "primary");
  private static final Lsn CURRENT = Lsn.parse("2/1C4D7F30");

  @Test
  void disconnectedStandbyKeepsItsName() {
    ReplicationSignals signals = new ReplicationSignals();
    StandbyRow streaming = new StandbyRow(4242, "replica1", "streaming", CURRENT, CURRENT, null,
        CURRENT, CURRENT, CURRENT, null, null, "async", 0.5);
    signals.primarySamples(SERVER, List.of(streaming),
        List.of(new Slot("slot_a", "physical", null, true, 4242, "reserved", null, 0.0)),
        new ArrayList<>());

    List<Sample> gone = signals.primarySamples(SERVER, List.of(),
        List.of(new Slot("slot_a", "physical", null, false, null, "reserved", null, 5_000_000.0)),
        new ArrayList<>());

    Labels standby = PRIMARY.with("standby", "replica1");
    assertThat(find(gone, ReplicationLag.LAG_BYTES, standby)).contains(5_000_000.0);
    assertThat(find(gone, ReplicationSignals.STANDBY_CONNECTED, standby)).contains(0.0);
  }

  @Test
  void stalledSenderShowsSentLag() {
    ReplicationSignals signals = new ReplicationSignals();
    StandbyRow stalled = new StandbyRow(4242, "replica1", "streaming", CURRENT,
        Lsn.parse("2/1C000000"), null, Lsn.parse("2/1C400000"), Lsn.parse("2/1C000000"),
        Lsn.parse("2/1C000000"), null, null, "async", 95.0);

    List<Sample> samples = signals.primarySamples(SERVER, List.of(stalled), List.of(),
        new ArrayList<>());

    Labels standby = PRIMARY.with("standby", "replica1");
    assertThat(find(samples, ReplicationSignals.STAGE_LAG_BYTES, standby.with("stage", "sent")))
        .contains((double) (0x1C4D7F30L - 0x1C400000L));
    assertThat(find(samples, ReplicationSignals.STAGE_LAG_BYTES, standby.with("stage", "flush")))
        .contains((double) (0x1C4D7F30L - 0x1C000000L));
    assertThat(find(samples, ReplicationSignals.REPLY_AGE, standby)).contains(95.0);
    assertThat(find(samples, ReplicationSignals.STAGE_LAG_SECONDS, standby.with("stage", "replay")))
        .isEmpty();
  }

  @Test
  void caughtUpStandbyNullLagIsZero() {
    ReplicationSignals signals = new ReplicationSignals();
    StandbyRow idle = new StandbyRow(7, "replica1", "streaming", CURRENT, CURRENT, null, CURRENT,
        CURRENT, CURRENT, null, null, "sync", 1.0);

    List<Sample> samples =
        signals.primarySamples(SERVER, List.of(idle), List.of(), new ArrayList<>());

    Labels standby = PRIMARY.with("standby", "replica1");
    for (String stage : List.of("write", "flush", "replay")) {
      assertThat(find(samples, ReplicationSignals.STAGE_LAG_SECONDS, standby.with("stage", stage)))
          .as(stage).contains(0.0);
    }
  }

  @Test
  void unlimitedSlotHasNoSafeSize() {
    ReplicationSignals signals = new ReplicationSignals();

    List<Sample> samples = signals.replicaSamples(SERVER,
        List.of(new Slot("cdc", "logical", "odoo_acme", false, null, "unreserved", null, 9e9)),
        new ArrayList<>());

    Labels slot = SERVER.with("slot", "cdc").with("slot_type", "logical")
        .with("database", "odoo_acme");
    assertThat(find(samples, ReplicationSignals.SLOT_SAFE_WAL, slot)).isEmpty();
    assertThat(find(samples, ReplicationSignals.SLOT_WAL_STATUS,
        slot.with("wal_status", "unreserved"))).contains(1.0);
    assertThat(find(samples, ReplicationSignals.SLOT_RETAINED, slot)).contains(9e9);
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }
}
