package io.freightwatch.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Sample;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrapePhaseTest {

  private static final Duration INTERVAL = Duration.ofSeconds(30);

  @Test
  void phaseIsStableForTarget() {
    long first = CollectorScheduler.phase(collector("acme"));
    long again = CollectorScheduler.phase(collector("acme"));

    assertThat(again).isEqualTo(first);
  }

  @Test
  void phasesSpreadOverInterval() {
    int[] quarters = new int[4];
    for (int i = 0; i < 400; i++) {
      long phase = CollectorScheduler.phase(collector("tenant" + i));
      assertThat(phase).isBetween(1L, INTERVAL.toMillis());
      quarters[(int) ((phase - 1) * 4 / INTERVAL.toMillis())]++;
    }

    List<Integer> counts = new ArrayList<>();
    for (int count : quarters) {
      counts.add(count);
    }
    assertThat(counts).as("targets per quarter of the interval").allMatch(count -> count > 60);
  }

  private static Collector collector(String tenant) {
    return new Collector() {
      @Override
      public TargetId target() {
        return new TargetId("odoo", tenant);
      }

      @Override
      public Duration interval() {
        return INTERVAL;
      }

      @Override
      public Future<List<Sample>> scrape(ScrapeContext context) {
        return Future.succeededFuture(List.of());
      }
    };
  }
}
