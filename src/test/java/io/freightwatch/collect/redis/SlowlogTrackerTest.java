package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.redis.SlowlogTracker.Entry;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlowlogTrackerTest {

  private static final Labels REDIS = Labels.of("instance", "sessions");

  @Test
  void firstReplyIsBaseline() {
    SlowlogTracker tracker = new SlowlogTracker();

    List<Sample> out = record(tracker, "run-a", 128, entry(5, 12_000, "KEYS", "session:*"));

    assertThat(find(out, SlowlogTracker.ENTRIES, REDIS.with("command", "KEYS"))).isEmpty();
    assertThat(find(out, SlowlogTracker.MISSED, REDIS)).contains(0.0);
  }

  @Test
  void countsEntriesAboveHighestId() {
    SlowlogTracker tracker = new SlowlogTracker();
    record(tracker, "run-a", 128, entry(5, 12_000, "KEYS", "session:*"));

    List<Sample> out = record(tracker, "run-a", 128,
        entry(7, 25_000, "keys", "session:*"), entry(6, 12_345, "SET", "k", "v"),
        entry(5, 12_000, "KEYS", "session:*"));

    Labels keys = REDIS.with("command", "KEYS");
    assertThat(find(out, SlowlogTracker.ENTRIES, keys)).contains(1.0);
    assertThat(find(out, SlowlogTracker.DURATION, keys)).contains(0.025);
    assertThat(find(out, SlowlogTracker.MAX_DURATION, REDIS.with("command", "SET")))
        .contains(0.012345);
  }

  @Test
  void restartCountsEveryNewEntry() {
    SlowlogTracker tracker = new SlowlogTracker();
    record(tracker, "run-a", 128, entry(40, 1_000, "GET", "a"));

    List<Sample> out = record(tracker, "run-b", 128, entry(1, 1_000, "GET", "a"),
        entry(0, 1_000, "GET", "b"));

    assertThat(find(out, SlowlogTracker.ENTRIES, REDIS.with("command", "GET"))).contains(2.0);
  }

  @Test
  void fullReplyWithGapCountsMissed() {
    SlowlogTracker tracker = new SlowlogTracker();
    record(tracker, "run-a", 2, entry(10, 1_000, "GET", "a"));

    List<Sample> out = record(tracker, "run-a", 2, entry(15, 1_000, "GET", "a"),
        entry(14, 1_000, "GET", "a"));

    assertThat(find(out, SlowlogTracker.MISSED, REDIS)).contains(3.0);
  }

  @Test
  void argumentsNeverLeaveTheAgent() {
    Entry config = entry(1, 10, "config", "set", "requirepass", "hunter2");
    Entry truncated = entry(2, 10, "DEL", "k1", "k2", "... (10 more arguments)");

    assertThat(config.command()).isEqualTo("CONFIG SET");
    assertThat(config.redacted()).isEqualTo("CONFIG SET ? ?");
    assertThat(truncated.redacted()).isEqualTo("DEL" + " ?".repeat(12));
  }

  @Test
  void latestInfoCarriesRedactedCommand() {
    SlowlogTracker tracker = new SlowlogTracker();
    record(tracker, "run-a", 128);

    List<Sample> out = record(tracker, "run-a", 128, entry(1, 99, "SET", "session:x", "payload"));

    assertThat(out).filteredOn(s -> s.name().equals(SlowlogTracker.LATEST))
        .singleElement()
        .satisfies(sample -> {
          assertThat(sample.labels().get("redacted")).isEqualTo("SET ? ?");
          assertThat(sample.labels().toString()).doesNotContain("payload");
        });
  }

  @Test
  void parsesReplyElement() {
    Entry entry = Entry.parse(List.of(3L, 1_741_600_800L, 15_000L, List.of("GET", "k"),
        "127.0.0.1:5000", "odoo-worker"));

    assertThat(entry.id()).isEqualTo(3);
    assertThat(entry.durationMicros()).isEqualTo(15_000);
    assertThat(entry.clientName()).isEqualTo("odoo-worker");
  }

  private static List<Sample> record(SlowlogTracker tracker, String runId, int requested,
      Entry... entries) {
    List<Sample> out = new ArrayList<>();
    tracker.addSamples(REDIS, runId, List.of(entries), requested, out);
    return out;
  }

  private static Entry entry(long id, long micros, String... arguments) {
    return new Entry(id, 1_741_600_800L, micros, List.of(arguments), "");
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }
}
