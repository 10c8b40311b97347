package io.freightwatch.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.config.IntegrationsConfig;
import io.freightwatch.config.IntegrationsConfig.EdiMatch;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.QueueJobMatch;
import io.freightwatch.config.IntegrationsConfig.RouterMatch;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Mapping of call counters to integrations and the windowed failure ratio maths. */
class IntegrationRatiosTest {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final String FINISHED = "freightwatch_odoo_queue_job_finished_total";
  static final String EXCHANGES = "freightwatch_odoo_edi_exchanges_total";
  static final String EXCHANGE_ERRORS = "freightwatch_odoo_edi_exchange_errors_total";

  private static final Integration DHL = new Integration("dhl",
      List.of(new QueueJobMatch(Optional.empty(), Optional.of("root.carrier.dhl"),
          Optional.empty(), Optional.empty())),
      List.of(), List.of(new RouterMatch(Pattern.compile("dhl-hook-(?<tenant>[a-z]+)@file"))));
  private static final Integration CARRIERS = new Integration("carriers",
      List.of(new QueueJobMatch(Optional.empty(), Optional.of("root.carrier"), Optional.empty(),
          Optional.empty())), List.of(), List.of());
  private static final Integration EDI_HUB = new Integration("edi-hub",
      List.of(new QueueJobMatch(Optional.of("root.edi"), Optional.empty(),
          Optional.of("edi.exchange.record"), Optional.of("action_exchange_send"))),
      List.of(new EdiMatch("hub", Optional.empty())), List.of());

  private final SeriesStore store = new SeriesStore(Duration.ofHours(1));

  @Test
  void channelPrefixMatchesSubChannelsOnly() {
    QueueJobMatch prefix = DHL.queueJobs().get(0);

    assertThat(prefix.matches("root.carrier.dhl", "stock.picking", "send")).isTrue();
    assertThat(prefix.matches("root.carrier.dhl.labels", "stock.picking", "send")).isTrue();
    assertThat(prefix.matches("root.carrier.dhlx", "stock.picking", "send")).isFalse();
    assertThat(prefix.matches("root.carrier", "stock.picking", "send")).isFalse();
  }

  @Test
  void exactChannelNeedsModelAndMethod() {
    QueueJobMatch exact = EDI_HUB.queueJobs().get(0);

    assertThat(exact.matches("root.edi", "edi.exchange.record", "action_exchange_send")).isTrue();
    assertThat(exact.matches("root.edi.out", "edi.exchange.record", "action_exchange_send"))
        .isFalse();
    assertThat(exact.matches("root.edi", "edi.exchange.record", "action_exchange_receive"))
        .isFalse();
    assertThat(exact.matches("root.edi", "sale.order", "action_exchange_send")).isFalse();
  }

  @Test
  void routerPatternGivesTenant() {
    RouterMatch router = DHL.traefikRouters().get(0);
    RouterMatch plain = new RouterMatch(Pattern.compile("dpd-.*"));

    assertThat(router.tenantOf("dhl-hook-acme@file")).contains("acme");
    assertThat(router.tenantOf("dhl-hook-acme@kubernetes")).isEmpty();
    assertThat(plain.tenantOf("dpd-api@file")).contains("");
  }

  @Test
  void firstMatchingIntegrationWins() {
    IntegrationRatios ratios = ratios(List.of(DHL, CARRIERS), Duration.ofMinutes(5));
    Labels dhl = job("acme", "root.carrier.dhl", "done");
    Labels dpd = job("acme", "root.carrier.dpd", "done");
    scrapeOdoo("acme", T0, sample(dhl, 100), sample(dpd, 50));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(30), sample(dhl, 110), sample(dpd, 53));

    ratios.update(store, T0.plusSeconds(30));

    assertThat(requests("dhl", "acme", "5m")).isEqualTo(10);
    assertThat(requests("carriers", "acme", "5m")).isEqualTo(3);
    assertThat(matched("dhl")).isEqualTo(1);
    assertThat(matched("carriers")).isEqualTo(1);
  }

  @Test
  void firstScrapeIsBaselineOnly() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(5));
    scrapeOdoo("acme", T0, sample(job("acme", "root.carrier.dhl", "done"), 1_250_000_000),
        sample(job("acme", "root.carrier.dhl", "failed"), 52_000));

    ratios.update(store, T0);

    assertThat(requests("dhl", "acme", "5m")).isZero();
    assertThat(ratio("dhl", "acme", "5m")).isEmpty();
  }

  @Test
  void sumsIncreasesPerSeriesAcrossTenants() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(5));
    scrapeOdoo("acme", T0, sample(job("acme", "root.carrier.dhl", "done"), 1_000),
        sample(job("acme", "root.carrier.dhl", "failed"), 10));
    scrapeOdoo("globex", T0, sample(job("globex", "root.carrier.dhl", "done"), 70));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(30), sample(job("acme", "root.carrier.dhl", "done"), 1_090),
        sample(job("acme", "root.carrier.dhl", "failed"), 20));
    scrapeOdoo("globex", T0.plusSeconds(30),
        sample(job("globex", "root.carrier.dhl", "done"), 80));

    ratios.update(store, T0.plusSeconds(30));

    assertThat(requests("dhl", "acme", "5m")).isEqualTo(100);
    assertThat(failures("dhl", "acme", "5m")).isEqualTo(10);
    assertThat(ratio("dhl", "acme", "5m")).hasValueCloseTo(0.1, within(1e-12));
    assertThat(requests("dhl", "globex", "5m")).isEqualTo(10);
    assertThat(ratio("dhl", "globex", "5m")).hasValue(0.0);
  }

  @Test
  void dropIsResetWithNewValueAsIncrease() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(5));
    Labels done = job("acme", "root.carrier.dhl", "done");
    Labels failed = job("acme", "root.carrier.dhl", "failed");
    scrapeOdoo("acme", T0, sample(done, 5_000), sample(failed, 40));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(30), sample(done, 5_100), sample(failed, 50));
    ratios.update(store, T0.plusSeconds(30));
    scrapeOdoo("acme", T0.plusSeconds(60), sample(done, 30), sample(failed, 2));

    ratios.update(store, T0.plusSeconds(60));

    assertThat(requests("dhl", "acme", "5m")).isEqualTo(110 + 32);
    assertThat(failures("dhl", "acme", "5m")).isEqualTo(12);
  }

  @Test
  void newSeriesOnScrapedTenantCountsFromZero() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(5));
    Labels done = job("acme", "root.carrier.dhl", "done");
    scrapeOdoo("acme", T0);
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(30), sample(done, 3));
    ratios.update(store, T0.plusSeconds(30));
    scrapeOdoo("acme", T0.plusSeconds(60), sample(done, 5),
        sample(job("acme", "root.carrier.dhl", "failed"), 4));

    ratios.update(store, T0.plusSeconds(60));

    assertThat(requests("dhl", "acme", "5m")).isEqualTo(3 + 2 + 4);
    assertThat(failures("dhl", "acme", "5m")).isEqualTo(4);
  }

  @Test
  void seriesOfUnscrapedTenantIsBaseline() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(5));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(30), sample(job("acme", "root.carrier.dhl", "done"), 900));

    ratios.update(store, T0.plusSeconds(30));

    assertThat(requests("dhl", "acme", "5m")).isZero();
  }

  @Test
  void windowsDropOldIncreases() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(1), Duration.ofMinutes(5));
    Labels done = job("acme", "root.carrier.dhl", "done");
    Labels failed = job("acme", "root.carrier.dhl", "failed");
    scrapeOdoo("acme", T0, sample(done, 0), sample(failed, 0));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(60), sample(done, 10), sample(failed, 10));
    ratios.update(store, T0.plusSeconds(60));
    scrapeOdoo("acme", T0.plusSeconds(120), sample(done, 40), sample(failed, 10));

    ratios.update(store, T0.plusSeconds(120));

    assertThat(requests("dhl", "acme", "1m")).isEqualTo(30);
    assertThat(ratio("dhl", "acme", "1m")).hasValue(0.0);
    assertThat(requests("dhl", "acme", "5m")).isEqualTo(50);
    assertThat(ratio("dhl", "acme", "5m")).hasValueCloseTo(0.2, within(1e-12));

    ratios.update(store, T0.plusSeconds(600));

    assertThat(requests("dhl", "acme", "1m")).isZero();
    assertThat(requests("dhl", "acme", "5m")).isZero();
    assertThat(ratio("dhl", "acme", "5m")).isEmpty();
  }

  @Test
  void idleIntegrationReportsZeroCalls() {
    IntegrationRatios ratios = ratios(List.of(DHL, EDI_HUB), Duration.ofMinutes(5));

    ratios.update(store, T0);

    assertThat(requests("edi-hub", "", "5m")).isZero();
    assertThat(failures("edi-hub", "", "5m")).isZero();
    assertThat(ratio("edi-hub", "", "5m")).isEmpty();
    assertThat(matched("edi-hub")).isZero();
    assertThat(allValues(IntegrationRatios.REQUESTS)).allMatch(Double::isFinite);
  }

  @Test
  void ediErrorsOverExchangesCappedAtOne() {
    IntegrationRatios ratios = ratios(List.of(EDI_HUB), Duration.ofMinutes(5));
    Labels labels = Labels.of("tenant", "acme", "cluster", "eu1", "backend", "hub",
        "exchange_type", "desadv");
    scrapeOdoo("acme", T0, counter(EXCHANGES, labels, 500), counter(EXCHANGE_ERRORS, labels, 7));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(30), counter(EXCHANGES, labels, 520),
        counter(EXCHANGE_ERRORS, labels, 9));
    ratios.update(store, T0.plusSeconds(30));

    assertThat(requests("edi-hub", "acme", "5m")).isEqualTo(20);
    assertThat(ratio("edi-hub", "acme", "5m")).hasValueCloseTo(0.1, within(1e-12));

    // Old exchanges failing after the window's exchanges were created: more errors than calls.
    scrapeOdoo("acme", T0.plusSeconds(400), counter(EXCHANGES, labels, 521),
        counter(EXCHANGE_ERRORS, labels, 12));
    ratios.update(store, T0.plusSeconds(400));

    assertThat(requests("edi-hub", "acme", "5m")).isEqualTo(1);
    assertThat(failures("edi-hub", "acme", "5m")).isEqualTo(3);
    assertThat(ratio("edi-hub", "acme", "5m")).hasValue(1.0);
  }

  @Test
  void updatesWithinGapWaitForNext() {
    IntegrationRatios ratios = ratios(List.of(DHL), Duration.ofMinutes(5));
    Labels done = job("acme", "root.carrier.dhl", "done");
    scrapeOdoo("acme", T0, sample(done, 100));
    ratios.update(store, T0);
    scrapeOdoo("acme", T0.plusSeconds(2), sample(done, 130));
    ratios.update(store, T0.plusSeconds(2));

    assertThat(requests("dhl", "acme", "5m")).isZero();

    scrapeOdoo("acme", T0.plusSeconds(4), sample(done, 150));
    ratios.update(store, T0.plusSeconds(6));

    assertThat(requests("dhl", "acme", "5m")).isEqualTo(50);
  }

  // ---- helpers

  private static IntegrationRatios ratios(List<Integration> partners, Duration... windows) {
    return new IntegrationRatios(new IntegrationsConfig(List.of(windows), partners));
  }

  static Labels job(String tenant, String channel, String outcome) {
    return Labels.of("tenant", tenant, "cluster", "eu1", "channel", channel, "model",
        "stock.picking", "method", "send_shipping", "outcome", outcome);
  }

  private static Sample sample(Labels labels, double value) {
    return counter(FINISHED, labels, value);
  }

  private static Sample counter(String name, Labels labels, double value) {
    return Sample.counter(name, "", value, labels);
  }

  /** Writes one successful tenant scrape the way the scheduler does, health series included. */
  private void scrapeOdoo(String tenant, Instant time, Sample... samples) {
    store.applyScrape("target:odoo/" + tenant, List.of(samples), time);
    store.applyScrape("health:odoo/" + tenant, List.of(Sample.gauge("freightwatch_target_up", "",
        1, Labels.of("source", "odoo", "target", tenant))), time);
  }

  private double requests(String integration, String tenant, String window) {
    return value(IntegrationRatios.REQUESTS, integration, tenant, window).orElseThrow();
  }

  private double failures(String integration, String tenant, String window) {
    return value(IntegrationRatios.FAILURES, integration, tenant, window).orElseThrow();
  }

  private OptionalDouble ratio(String integration, String tenant, String window) {
    return value(IntegrationRatios.FAILURE_RATIO, integration, tenant, window);
  }

  private double matched(String integration) {
    return store.select(IntegrationRatios.MATCHED_SERIES, List.of()).stream()
        .filter(s -> s.labels().equals(Labels.of("integration", integration)))
        .mapToDouble(Series::latestValue).findFirst().orElseThrow();
  }

  private OptionalDouble value(String name, String integration, String tenant, String window) {
    Labels labels = Labels.of("integration", integration, "tenant", tenant, "window", window);
    return store.select(name, List.of()).stream()
        .filter(s -> s.labels().equals(labels))
        .mapToDouble(Series::latestValue).findFirst();
  }

  private List<Double> allValues(String name) {
    List<Double> values = new ArrayList<>();
    store.select(name, List.of()).forEach(s -> values.add(s.latestValue()));
    return values;
  }
}
