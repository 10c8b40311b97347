package io.freightwatch.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A Traefik entry point scraped every 30 s from the agent's start: the first sample is a
 * baseline, a 503 series that appears later counts from 0, and a restart counts the new values.
 */
class CounterDeltasTest {

  private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
  private static final String REQUESTS = "traefik_entrypoint_requests_total";
  private static final String START = "process_start_time_seconds";

  private SeriesStore store = new SeriesStore(Duration.ofMinutes(30));
  private final CounterDeltas deltas = new CounterDeltas();

  @Test
  void firstSampleIsBaselineOnly() {
    Map<String, Double> increases = scrape(0, 1741000000, 1_250_000_000, 52_000, -1);

    assertThat(increases).isEmpty();
  }

  @Test
  void countsIncreasesAcrossNewSeriesAndRestart() {
    scrape(0, 1741000000, 1_250_000_000, 52_000, -1);

    Map<String, Double> at30 = scrape(30, 1741000000, 1_250_003_000, 52_006, -1);
    assertThat(at30).containsExactlyInAnyOrderEntriesOf(Map.of("200", 3000.0, "500", 6.0));
    assertThat(errorRatio(at30)).isCloseTo(0.00200, offset(0.000005));

    Map<String, Double> at60 = scrape(60, 1741000000, 1_250_006_000, 52_012, 4);
    assertThat(at60)
        .containsExactlyInAnyOrderEntriesOf(Map.of("200", 3000.0, "500", 6.0, "503", 4.0));
    assertThat(errorRatio(at60)).isCloseTo(0.00332, offset(0.000005));

    Map<String, Double> at90 = scrape(90, 1741600870, 2_400, 3, -1);
    assertThat(at90).containsExactlyInAnyOrderEntriesOf(Map.of("200", 2400.0, "500", 3.0));
    assertThat(errorRatio(at90)).isCloseTo(0.00125, offset(0.000005));

    Map<String, Double> at120 = scrape(120, 1741600870, 5_400, 9, -1);
    assertThat(at120).containsExactlyInAnyOrderEntriesOf(Map.of("200", 3000.0, "500", 6.0));
    assertThat(errorRatio(at120)).isCloseTo(0.00200, offset(0.000005));
  }

  @Test
  void restartWithoutDropCountsNewValue() {
    scrape(0, 1741000000, 1000, 10, -1);

    // The process restarted and counted past its old values before the next scrape: only the
    // start time shows it, and the new values are the increase.
    Map<String, Double> increases = scrape(30, 1741000500, 1500, 12, -1);

    assertThat(increases).containsExactlyInAnyOrderEntriesOf(Map.of("200", 1500.0, "500", 12.0));
  }

  @Test
  void agentRestartStartsFromBaseline() {
    scrape(0, 1741000000, 1_250_000_000, 52_000, -1);
    scrape(30, 1741000000, 1_250_003_000, 52_006, -1);

    // The restarted agent has an empty store and fresh counter state.
    store = new SeriesStore(Duration.ofMinutes(30));
    CounterDeltas afterRestart = new CounterDeltas();
    Map<String, Double> increases = scrape(afterRestart, 60, 1741000000, 1_250_006_000, 52_012,
        -1);

    assertThat(increases).isEmpty();
  }

  private Map<String, Double> scrape(int seconds, double start, double ok, double errors,
      double unavailable) {
    return scrape(deltas, seconds, start, ok, errors, unavailable);
  }

  /** Scrapes one sample set; a negative {@code unavailable} leaves the 503 series out. */
  private Map<String, Double> scrape(CounterDeltas target, int seconds, double start, double ok,
      double errors, double unavailable) {
    Instant now = T0.plusSeconds(seconds);
    Labels base = Labels.of("instance", "traefik-0", "entrypoint", "websecure", "method", "GET",
        "protocol", "http");
    List<Sample> samples = new ArrayList<>();
    samples.add(Sample.gauge(START, "", start, Labels.of("instance", "traefik-0")));
    samples.add(Sample.counter(REQUESTS, "", ok, base.with("code", "200")));
    samples.add(Sample.counter(REQUESTS, "", errors, base.with("code", "500")));
    if (unavailable >= 0) {
      samples.add(Sample.counter(REQUESTS, "", unavailable, base.with("code", "503")));
    }
    store.applyScrape("target:traefik/edge", samples, now);

    target.observeStartTimes(store.select(START, List.of()));
    Map<String, Double> increases = new TreeMap<>();
    target.update(store.select(REQUESTS, List.of(LabelMatcher.equal("entrypoint", "websecure"))),
        now, (labels, from, to, increase) -> increases.merge(labels.get("code"), increase,
            Double::sum));
    return increases;
  }

  private static double errorRatio(Map<String, Double> increases) {
    double total = increases.values().stream().mapToDouble(Double::doubleValue).sum();
    double errors = increases.entrySet().stream()
        .filter(e -> e.getKey().startsWith("5"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
    return errors / total;
  }
}
