package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.ArchiverQuery.Archiver;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArchiverQueryTest {

  private static final Labels SERVER = Labels.of("cluster", "eu1", "instance", "db-1");
  private static final Instant NOW = Instant.parse("2025-03-10T03:00:00Z");

  @Test
  void failingArchiverPutsRecoveryAtRisk() {
    Archiver archiver = new Archiver("on", 1_500, 42, Instant.parse("2025-03-10T02:00:00Z"),
        Instant.parse("2025-03-10T02:59:30Z"), NOW);

    List<Sample> out = samples(archiver, false);

    assertThat(find(out, ArchiverQuery.FAILING)).contains(1.0);
    assertThat(find(out, ArchiverQuery.LAST_ARCHIVED_AGE)).contains(3_600.0);
    assertThat(find(out, ArchiverQuery.FAILED)).contains(42.0);
  }

  @Test
  void recoveredArchiverIsNotFailing() {
    Archiver archiver = new Archiver("on", 1_501, 42, Instant.parse("2025-03-10T02:59:50Z"),
        Instant.parse("2025-03-10T02:59:30Z"), NOW);

    assertThat(find(samples(archiver, false), ArchiverQuery.FAILING)).contains(0.0);
  }

  @Test
  void archivingOffReportsOnlySetting() {
    List<Sample> out = samples(new Archiver("off", 0, 0, null, null, NOW), false);

    assertThat(out).extracting(Sample::name).containsExactly(ArchiverQuery.ENABLED);
    assertThat(find(out, ArchiverQuery.ENABLED)).contains(0.0);
  }

  @Test
  void standbyWithModeOnDoesNotArchive() {
    List<Sample> out = samples(new Archiver("on", 9, 0, NOW, null, NOW), true);

    assertThat(find(out, ArchiverQuery.ENABLED)).contains(0.0);
    assertThat(find(out, ArchiverQuery.FAILING)).isEmpty();
  }

  private static List<Sample> samples(Archiver archiver, boolean inRecovery) {
    List<Sample> out = new ArrayList<>();
    ArchiverQuery.addSamples(SERVER, archiver, inRecovery, out);
    return out;
  }

  private static Optional<Double> find(List<Sample> samples, String name) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(SERVER))
        .map(Sample::value)
        .findFirst();
  }
}
