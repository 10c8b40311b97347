package io.freightwatch.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.collect.traefik.ExpositionFormat;
import io.freightwatch.collect.traefik.ExpositionParser;
import io.freightwatch.collect.traefik.TraefikSignals;
import io.freightwatch.config.IntegrationsConfig;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.RouterMatch;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Counter edge cases from Traefik router counters through {@link TraefikSignals} and the store to
 * the integration ratios: a baseline first scrape, a series that appears on a running process, a
 * restart, and two replicas of which one restarts.
 */
class RouterCounterCasesTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final String ROUTER = "edi-gateway@file";

  private final SeriesStore store = new SeriesStore(Duration.ofHours(1));

  @Test
  void firstSampleNewSeriesAndRestart() {
    IntegrationRatios ratios = ratios(Duration.ofSeconds(30));
    TraefikSignals edge = new TraefikSignals(target("edge"));

    scrape(edge, "edge", 0, codes(1741000000, 1_250_000_000, 52_000, -1));
    ratios.update(store, at(0));
    assertThat(requests("30s")).isZero();
    assertThat(ratio("30s")).isEmpty();

    scrape(edge, "edge", 30, codes(1741000000, 1_250_003_000, 52_006, -1));
    ratios.update(store, at(30));
    assertThat(requests("30s")).isEqualTo(3_006);
    assertThat(ratio("30s")).hasValueCloseTo(6.0 / 3_006, within(1e-12));

    // The first 503 of a running process counts from 0.
    scrape(edge, "edge", 60, codes(1741000000, 1_250_006_000, 52_012, 4));
    ratios.update(store, at(60));
    assertThat(requests("30s")).isEqualTo(3_010);
    assertThat(ratio("30s")).hasValueCloseTo(10.0 / 3_010, within(1e-12));

    // Restart: the new values are the increases, and the vanished 503 adds nothing.
    scrape(edge, "edge", 90, codes(1741600870, 2_400, 3, -1));
    ratios.update(store, at(90));
    assertThat(requests("30s")).isEqualTo(2_403);
    assertThat(ratio("30s")).hasValueCloseTo(3.0 / 2_403, within(1e-12));

    scrape(edge, "edge", 120, codes(1741600870, 5_400, 9, -1));
    ratios.update(store, at(120));
    assertThat(requests("30s")).isEqualTo(3_006);
    assertThat(ratio("30s")).hasValueCloseTo(6.0 / 3_006, within(1e-12));
  }

  @Test
  void replicaRestartCountedPerSeries() {
    IntegrationRatios ratios = ratios(Duration.ofMinutes(1), Duration.ofMinutes(5));
    TraefikSignals a = new TraefikSignals(target("replica-a"));
    TraefikSignals b = new TraefikSignals(target("replica-b"));
    long[][] replicaA = {{100_000, 50}, {100_600, 52}, {101_200, 54}, {101_800, 56}};
    long[][] replicaB = {{80_000, 40}, {80_500, 41}, {400, 1}, {900, 3}};
    long[] startB = {1741000000, 1741000000, 1741003600, 1741003600};

    for (int step = 0; step < 4; step++) {
      int seconds = step * 60;
      scrape(a, "replica-a", seconds, totals(1741000000, replicaA[step]));
      scrape(b, "replica-b", seconds, totals(startB[step], replicaB[step]));
      ratios.update(store, at(seconds));
      if (step == 2) {
        assertThat(requests("1m")).isEqualTo(1_000);
        assertThat(failures("1m")).isEqualTo(3);
      }
    }

    assertThat(requests("5m")).isEqualTo(3_200);
    assertThat(failures("5m")).isEqualTo(10);
    assertThat(ratio("5m")).hasValueCloseTo(0.003125, within(1e-12));
  }

  // ---- helpers

  private static IntegrationRatios ratios(Duration... windows) {
    Integration gateway = new Integration("edi-gateway", List.of(), List.of(),
        List.of(new RouterMatch(Pattern.compile("edi-gateway@.*"))));
    return new IntegrationRatios(new IntegrationsConfig(List.of(windows), List.of(gateway)));
  }

  private static TraefikTarget target(String name) {
    return new TraefikTarget(name, URI.create("http://127.0.0.1:8080/metrics"),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(5), List.of());
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** Parses one Traefik reply and writes its signals as the scheduler would. */
  private void scrape(TraefikSignals signals, String instance, int seconds, String text) {
    List<Sample> samples = signals.update(
        ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT), at(seconds));
    store.applyScrape("target:traefik/" + instance, samples, at(seconds));
    store.applyScrape("health:traefik/" + instance, List.of(Sample.gauge(
        "freightwatch_target_up", "", 1, Labels.of("source", "traefik", "target", instance))),
        at(seconds));
  }

  /** Router counters for codes 200, 500 and, when not negative, 503. */
  private static String codes(long startTime, long ok, long errors, long unavailable) {
    StringBuilder text = new StringBuilder();
    text.append("# TYPE process_start_time_seconds gauge\n");
    text.append("process_start_time_seconds ").append(startTime).append('\n');
    text.append("# TYPE traefik_router_requests_total counter\n");
    text.append(line("200", ok)).append(line("500", errors));
    if (unavailable >= 0) {
      text.append(line("503", unavailable));
    }
    return text.toString();
  }

  /** Router counters whose sum over codes is {@code totalAndErrors[0]}, 5xx being [1]. */
  private static String totals(long startTime, long[] totalAndErrors) {
    return codes(startTime, totalAndErrors[0] - totalAndErrors[1], totalAndErrors[1], -1);
  }

  private static String line(String code, long value) {
    return "traefik_router_requests_total{code=\"" + code + "\",method=\"POST\",protocol=\"http\","
        + "router=\"" + ROUTER + "\",service=\"edi-gateway@file\"} " + value + "\n";
  }

  private double requests(String window) {
    return value(IntegrationRatios.REQUESTS, window).orElseThrow();
  }

  private double failures(String window) {
    return value(IntegrationRatios.FAILURES, window).orElseThrow();
  }

  private OptionalDouble ratio(String window) {
    return value(IntegrationRatios.FAILURE_RATIO, window);
  }

  private OptionalDouble value(String name, String window) {
    Labels labels = Labels.of("integration", "edi-gateway", "window", window);
    List<Double> values = new ArrayList<>();
    for (Series series : store.select(name, List.of())) {
      if (series.labels().equals(labels)) {
        values.add(series.latestValue());
      }
    }
    return values.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(values.get(0));
  }
}
