package io.freightwatch.bench;

import io.freightwatch.config.IntegrationsConfig;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.QueueJobMatch;
import io.freightwatch.integrations.IntegrationRatios;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One update of the integration ratios after one tenant scrape, as the agent runs it after every
 * scrape. 200 tenants each have finished-job counters for 5 partner channels and 3 other channels
 * (two outcomes each, 3,200 series), scraped every 15 s, and the 6-hour window is full: setup
 * replays 6 hours of scrapes first. Each invocation scrapes the next tenant (not measured) and
 * then updates the ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class IntegrationRatiosBenchmark {

  static final int TENANTS = 200;
  static final Duration STEP = Duration.ofSeconds(15);
  static final List<String> PARTNERS = List.of("dhl", "dpd", "ups", "edi-hub", "marketplace");
  static final List<String> OTHER_CHANNELS = List.of("root.mail", "root.stock", "root.invoice");

  private SeriesStore store;
  private IntegrationRatios ratios;
  private Instant now;
  private long round;
  private int tenant;

  @Setup(Level.Trial)
  public void fill() {
    store = new SeriesStore(Duration.ofMinutes(30));
    List<Integration> partners = new ArrayList<>();
    for (String partner : PARTNERS) {
      partners.add(new Integration(partner, List.of(new QueueJobMatch(Optional.empty(),
          Optional.of(channel(partner)), Optional.empty(), Optional.empty())), List.of(),
          List.of()));
    }
    ratios = new IntegrationRatios(
        new IntegrationsConfig(IntegrationsConfig.DEFAULT_WINDOWS, partners));
    now = Instant.parse("2026-12-01T00:00:00Z");
    long rounds = Duration.ofHours(6).dividedBy(STEP);
    for (round = 0; round < rounds; round++) {
      for (tenant = 0; tenant < TENANTS; tenant++) {
        scrapeNextTenant();
      }
      ratios.update(store, now);
    }
    tenant = 0;
  }

  @Setup(Level.Invocation)
  public void scrape() {
    scrapeNextTenant();
    tenant = (tenant + 1) % TENANTS;
    if (tenant == 0) {
      round++;
    }
  }

  @Benchmark
  public SeriesStore updateAfterScrape() {
    ratios.update(store, now);
    return store;
  }

  private void scrapeNextTenant() {
    now = Instant.parse("2026-12-01T00:00:00Z").plus(STEP.multipliedBy(round))
        .plusMillis(tenant * STEP.toMillis() / TENANTS);
    String name = "tenant" + tenant;
    List<Sample> samples = new ArrayList<>();
    for (String partner : PARTNERS) {
      addJobs(samples, name, channel(partner));
    }
    for (String channel : OTHER_CHANNELS) {
      addJobs(samples, name, channel);
    }
    store.applyScrape("target:odoo/" + name, samples, now);
    store.applyScrape("health:odoo/" + name, List.of(Sample.gauge("freightwatch_target_up", "",
        1, Labels.of("source", "odoo", "target", name))), now);
  }

  private void addJobs(List<Sample> samples, String tenantName, String channel) {
    Labels labels = Labels.of("tenant", tenantName, "cluster", "eu1", "channel", channel,
        "model", "stock.picking", "method", "send");
    samples.add(Sample.counter("freightwatch_odoo_queue_job_finished_total", "", 10 * round,
        labels.with("outcome", "done")));
    samples.add(Sample.counter("freightwatch_odoo_queue_job_finished_total", "", round / 4,
        labels.with("outcome", "failed")));
  }

  private static String channel(String partner) {
    return "root.carrier." + partner;
  }
}
