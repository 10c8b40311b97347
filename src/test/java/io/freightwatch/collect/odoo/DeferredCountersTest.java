package io.freightwatch.collect.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import org.junit.jupiter.api.Test;

class DeferredCountersTest {

  private static final Labels EDI = Labels.of("channel", "root.edi");
  private static final Labels MAIL = Labels.of("channel", "root.mail");
  private static final Labels OTHER = Labels.of("channel", "other");

  @Test
  void newSeriesShowsZeroFirst() {
    DeferredCounters counters = new DeferredCounters(10, OTHER);

    counters.startScrape();
    counters.add(EDI, 1);
    counters.add(EDI, 2);
    double first = counters.values().get(EDI);
    counters.startScrape();
    double second = counters.values().get(EDI);

    assertThat(first).isZero();
    assertThat(second).isEqualTo(3);
  }

  @Test
  void knownSeriesCountsAtOnce() {
    DeferredCounters counters = new DeferredCounters(10, OTHER);
    counters.register(EDI);

    counters.startScrape();
    counters.add(EDI, 2);
    counters.add(EDI, 1);

    assertThat(counters.values().get(EDI)).isEqualTo(3);
  }

  @Test
  void deferredAndLaterIncrementsAddUp() {
    DeferredCounters counters = new DeferredCounters(10, OTHER);

    counters.startScrape();
    counters.add(EDI, 1);
    counters.add(EDI, 1);
    counters.startScrape();
    counters.add(EDI, 5);

    assertThat(counters.values().get(EDI)).isEqualTo(7);
  }

  @Test
  void seriesBeyondCapGoToOverflow() {
    DeferredCounters counters = new DeferredCounters(1, OTHER);
    counters.register(EDI);

    counters.startScrape();
    counters.add(MAIL, 4);
    counters.startScrape();

    assertThat(counters.values()).containsOnlyKeys(EDI, OTHER);
    assertThat(counters.values().get(OTHER)).isEqualTo(4);
  }
}
