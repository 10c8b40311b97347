package io.freightwatch.bench;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleCondition;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.RuleEngine;
import io.freightwatch.rules.Silences;
import io.freightwatch.slo.SloEngine;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * One evaluation cycle of 100 rules over 10,000 series plus 200 SLOs, with 15 minutes of history
 * at 15-second scrapes. Each invocation first scrapes every series once more (not measured),
 * then evaluates. Gauges hold steady and a few tenants have errors or growing backlogs, so that
 * several hundred alerts stay firing and few change state per cycle.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class RuleEvaluationBenchmark {

  static final int TENANTS = 200;
  static final Duration STEP = Duration.ofSeconds(15);
  static final List<String> CHANNELS =
      List.of("root.carrier", "root.edi", "root.mail", "root.stock", "root.invoice");
  static final List<String> STATES = List.of("pending", "enqueued", "started");

  private SeriesStore store;
  private RuleEngine engine;
  private Instant now;
  private int step;

  @Setup(Level.Trial)
  public void setUp() {
    store = new SeriesStore(Duration.ofMinutes(20));
    now = Instant.parse("2026-03-10T08:00:00Z");
    for (step = 0; step < 60; step++) {
      scrape(store, step, now);
      now = now.plus(STEP);
    }
    SloEngine slos = new SloEngine(store, OperationalCalendar.EMPTY, Optional.empty());
    slos.install(slos.prepare(slos(), now));
    engine = new RuleEngine(store, rules(), OperationalCalendar.EMPTY, DependencyMap.EMPTY,
        new Silences(List.of()), Optional.of(slos));
    engine.evaluate(now);
  }

  @Setup(Level.Invocation)
  public void nextScrape() {
    now = now.plus(STEP);
    scrape(store, step++, now);
  }

  @Benchmark
  public List<AlertEvent> evaluateCycle() {
    return engine.evaluate(now);
  }

  /** Writes one scrape of all 10,000 series: 50 per tenant. */
  static void scrape(SeriesStore store, int step, Instant now) {
    for (int t = 0; t < TENANTS; t++) {
      String tenant = String.format("t%03d", t);
      store.applyScrape("target:" + tenant, tenantSamples(tenant, t, step), now);
    }
  }

  static List<Sample> tenantSamples(String tenant, int t, int step) {
    List<Sample> samples = new ArrayList<>(50);
    Labels base = Labels.of("tenant", tenant, "cluster", "eu" + t % 4);
    for (int c = 0; c < CHANNELS.size(); c++) {
      Labels channel = base.with("channel", CHANNELS.get(c));
      for (int s = 0; s < STATES.size(); s++) {
        samples.add(Sample.gauge("freightwatch_odoo_queue_jobs", "",
            (t * 7 + c * 13 + s * 5) % 120, channel.with("state", STATES.get(s))));
      }
      samples.add(Sample.gauge("freightwatch_odoo_queue_job_oldest_pending_age_seconds", "",
          (t * 31 + c * 17) % 900, channel));
      samples.add(Sample.counter("freightwatch_odoo_queue_job_failures_total", "",
          1000 + step * (t % 25 == 0 ? 2 : 0), channel));
    }
    for (String integration : List.of("dhl", "dpd")) {
      for (String pod : List.of("a", "b")) {
        Labels calls = base.with("integration", integration).with("instance", pod);
        samples.add(Sample.counter("freightwatch_integration_requests_total", "",
            1_000_000 + step * 50.0, calls.with("code", "200")));
        samples.add(Sample.counter("freightwatch_integration_requests_total", "",
            10_000 + step * (t % 10 == 0 ? 10.0 : 0.5), calls.with("code", "503")));
      }
    }
    for (String pod : List.of("traefik-0", "traefik-1")) {
      Labels requests = base.with("service", "odoo-" + tenant + "-web@kubernetes")
          .with("instance", pod);
      samples.add(Sample.counter("freightwatch_traefik_service_requests_total", "",
          5_000_000 + step * 1500.0, requests.with("code", "200")));
      samples.add(Sample.counter("freightwatch_traefik_service_requests_total", "",
          100_000 + step * 20.0, requests.with("code", "302")));
      samples.add(Sample.counter("freightwatch_traefik_service_requests_total", "",
          2_000 + step * (t % 20 == 0 ? 40.0 : 0.5), requests.with("code", "502")));
    }
    for (int cron = 0; cron < 5; cron++) {
      samples.add(Sample.gauge("freightwatch_odoo_cron_overdue_seconds", "",
          (t * 11 + cron * 97) % 1200, base.with("cron", "cron-" + cron)));
    }
    for (String warehouse : List.of("WH1", "WH2")) {
      Labels pickings = base.with("warehouse", tenant + "-" + warehouse);
      for (String state : List.of("assigned", "confirmed", "waiting")) {
        samples.add(Sample.gauge("freightwatch_odoo_pickings", "",
            80 + t % 60 + (t % 50 == 0 ? step : 0), pickings.with("state", state)));
      }
    }
    return samples;
  }

  /** 100 rules of the shipped kinds, spread over every signal above. */
  static List<RuleSpec> rules() {
    List<RuleSpec> rules = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rules.add(rule("jobs_" + i, new RuleCondition.Threshold(selector(
          "freightwatch_odoo_queue_jobs", RuleSpec.ValueFunction.VALUE, Duration.ZERO,
          LabelMatcher.equal("channel", CHANNELS.get(i % 5)),
          LabelMatcher.equal("state", STATES.get(i % 3))), RuleSpec.Comparison.GREATER,
          100 + i / 2)));
    }
    for (int i = 0; i < 20; i++) {
      rules.add(rule("failures_" + i, new RuleCondition.Threshold(selector(
          "freightwatch_odoo_queue_job_failures_total", RuleSpec.ValueFunction.INCREASE,
          Duration.ofMinutes(15), LabelMatcher.parse("channel", "=~root\\.(carrier|edi)")),
          RuleSpec.Comparison.GREATER, 50 + i)));
    }
    for (int i = 0; i < 10; i++) {
      rules.add(rule("requests_" + i, new RuleCondition.Threshold(selector(
          "freightwatch_traefik_service_requests_total", RuleSpec.ValueFunction.RATE,
          Duration.ofMinutes(5), LabelMatcher.parse("code", "=~5..")),
          RuleSpec.Comparison.GREATER, 1 + i)));
    }
    for (int i = 0; i < 10; i++) {
      rules.add(rule("partner_" + i, new RuleCondition.Ratio(
          selector("freightwatch_integration_requests_total", RuleSpec.ValueFunction.INCREASE,
              Duration.ofMinutes(10), LabelMatcher.parse("code", "=~5..")),
          selector("freightwatch_integration_requests_total", RuleSpec.ValueFunction.INCREASE,
              Duration.ofMinutes(10)),
          List.of("tenant", "integration"), RuleSpec.Comparison.GREATER, 0.05 + i / 100.0, 20)));
    }
    for (int i = 0; i < 10; i++) {
      rules.add(rule("pickings_" + i, new RuleCondition.Growth("freightwatch_odoo_pickings",
          List.of(LabelMatcher.equal("state", "assigned")), Duration.ofMinutes(10),
          RuleSpec.Comparison.GREATER, 20 + i)));
    }
    for (int i = 0; i < 10; i++) {
      rules.add(rule("saturated_" + i, new RuleCondition.Combination(true, List.of(
          new RuleCondition.Threshold(selector("freightwatch_odoo_queue_jobs",
              RuleSpec.ValueFunction.VALUE, Duration.ZERO, LabelMatcher.equal("state",
                  "pending")), RuleSpec.Comparison.GREATER, 100 + i),
          new RuleCondition.Threshold(selector(
              "freightwatch_odoo_queue_job_oldest_pending_age_seconds",
              RuleSpec.ValueFunction.VALUE, Duration.ZERO), RuleSpec.Comparison.GREATER, 800)),
          List.of("tenant", "channel"))));
    }
    return rules;
  }

  /** Builds one availability SLO per tenant over its Traefik service's two replicas. */
  static List<SloSpec> slos() {
    List<SloSpec> slos = new ArrayList<>();
    for (int t = 0; t < TENANTS; t++) {
      String tenant = String.format("t%03d", t);
      LabelMatcher service = LabelMatcher.equal("service", "odoo-" + tenant + "-web@kubernetes");
      slos.add(new SloSpec("web_" + tenant, "bench:1", Map.of("tenant", tenant), 0.999,
          new SloSpec.Window(Duration.ofDays(30), false, ZoneOffset.UTC),
          new SloSpec.EventRatio(new SloSpec.Selector(
              "freightwatch_traefik_service_requests_total",
              List.of(service, LabelMatcher.parse("code", "=~5.."))), Optional.empty(),
              new SloSpec.Selector("freightwatch_traefik_service_requests_total",
                  List.of(service)), true, Optional.empty()),
          100, SloSpec.defaultTiers(Duration.ofDays(30)), impact()));
    }
    return slos;
  }

  private static RuleCondition.Selector selector(String signal, RuleSpec.ValueFunction function,
      Duration window, LabelMatcher... matchers) {
    return new RuleCondition.Selector(signal, List.of(matchers), function, window);
  }

  private static RuleSpec rule(String name, RuleCondition condition) {
    return new RuleSpec(name, "bench:1", condition.signals().get(0), List.of(),
        RuleSpec.ValueFunction.VALUE, Duration.ZERO, RuleSpec.Comparison.GREATER, 0,
        Duration.ofMinutes(2), Map.of(), impact(), condition, Duration.ZERO, List.of());
  }

  private static RuleSpec.Impact impact() {
    return new RuleSpec.Impact(RuleSpec.Domain.TRANSPORT, "bench",
        SummaryTemplate.parse("{{ $value }} for {{ $labels.tenant }}"),
        RuleSpec.Severity.WARNING, "ops", "runbooks/bench.md", "", true);
  }
}
