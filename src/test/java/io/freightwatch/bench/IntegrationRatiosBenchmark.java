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
 * Updates of the integration ratios with 200 tenants scraped every 15 s. Each tenant has
 * finished-job counters for 5 partner channels and 3 other channels (two outcomes each, 3,200
 * series in all). Setup replays 6 hours of scrapes first, so the 6-hour window is full. Scrapes
 * happen in setup and are not measured.
 *
 * <ul>
 *   <li>{@code updateAfterScrape}: one tenant scrape, then an update, as the agent calls it after
 *       every scrape. Most calls fall within the minimum gap between updates and return at once.
 *   <li>{@code updateAfterRound}: a scrape of every tenant (15 s later), then an update that does
 *       the whole work.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class IntegrationRatiosBenchmark {

  static final int TENANTS = 200;
  static final Duration STEP = Duration.ofSeconds(15);
  static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
  static final List<String> PARTNERS = List.of("dhl", "dpd", "ups", "edi-hub", "marketplace");
  static final List<String> OTHER_CHANNELS = List.of("root.mail", "root.stock", "root.invoice");

  @Benchmark
  public SeriesStore updateAfterScrape(EveryScrape fleet) {
    fleet.ratios.update(fleet.store, fleet.now);
    return fleet.store;
  }

  @Benchmark
  public SeriesStore updateAfterRound(EveryRound fleet) {
    fleet.ratios.update(fleet.store, fleet.now);
    return fleet.store;
  }

  /** The tenants, their counters in the store and the ratios, filled with 6 hours of history. */
  public abstract static class Fleet {
    SeriesStore store;
    IntegrationRatios ratios;
    Instant now;
    long round;
    int tenant;

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
      long rounds = Duration.ofHours(6).dividedBy(STEP);
      for (round = 0; round < rounds; round++) {
        for (tenant = 0; tenant < TENANTS; tenant++) {
          scrapeTenant();
        }
        ratios.update(store, now);
      }
      tenant = 0;
    }

    /** Scrapes tenant {@code tenant} of round {@code round}; tenants are spread over the step. */
    void scrapeTenant() {
      now = START.plus(STEP.multipliedBy(round)).plusMillis(tenant * STEP.toMillis() / TENANTS);
      String name = "tenant" + tenant;
      List<Sample> samples = new ArrayList<>();
      for (String partner : PARTNERS) {
        addJobs(samples, name, channel(partner));
      }
      for (String channel : OTHER_CHANNELS) {
        addJobs(samples, name, channel);
      }
      store.applyScrape("target:odoo/" + name, samples, now);
      store.applyScrape("health:odoo/" + name, List.of(Sample.gauge("freightwatch_target_up",
          "", 1, Labels.of("source", "odoo", "target", name))), now);
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

  /** Scrapes the next tenant before each call. */
  @State(Scope.Thread)
  public static class EveryScrape extends Fleet {
    @Setup(Level.Invocation)
    public void scrapeNext() {
      scrapeTenant();
      tenant = (tenant + 1) % TENANTS;
      if (tenant == 0) {
        round++;
      }
    }
  }

  /** Scrapes every tenant once before each call. */
  @State(Scope.Thread)
  public static class EveryRound extends Fleet {
    @Setup(Level.Invocation)
    public void scrapeAll() {
      for (tenant = 0; tenant < TENANTS; tenant++) {
        scrapeTenant();
      }
      round++;
    }
  }
}
