package io.freightwatch.cli;

import io.freightwatch.collect.CollectorScheduler;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.export.MetricsEndpoint;
import io.freightwatch.http.HttpApi;
import io.freightwatch.notify.NotificationDispatcher;
import io.freightwatch.notify.Receiver;
import io.freightwatch.notify.webhook.WebhookReceiver;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.RuleEngine;
import io.freightwatch.store.SeriesStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: scheduler, store, rule engine, notification dispatcher and HTTP server, all owned by
 * this verticle's event loop. Blocking calls run on the {@code freightwatch-blocking} worker pool.
 */
public final class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  private static final Duration MIN_RETENTION = Duration.ofMinutes(10);

  private final AgentConfig config;
  private final Clock clock;
  private final CollectorFactory factory;
  private SeriesStore store;
  private CollectorScheduler scheduler;
  private RuleEngine rules;
  private NotificationDispatcher dispatcher;
  private WorkerExecutor workers;
  private WebClient webClient;
  private HttpServer server;
  private long evaluationTimer = -1;
  private boolean ready;
  private boolean collectorsKnown;

  public AgentVerticle(AgentConfig config, Clock clock, CollectorFactory factory) {
    this.config = config;
    this.clock = clock;
    this.factory = factory;
  }

  @Override
  public Future<?> start() {
    store = new SeriesStore(retention());
    int poolSize = config.agent().maxDatabaseConnections() + 2;
    long maxExecute = config.agent().scrapeTimeout().multipliedBy(2).toMillis();
    workers = vertx.createSharedWorkerExecutor("freightwatch-blocking", poolSize, maxExecute,
        TimeUnit.MILLISECONDS);
    ScrapeContext scrapeContext =
        new ScrapeContext(vertx, workers, clock, config.agent().scrapeTimeout());
    scheduler = new CollectorScheduler(vertx, store, scrapeContext);
    scheduler.onScrape(this::checkReady);
    factory.create(config, scrapeContext, scheduler).onComplete(done -> {
      collectorsKnown = true;
      checkReady();
    });

    rules = new RuleEngine(store, config.rules().specs());
    webClient = WebClient.create(vertx, new WebClientOptions().setUserAgent("freightwatch"));
    dispatcher = new NotificationDispatcher(vertx, clock, store, config.receivers(), receivers());

    MetricsEndpoint metrics = new MetricsEndpoint(store);
    HttpApi api = new HttpApi(metrics, () -> ready, rules::alerts, scheduler::health);
    return vertx.createHttpServer()
        .requestHandler(api.router(vertx))
        .listen(config.agent().listenPort(), config.agent().listenHost())
        .onSuccess(listening -> {
          server = listening;
          LOG.info("agent started listen={}:{} targets={} rules={} receivers={}",
              config.agent().listenHost(), listening.actualPort(), scheduler.health().size(),
              config.rules().specs().size(), config.receivers().size());
          scheduler.start();
          long interval = config.rules().evaluationInterval().toMillis();
          evaluationTimer = vertx.setPeriodic(interval, interval, id -> evaluate());
        });
  }

  @Override
  public Future<?> stop() {
    if (evaluationTimer >= 0) {
      vertx.cancelTimer(evaluationTimer);
    }
    dispatcher.stop();
    return scheduler.stop()
        .eventually(factory::close)
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> workers.close())
        .onComplete(done -> {
          webClient.close();
          LOG.info("agent stopped");
        });
  }

  /** Port the HTTP server listens on; valid after a successful start. */
  public int port() {
    return server.actualPort();
  }

  private void evaluate() {
    try {
      List<AlertEvent> events = rules.evaluate(clock.instant());
      if (!events.isEmpty()) {
        dispatcher.dispatch(events);
      }
    } catch (RuntimeException e) {
      LOG.error("rule evaluation failed error=\"{}\"", e.toString(), e);
    }
  }

  private void checkReady() {
    if (!ready && collectorsKnown && scheduler.allScrapedOnce()) {
      ready = true;
      LOG.info("agent ready: every target has been scraped once");
      evaluate();
    }
  }

  private Map<String, Receiver> receivers() {
    Map<String, Receiver> receivers = new LinkedHashMap<>();
    for (ReceiverConfig receiver : config.receivers()) {
      receivers.put(receiver.name(),
          new WebhookReceiver(receiver, webClient, config.agent().externalUrl()));
    }
    return receivers;
  }

  /** Keeps enough history for the longest rule window plus two evaluation intervals. */
  private Duration retention() {
    Duration longest = config.rules().specs().stream()
        .map(RuleSpec::window)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plus(config.rules().evaluationInterval().multipliedBy(2));
    return longest.compareTo(MIN_RETENTION) < 0 ? MIN_RETENTION : longest;
  }
}
