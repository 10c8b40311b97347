package io.freightwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-10T14:00:00Z");
  private static final Labels ACME = Labels.of("tenant", "acme");

  private final SeriesStore store = new SeriesStore(Duration.ofMinutes(10));

  @Test
  void replacesSeriesOfOneOwner() {
    store.applyScrape("a", List.of(Sample.gauge("x", "", 1, ACME),
        Sample.gauge("y", "", 2, ACME)), T0);
    store.applyScrape("b", List.of(Sample.gauge("x", "", 3, Labels.of("tenant", "b"))), T0);

    store.applyScrape("a", List.of(Sample.gauge("x", "", 5, ACME)), T0.plusSeconds(15));

    assertThat(store.select("x", List.of())).extracting(Series::latestValue)
        .containsExactlyInAnyOrder(5.0, 3.0);
    assertThat(store.select("y", List.of())).isEmpty();
  }

  @Test
  void failedScrapeMarksSeriesStale() {
    store.applyScrape("a", List.of(Sample.gauge("x", "", 1, ACME)), T0);

    store.markFailed("a");

    Series series = store.select("x", List.of()).get(0);
    assertThat(series.isStale()).isTrue();
    assertThat(series.latestValue()).isEqualTo(1);

    store.applyScrape("a", List.of(Sample.gauge("x", "", 2, ACME)), T0.plusSeconds(15));
    assertThat(store.select("x", List.of()).get(0).isStale()).isFalse();
  }

  @Test
  void selectAppliesMatchers() {
    store.applyScrape("a", List.of(
        Sample.gauge("jobs", "", 1, Labels.of("channel", "root.edi.order_import")),
        Sample.gauge("jobs", "", 2, Labels.of("channel", "root.carrier")),
        Sample.gauge("jobs", "", 3, Labels.of("channel", "root"))), T0);

    assertThat(store.select("jobs", List.of(LabelMatcher.parse("channel", "=~root\\.edi.*"))))
        .extracting(Series::latestValue).containsExactly(1.0);
    assertThat(store.select("jobs", List.of(LabelMatcher.parse("channel", "!=root"))))
        .hasSize(2);
    assertThat(store.select("jobs", List.of(LabelMatcher.parse("missing", ""))))
        .hasSize(3);
  }

  @Test
  void increaseNeedsTwoSamplesInWindow() {
    store.applyScrape("a", List.of(Sample.counter("c_total", "", 10, ACME)), T0);
    Series series = store.select("c_total", List.of()).get(0);

    assertThat(series.increase(T0, Duration.ofMinutes(5))).isEmpty();

    store.applyScrape("a", List.of(Sample.counter("c_total", "", 25, ACME)), T0.plusSeconds(30));
    assertThat(series.increase(T0.plusSeconds(30), Duration.ofMinutes(5))).hasValue(15);
    assertThat(series.rate(T0.plusSeconds(30), Duration.ofMinutes(5))).hasValue(15 / 300.0);
  }

  @Test
  void increaseOnlyReadsSamplesInsideWindow() {
    for (int i = 0; i <= 10; i++) {
      store.applyScrape("a", List.of(Sample.counter("c_total", "", i * 100, ACME)),
          T0.plusSeconds(60L * i));
    }
    Series series = store.select("c_total", List.of()).get(0);

    // Samples at 7, 8, 9 and 10 minutes fall inside (6m, 10m]: 700 -> 1000.
    assertThat(series.increase(T0.plusSeconds(600), Duration.ofMinutes(4))).hasValue(300);
  }

  @Test
  void historyIsTrimmedToRetention() {
    for (int i = 0; i <= 20; i++) {
      store.applyScrape("a", List.of(Sample.counter("c_total", "", i, ACME)),
          T0.plusSeconds(60L * i));
    }
    Series series = store.select("c_total", List.of()).get(0);

    assertThat(series.history().size()).isEqualTo(11);
    assertThat(series.history().timeAt(0)).isEqualTo(T0.plusSeconds(600).toEpochMilli());
  }

  @Test
  void absentSeriesForgottenAfterRetention() {
    store.applyScrape("a", List.of(Sample.gauge("x", "", 1, ACME)), T0);
    store.applyScrape("a", List.of(), T0.plusSeconds(15));
    assertThat(store.size()).isEqualTo(1);

    store.applyScrape("a", List.of(), T0.plusSeconds(700));

    assertThat(store.size()).isZero();
  }
}
