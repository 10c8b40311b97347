package io.freightwatch.integrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.collect.traefik.TraefikCollector;
import io.freightwatch.config.IntegrationsConfig;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.QueueJobMatch;
import io.freightwatch.config.IntegrationsConfig.RouterMatch;
import io.freightwatch.config.TraefikTarget;
import io.freightwatch.lab.TraefikStandIn;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feeds the integration ratios from real counters: finished jobs counted in an Odoo 17 shaped
 * {@code queue_job} table on the test PostgreSQL, written to the store as the tenant collector
 * writes its series, and router requests that the real Traefik collector scrapes from the lab's
 * Traefik stand-in. Odoo and Traefik cannot run on the build machines, so the table follows
 * Odoo 17's schema and the stand-in serves Traefik v3's metric families.
 */
class IntegrationRatiosIT {

  private static final String TENANT = "acme";
  private static final String DHL_ROUTER = "dhl-hook-acme@kubernetes";
  private static final String FINISHED_JOBS = """
      SELECT channel, model_name, method_name, state, count(*)
      FROM queue_job
      WHERE state IN ('done', 'failed')
      GROUP BY channel, model_name, method_name, state
      """;

  private final SeriesStore store = new SeriesStore(Duration.ofHours(1));
  private Instant now = Instant.parse("2026-12-01T10:00:00Z");
  private TestPostgres postgres;
  private String database;
  private Vertx vertx;
  private Context loop;
  private WorkerExecutor workers;
  private TraefikStandIn traefik;
  private TraefikCollector collector;

  @BeforeEach
  void start() throws Exception {
    postgres = TestPostgres.connectOrSkip();
    database = postgres.createOdooDatabase("integ_ratios");
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    workers = vertx.createSharedWorkerExecutor("integ-ratios-it", 2);
    traefik = await(TraefikStandIn.start(vertx, 0, TraefikStandIn.TRAEFIK_DEFAULT_BUCKETS));
    collector = new TraefikCollector(new TraefikTarget("edge", URI.create(traefik.metricsUrl()),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(5), List.of()));
  }

  @AfterEach
  void stop() throws Exception {
    if (collector != null) {
      await(onLoop(collector::close));
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void ratiosFollowJobsAndRouterRequests() throws Exception {
    IntegrationRatios ratios = new IntegrationRatios(new IntegrationsConfig(
        List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)), List.of(dhl())));

    jobs(100, "root.carrier.dhl", "done");
    jobs(5, "root.carrier.dhl", "failed");
    requests(DHL_ROUTER, 200, 50);
    collect(ratios);
    assertThat(requests("1m")).isZero();
    assertThat(requests("5m")).isZero();
    assertThat(ratio("5m")).isEmpty();

    now = now.plusSeconds(30);
    jobs(18, "root.carrier.dhl", "done");
    jobs(2, "root.carrier.dhl", "failed");
    jobs(7, "root.mail", "done");
    requests(DHL_ROUTER, 200, 40);
    requests(DHL_ROUTER, 502, 10);
    requests("acme-web@kubernetes", 200, 30);
    collect(ratios);
    assertThat(requests("5m")).isEqualTo(20 + 50);
    assertThat(failures("5m")).isEqualTo(2 + 10);
    assertThat(ratio("5m")).hasValueCloseTo(12.0 / 70, within(1e-12));
    assertThat(matchedSeries()).isEqualTo(4);

    // The first failed job of a new sub-channel counts from 0 on a tenant scraped before.
    now = now.plusSeconds(60);
    jobs(1, "root.carrier.dhl.returns", "failed");
    collect(ratios);
    assertThat(requests("1m")).isEqualTo(1);
    assertThat(ratio("1m")).hasValue(1.0);
    assertThat(requests("5m")).isEqualTo(71);
    assertThat(failures("5m")).isEqualTo(13);
    assertThat(matchedSeries()).isEqualTo(5);
  }

  // ---- helpers

  private static Integration dhl() {
    QueueJobMatch channel = new QueueJobMatch(Optional.empty(), Optional.of("root.carrier.dhl"),
        Optional.empty(), Optional.empty());
    RouterMatch router = new RouterMatch(Pattern.compile("dhl-hook-(?<tenant>[a-z]+)@.*"));
    return new Integration("dhl", List.of(channel), List.of(), List.of(router));
  }

  private void jobs(int count, String channel, String state) throws Exception {
    postgres.execute(database, "INSERT INTO queue_job (uuid, channel, model_name, method_name,"
        + " state, date_created, date_done, retry, max_retries)"
        + " SELECT gen_random_uuid()::text, ?, 'stock.picking', '_dhl_send_shipping', ?,"
        + " now() AT TIME ZONE 'UTC', CASE WHEN ? = 'done' THEN now() AT TIME ZONE 'UTC' END, 1, 5"
        + " FROM generate_series(1, ?)", channel, state, state, count);
  }

  private void requests(String router, int code, int count) {
    for (int i = 0; i < count; i++) {
      traefik.record(TraefikStandIn.ENTRYPOINT, router, "carrier-hooks@kubernetes", "POST", code,
          "http", 0.05);
    }
  }

  /**
   * Writes one tenant scrape and one Traefik scrape to the store with their health series, as the
   * scheduler does, then updates the ratios.
   */
  private void collect(IntegrationRatios ratios) throws Exception {
    store.applyScrape("target:odoo/" + TENANT, finishedJobSamples(), now);
    store.applyScrape("health:odoo/" + TENANT, List.of(up("odoo", TENANT)), now);
    List<Sample> traefikSamples = await(onLoop(() -> collector.scrape(context())));
    store.applyScrape("target:traefik/edge", traefikSamples, now);
    store.applyScrape("health:traefik/edge", List.of(up("traefik", "edge")), now);
    ratios.update(store, now);
  }

  /** Reads the finished-job counters of the tenant, one series per channel, job and outcome. */
  private List<Sample> finishedJobSamples() throws Exception {
    List<Sample> samples = new ArrayList<>();
    try (Connection connection = postgres.admin(database);
        PreparedStatement statement = connection.prepareStatement(FINISHED_JOBS);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        Labels labels = Labels.of("tenant", TENANT, "cluster", "eu1", "channel",
            rows.getString(1), "model", rows.getString(2), "method", rows.getString(3),
            "outcome", rows.getString(4));
        samples.add(Sample.counter("freightwatch_odoo_queue_job_finished_total",
            "Queue jobs that finished, by outcome.", rows.getLong(5), labels));
      }
    }
    return samples;
  }

  private static Sample up(String source, String target) {
    return Sample.gauge("freightwatch_target_up", "", 1,
        Labels.of("source", source, "target", target));
  }

  private ScrapeContext context() {
    return new ScrapeContext(vertx, workers, Clock.fixed(now, ZoneOffset.UTC),
        Duration.ofSeconds(10));
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(ignored -> action.get().onComplete(result));
    return result.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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

  private double matchedSeries() {
    return store.select(IntegrationRatios.MATCHED_SERIES, List.of()).stream()
        .mapToDouble(Series::latestValue).findFirst().orElseThrow();
  }

  private OptionalDouble value(String name, String window) {
    Labels labels = Labels.of("integration", "dhl", "tenant", TENANT, "window", window);
    return store.select(name, List.of()).stream()
        .filter(series -> series.labels().equals(labels))
        .mapToDouble(Series::latestValue).findFirst();
  }
}
