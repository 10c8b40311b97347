package io.freightwatch.cli;

import io.freightwatch.collect.CollectorScheduler;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetHealth;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.integrations.IntegrationRatios;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.RuleEngine;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One collection from every target and one rule evaluation, without the HTTP server and without
 * notifications. Rules are evaluated with {@code for: 0s}, because a single evaluation has no
 * history to wait on, so an alert whose condition is met is reported as firing.
 */
final class OnceRun {

  private final AgentConfig config;
  private final Clock clock;
  private final CollectorFactory factory;

  OnceRun(AgentConfig config, Clock clock, CollectorFactory factory) {
    this.config = config;
    this.clock = clock;
    this.factory = factory;
  }

  /**
   * Runs the collection and evaluation on {@code vertx}'s event loop.
   *
   * @param timeout limit for the collection, tenant discovery included
   * @return the report; fails with a timeout when some target did not finish in time
   */
  Future<Report> run(Vertx vertx, Duration timeout) {
    Promise<Report> result = Promise.promise();
    vertx.runOnContext(ignored -> start(vertx, timeout, result));
    return result.future();
  }

  private void start(Vertx vertx, Duration timeout, Promise<Report> result) {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(10));
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("freightwatch-once",
        config.agent().maxDatabaseConnections() + 2,
        config.agent().scrapeTimeout().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
    ScrapeContext context =
        new ScrapeContext(vertx, workers, clock, config.agent().scrapeTimeout());
    CollectorScheduler scheduler = new CollectorScheduler(vertx, store, context);
    Promise<Void> collected = Promise.promise();
    boolean[] discovered = {false};
    scheduler.onScrape(() -> {
      if (discovered[0] && scheduler.allScrapedOnce()) {
        collected.tryComplete();
      }
    });
    factory.create(config, context, scheduler).onComplete(done -> {
      discovered[0] = true;
      if (scheduler.allScrapedOnce()) {
        collected.tryComplete();
      }
    });
    scheduler.start();

    collected.future()
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .map(done -> evaluate(store, scheduler))
        .eventually(() -> scheduler.stop())
        .eventually(factory::close)
        .eventually(workers::close)
        .onComplete(result);
  }

  private Report evaluate(SeriesStore store, CollectorScheduler scheduler) {
    // One collection holds only baselines, so the integration windows report 0 calls.
    new IntegrationRatios(config.integrations()).update(store, clock.instant());
    RuleEngine rules = new RuleEngine(store, config.rules().specs().stream()
        .map(spec -> spec.withFor(Duration.ZERO))
        .toList());
    rules.evaluate(clock.instant());
    List<Series> series = new ArrayList<>();
    store.presentByName().values().forEach(series::addAll);
    series.sort(Comparator.comparing(Series::key));
    return new Report(scheduler.health(), series, rules.alerts());
  }

  /**
   * Result of one run.
   *
   * @param targets health of every target after its scrape
   * @param series every present series, sorted by name and labels
   * @param alerts alerts whose condition is met, all firing
   */
  record Report(List<TargetHealth> targets, List<Series> series, List<Alert> alerts) {

    Report {
      targets = List.copyOf(targets);
      series = List.copyOf(series);
      alerts = List.copyOf(alerts);
    }
  }
}
