package io.freightwatch.bench;

import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.slo.SloEngine;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Measures the heap that the benchmark's 10,000 series (with 60 samples each) and its 200 SLOs
 * retain, as the difference of used heap after repeated garbage collections. An estimate: run it
 * with a serial collector and a fixed heap for steady numbers, as bench/RESULTS.md shows.
 */
public final class MemoryFootprint {

  private MemoryFootprint() {}

  public static void main(String[] args) {
    long empty = usedHeap();
    SeriesStore store = new SeriesStore(Duration.ofMinutes(20));
    Instant now = Instant.parse("2026-03-10T08:00:00Z");
    for (int step = 0; step < 60; step++) {
      RuleEvaluationBenchmark.scrape(store, step, now);
      now = now.plus(RuleEvaluationBenchmark.STEP);
    }
    long withSeries = usedHeap();
    int series = store.size();
    SloEngine slos = new SloEngine(store, OperationalCalendar.EMPTY, Optional.empty());
    slos.install(slos.prepare(RuleEvaluationBenchmark.slos(), now));
    slos.update(now);
    long withSlos = usedHeap();

    System.out.printf("series=%d samples_per_series=60 bytes_per_series=%d%n", series,
        (withSeries - empty) / series);
    System.out.printf("slos=%d bytes_per_slo=%d%n", slos.specs().size(),
        (withSlos - withSeries) / slos.specs().size());
    // Keeps both alive until after the last measurement.
    System.out.println(store.size() + slos.statuses().size() > 0 ? "done" : "");
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
