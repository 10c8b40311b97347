package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.odoo.RunningJob.LockState;
import io.freightwatch.config.OdooQueueSettings;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeadJobSignalsTest {

  private static final Labels ACME = Labels.of("tenant", "acme", "cluster", "eu1");
  private static final OdooQueueSettings SETTINGS =
      new OdooQueueSettings(
          Map.of("root", 5, "root.edi", 4, "root.reporting", 1),
          Duration.ofHours(1),
          Duration.ofMinutes(5),
          Map.of("root.edi", Duration.ofMinutes(15), "root.reporting", Duration.ofMinutes(120)),
          Map.of());

  private final DeadJobSignals signals = new DeadJobSignals(SETTINGS);

  @Test
  void jobOverChannelLimitIsSuspect() {
    assertThat(signals.isSuspect(job(1, "root.edi", "started", 10_198, LockState.NO_LOCK_TABLE)))
        .isTrue();
    assertThat(signals.isSuspect(job(4, "root.edi", "enqueued", 10_140, LockState.MISSING)))
        .isTrue();
    assertThat(signals.isSuspect(job(5, "root.reporting", "started", 2_400, LockState.NOT_HELD)))
        .isFalse();
    assertThat(signals.isSuspect(job(6, "root.edi", "started", 900, LockState.NOT_HELD)))
        .isFalse();
  }

  @Test
  void heldLockClearsSuspicion() {
    assertThat(signals.isSuspect(job(1, "root.edi", "started", 10_198, LockState.HELD)))
        .isFalse();
  }

  @Test
  void subchannelSuspectsHoldParentSlots() {
    List<Sample> out =
        samples(
            List.of(
                job(1, "root.edi.orders", "started", 10_000, LockState.NOT_HELD),
                job(2, "root.edi", "enqueued", 400, LockState.MISSING),
                job(3, "root.mail", "started", 7_200, LockState.NO_LOCK_TABLE)));

    assertThat(value(out, DeadJobSignals.DEAD_SLOTS, "root.edi")).isEqualTo(2);
    assertThat(value(out, DeadJobSignals.DEAD_SLOTS, "root")).isEqualTo(3);
    assertThat(value(out, DeadJobSignals.DEAD_SLOTS, "root.reporting")).isZero();
    assertThat(value(out, DeadJobSignals.CAPACITY, "root.edi")).isEqualTo(4);
  }

  @Test
  void quietChannelsReportZeroSuspects() {
    List<Sample> out = samples(List.of());

    assertThat(out)
        .filteredOn(s -> s.name().equals(DeadJobSignals.SUSPECTED))
        .extracting(s -> s.labels().get("state"))
        .containsExactly("enqueued", "started");
    assertThat(out)
        .filteredOn(s -> s.name().equals(DeadJobSignals.SUSPECTED))
        .allMatch(s -> s.value() == 0);
  }

  @Test
  void namesAtMostTwentySuspectsPerChannel() {
    List<RunningJob> jobs =
        IntStream.range(0, 30)
            .mapToObj(i -> job(i, "root.edi", "started", 5_000, LockState.NOT_HELD))
            .toList();

    List<Sample> out = samples(jobs);

    assertThat(out).filteredOn(s -> s.name().equals(DeadJobSignals.SUSPECT_AGE))
        .hasSize(DeadJobSignals.MAX_NAMED_SUSPECTS);
    assertThat(out)
        .filteredOn(s -> s.name().equals(DeadJobSignals.SUSPECTED))
        .filteredOn(s -> "started".equals(s.labels().get("state")))
        .singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo(30));
  }

  private List<Sample> samples(List<RunningJob> jobs) {
    List<Sample> out = new ArrayList<>();
    signals.addSamples(jobs, Set.of("root.edi"), ACME, out);
    return out;
  }

  private static double value(List<Sample> samples, String name, String channel) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && channel.equals(s.labels().get("channel")))
        .findFirst()
        .orElseThrow()
        .value();
  }

  private static RunningJob job(
      long id, String channel, String state, double ageSeconds, LockState lock) {
    return new RunningJob(id, "u" + id, channel, state, ageSeconds, lock);
  }
}
