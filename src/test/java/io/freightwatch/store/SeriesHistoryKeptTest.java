package io.freightwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeriesHistoryKeptTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final Labels ACME = Labels.of("tenant", "acme");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));

  @Test
  void unreadSeriesKeepLatestSampleOnly() {
    store.keepHistoryOnlyFor(Set.of("read_total"));

    scrapeFourTimes();

    Series read = store.select("read_total", List.of()).get(0);
    Series unread = store.select("unread_total", List.of()).get(0);
    assertThat(read.history().size()).isEqualTo(4);
    assertThat(read.increase(T0.plusSeconds(45), Duration.ofMinutes(1)).getAsDouble())
        .isEqualTo(30.0);
    assertThat(unread.history().size()).isEqualTo(1);
    assertThat(unread.latestValue()).isEqualTo(130.0);
    assertThat(unread.latestTime()).isEqualTo(T0.plusSeconds(45));
  }

  @Test
  void everySeriesKeepsHistoryByDefault() {
    scrapeFourTimes();

    assertThat(store.select("unread_total", List.of()).get(0).history().size()).isEqualTo(4);
  }

  @Test
  void absentUnreadSeriesExpireAfterRetention() {
    store.keepHistoryOnlyFor(Set.of());
    store.applyScrape("a", List.of(Sample.counter("unread_total", "", 1, ACME)), T0);
    store.applyScrape("a", List.of(), T0.plusSeconds(15));

    store.applyScrape("a", List.of(), T0.plusSeconds(15).plus(Duration.ofMinutes(11)));

    assertThat(store.size()).isZero();
  }

  private void scrapeFourTimes() {
    for (int i = 0; i < 4; i++) {
      store.applyScrape("a", List.of(
          Sample.counter("read_total", "", 100 + 10 * i, ACME),
          Sample.counter("unread_total", "", 100 + 10 * i, ACME)), T0.plusSeconds(15L * i));
    }
  }
}
