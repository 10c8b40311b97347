package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.collect.postgres.DatabaseStatsQuery.Counters;
import io.freightwatch.collect.postgres.DatabaseStatsQuery.DatabaseRow;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DatabaseSignalsTest {

  private static final Labels SERVER = Labels.of("cluster", "eu1", "instance", "db-1");
  private static final Labels ACME = SERVER.with("database", "odoo_acme");
  private static final Instant T0 = Instant.parse("2025-03-10T10:00:00Z");
  private static final Instant RESET = Instant.parse("2025-03-01T00:00:00Z");

  @Test
  void intervalRatiosFromDeltas() {
    DatabaseSignals signals = new DatabaseSignals();
    signals.addSamples(SERVER, List.of(row(T0, RESET, counters(100, 10, 50, 950, 1, 4096), 0)),
        OptionalLong.empty(), OptionalLong.empty(), new ArrayList<>());

    List<Sample> out = new ArrayList<>();
    signals.addSamples(SERVER,
        List.of(row(T0.plusSeconds(15), RESET, counters(130, 20, 60, 1040, 3, 8192), 0)),
        OptionalLong.empty(), OptionalLong.empty(), out);

    assertThat(find(out, DatabaseSignals.CACHE_HIT_RATIO)).contains(0.9);
    assertThat(find(out, DatabaseSignals.ROLLBACK_RATIO)).contains(0.25);
    assertThat(find(out, DatabaseSignals.INTERVAL_DEADLOCKS)).contains(2.0);
    assertThat(find(out, DatabaseSignals.INTERVAL_TEMP_BYTES)).contains(4096.0);
    assertThat(find(out, DatabaseSignals.DEADLOCKS)).contains(3.0);
  }

  @Test
  void statsResetLeavesIntervalUnknown() {
    DatabaseSignals signals = new DatabaseSignals();
    signals.addSamples(SERVER, List.of(row(T0, RESET, counters(100, 10, 50, 950, 1, 4096), 0)),
        OptionalLong.empty(), OptionalLong.empty(), new ArrayList<>());

    List<Sample> out = new ArrayList<>();
    signals.addSamples(SERVER,
        List.of(row(T0.plusSeconds(15), T0.plusSeconds(10), counters(3, 0, 1, 9, 0, 0), 0)),
        OptionalLong.empty(), OptionalLong.empty(), out);

    assertThat(find(out, DatabaseSignals.INTERVAL_DEADLOCKS)).isEmpty();
    assertThat(find(out, DatabaseSignals.CACHE_HIT_RATIO)).isEmpty();
    assertThat(find(out, DatabaseSignals.COMMITS)).contains(3.0);
  }

  @Test
  void forecastsDaysUntilVolumeFull() {
    DatabaseSignals signals = new DatabaseSignals();
    long gib = 1L << 30;
    List<Sample> out = new ArrayList<>();
    for (int hour = 0; hour <= 4; hour++) {
      out.clear();
      Instant at = T0.plus(Duration.ofHours(hour));
      long size = 10 * gib + hour * (gib / 24);
      signals.addSamples(SERVER, List.of(row(at, RESET, counters(1, 0, 0, 1, 0, 0), size)),
          OptionalLong.of(gib), OptionalLong.of(100 * gib), out);
    }

    // One GiB a day, 89 GiB free after four hours: 89 days.
    double seconds = find(out, DatabaseSignals.UNTIL_FULL, SERVER).orElseThrow();
    assertThat(seconds / 86_400).isCloseTo(89.0 - 4.0 / 24, within(0.01));
    assertThat(find(out, DatabaseSignals.GROWTH, SERVER).orElseThrow())
        .isCloseTo(gib / 86_400.0, within(1.0));
  }

  @Test
  void noForecastWithinFirstHour() {
    DatabaseSignals signals = new DatabaseSignals();
    List<Sample> out = new ArrayList<>();
    signals.addSamples(SERVER, List.of(row(T0, RESET, counters(1, 0, 0, 1, 0, 0), 1_000)),
        OptionalLong.of(0), OptionalLong.of(1_000_000), out);
    signals.addSamples(SERVER,
        List.of(row(T0.plusSeconds(600), RESET, counters(1, 0, 0, 1, 0, 0), 2_000)),
        OptionalLong.of(0), OptionalLong.of(1_000_000), out);

    assertThat(find(out, DatabaseSignals.UNTIL_FULL, SERVER)).isEmpty();
    assertThat(find(out, DatabaseSignals.VOLUME_SIZE, SERVER)).contains(1_000_000.0);
  }

  private static Counters counters(long commits, long rollbacks, long read, long hit,
      long deadlocks, long tempBytes) {
    return new Counters(commits, rollbacks, read, hit, deadlocks, 0, tempBytes);
  }

  private static DatabaseRow row(Instant at, Instant reset, Counters counters, long size) {
    return new DatabaseRow("odoo_acme", at, reset, counters,
        size > 0 ? OptionalLong.of(size) : OptionalLong.empty());
  }

  private static Optional<Double> find(List<Sample> samples, String name) {
    return find(samples, name, ACME);
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .reduce((first, second) -> second);
  }
}
