package io.freightwatch.cli;

import io.freightwatch.collect.CollectorScheduler;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.export.MetricsEndpoint;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.export.azuremonitor.AzureMonitorExporter;
import io.freightwatch.export.otlp.KubernetesResource;
import io.freightwatch.export.otlp.OtlpExporter;
import io.freightwatch.http.HttpApi;
import io.freightwatch.notify.MuteSchedule;
import io.freightwatch.notify.NotificationDispatcher;
import io.freightwatch.notify.Outbox;
import io.freightwatch.notify.azuremonitor.LogsUploader;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.RuleEngine;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.store.durable.DurableStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
  private static final Duration MIN_RESTORE_GRACE = Duration.ofMinutes(5);

  private final AgentConfig config;
  private final Clock clock;
  private final CollectorFactory factory;
  private SeriesStore store;
  private CollectorScheduler scheduler;
  private RuleEngine rules;
  private NotificationDispatcher dispatcher;
  private DurableStore durableStore;
  private ReceiverFactory receiverFactory;
  private WorkerExecutor workers;
  private WorkerExecutor outboxWorker;
  private OtlpExporter otlp;
  private AzureMonitorExporter azureMonitor;
  private long azureTimer = -1;
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
    // One thread, so that outbox commits reach the disk in the order they were made.
    outboxWorker = vertx.createSharedWorkerExecutor("freightwatch-outbox", 1, 30,
        TimeUnit.SECONDS);
    receiverFactory = new ReceiverFactory(webClient, config.agent().externalUrl(), clock,
        workers);

    startExports();

    MetricsEndpoint metrics = new MetricsEndpoint(store);
    HttpApi api = new HttpApi(metrics, () -> ready, rules::alerts, scheduler::health);
    return openOutbox()
        .compose(this::startDispatcher)
        .compose(started -> vertx.createHttpServer()
            .requestHandler(api.router(vertx))
            .listen(config.agent().listenPort(), config.agent().listenHost()))
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
    if (dispatcher != null) {
      dispatcher.stop();
    }
    if (azureTimer >= 0) {
      vertx.cancelTimer(azureTimer);
    }
    return scheduler.stop()
        .eventually(factory::close)
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(this::closeDurableStore)
        .eventually(this::closeExports)
        .eventually(() -> workers.close())
        .eventually(() -> outboxWorker.close())
        .onComplete(done -> {
          receiverFactory.close();
          webClient.close();
          LOG.info("agent stopped");
        });
  }

  /**
   * Returns the agent's durable store, open once the verticle has started. The outbox and the
   * SLO history share it; its {@code commit} must run on a worker thread.
   */
  public DurableStore durableStore() {
    return durableStore;
  }

  /** Port the HTTP server listens on; valid after a successful start. */
  public int port() {
    return server.actualPort();
  }

  private void evaluate() {
    try {
      List<AlertEvent> events = rules.evaluate(clock.instant());
      dispatcher.onEvaluation(events, rules.alerts());
      if (otlp != null) {
        otlp.publish(StoreSnapshot.of(store));
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

  private void startExports() {
    config.export().otlp().ifPresent(settings -> {
      String version = AgentVerticle.class.getPackage().getImplementationVersion();
      otlp = new OtlpExporter(settings, KubernetesResource.of(System.getenv(),
          version == null ? "dev" : version, settings.resourceAttributes()), vertx);
    });
    config.export().azureMonitor().ifPresent(settings -> {
      LogsUploader uploader = new LogsUploader(settings.endpoint().toString(), settings.ruleId(),
          LogsUploader.defaultCredential(settings.managedIdentityClientId()),
          LogsUploader.defaultHttpClient());
      azureMonitor = new AzureMonitorExporter(settings, uploader, workers);
      long interval = settings.interval().toMillis();
      azureTimer = vertx.setPeriodic(interval, interval,
          id -> azureMonitor.export(StoreSnapshot.of(store), clock.instant()));
      LOG.info("Azure Monitor export started endpoint={} rule_id={} interval={}",
          settings.endpoint(), settings.ruleId(), settings.interval());
    });
  }

  /** Sends what the exporters hold and stops them; the SDKs block, so this runs on a worker. */
  private Future<Void> closeExports() {
    return workers.executeBlocking(() -> {
      if (otlp != null) {
        otlp.close();
      }
      if (azureMonitor != null) {
        azureMonitor.close();
      }
      return null;
    });
  }

  /** Opens the durable store and the outbox in it; file access runs on the outbox worker. */
  private Future<Outbox> openOutbox() {
    return outboxWorker.executeBlocking(() -> {
      durableStore = DurableStore.open(config.agent().dataDirectory());
      LOG.info("durable store opened file={}", durableStore.file());
      return new Outbox(durableStore, outboxWorker);
    });
  }

  private Future<Void> startDispatcher(Outbox outbox) {
    // NOTE: muting by the operational calendar is not wired yet; every route sends at all times
    // until the calendar's MuteSchedule is passed here.
    dispatcher = new NotificationDispatcher(vertx, clock, store, outbox, config.receivers(),
        config.routing(), receiverFactory.create(config.receivers()), MuteSchedule.NEVER,
        restoreGrace());
    return dispatcher.start();
  }

  private Future<Void> closeDurableStore() {
    if (durableStore == null) {
      return Future.succeededFuture();
    }
    return outboxWorker.executeBlocking(() -> {
      durableStore.close();
      return null;
    });
  }

  /**
   * Time a firing alert restored after a restart may go unreported by the rule engine before it
   * is resolved: long enough for the slowest rule to fill its window and pass its {@code for}.
   */
  private Duration restoreGrace() {
    Duration longest = config.rules().specs().stream()
        .map(spec -> spec.window().plus(spec.forDuration()))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plus(config.rules().evaluationInterval().multipliedBy(2));
    return longest.compareTo(MIN_RESTORE_GRACE) < 0 ? MIN_RESTORE_GRACE : longest;
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
