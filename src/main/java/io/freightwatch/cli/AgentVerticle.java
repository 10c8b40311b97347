package io.freightwatch.cli;

import io.freightwatch.collect.CollectorScheduler;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigException;
import io.freightwatch.config.RuleCondition;
import io.freightwatch.config.RuleSet;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.Shard;
import io.freightwatch.config.SilenceSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.export.MetricsEndpoint;
import io.freightwatch.export.StoreSnapshot;
import io.freightwatch.export.azuremonitor.AzureMonitorExporter;
import io.freightwatch.export.otlp.KubernetesResource;
import io.freightwatch.export.otlp.OtlpExporter;
import io.freightwatch.http.HttpApi;
import io.freightwatch.integrations.IntegrationRatios;
import io.freightwatch.http.SloSummary;
import io.freightwatch.http.StatusPage;
import io.freightwatch.notify.NotificationDispatcher;
import io.freightwatch.notify.Outbox;
import io.freightwatch.notify.azuremonitor.LogsUploader;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.RuleEngine;
import io.freightwatch.rules.Silences;
import io.freightwatch.slo.SloEngine;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.store.durable.DurableStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: scheduler, store, rule and SLO engines, notification dispatcher and HTTP server, all
 * owned by this verticle's event loop. Blocking calls (JDBC, rule file reads) run on the {@code
 * freightwatch-blocking} worker pool, and the durable store's file on the outbox worker.
 */
public final class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  private static final Duration MIN_RETENTION = Duration.ofMinutes(10);
  private static final Duration MIN_RESTORE_GRACE = Duration.ofMinutes(5);
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(10);

  private final AgentConfig config;
  private final Clock clock;
  private final CollectorFactory factory;
  private SeriesStore store;
  private CollectorScheduler scheduler;
  private RuleEngine rules;
  private SloEngine slos;
  private IntegrationRatios integrations;
  private SilenceStore silenceStore;
  private RuleReloader reloader;
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
  private long commitTimer = -1;
  private long reloadTimer = -1;
  private boolean reloading;
  private boolean listening;
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
    integrations = new IntegrationRatios(config.integrations());
    scheduler.onScrape(() -> {
      integrations.update(store, clock.instant());
      checkReady();
    });
    factory.create(config, scrapeContext, scheduler).onComplete(done -> {
      collectorsKnown = true;
      checkReady();
    });

    webClient = WebClient.create(vertx, new WebClientOptions().setUserAgent("freightwatch"));
    // One thread, so that outbox commits reach the disk in the order they were made.
    outboxWorker = vertx.createSharedWorkerExecutor("freightwatch-outbox", 1, 30,
        TimeUnit.SECONDS);
    receiverFactory = new ReceiverFactory(webClient, config.agent().externalUrl(), clock,
        workers);

    startExports();

    return openOutbox()
        .compose(outbox -> restoreRules().map(outbox))
        .compose(this::startDispatcher)
        .compose(started -> vertx.createHttpServer()
            .requestHandler(api().router(vertx))
            .listen(config.agent().listenPort(), config.agent().listenHost())
            .recover(this::explainListenFailure))
        .onSuccess(listening -> {
          server = listening;
          LOG.info("agent started listen={}:{} targets={} rules={} slos={} receivers={}"
              + " data_directory={} shard={}/{}", config.agent().listenHost(),
              listening.actualPort(), scheduler.health().size(), config.rules().specs().size(),
              config.rules().slos().size(), config.receivers().size(),
              config.agent().dataDirectory(), config.agent().shard().index(),
              config.agent().shard().count());
          this.listening = true;
          scheduler.start();
          long interval = config.rules().evaluationInterval().toMillis();
          evaluationTimer = vertx.setPeriodic(interval, interval, id -> evaluate());
          commitTimer = vertx.setPeriodic(COMMIT_INTERVAL.toMillis(), id -> commit());
          if (reloader != null) {
            long check = config.rules().reloadCheckInterval().toMillis();
            reloadTimer = vertx.setPeriodic(check, check, id -> reloadIfChanged());
          }
          // Without targets no scrape follows, so readiness is checked here too.
          checkReady();
        });
  }

  /**
   * Restores SLO minute history and API silences from the durable store, on the outbox worker
   * that owns the file, then creates the rule engine on the event loop.
   */
  private Future<Void> restoreRules() {
    slos = new SloEngine(store, config.calendar(), Optional.of(durableStore));
    silenceStore = new SilenceStore(durableStore);
    return outboxWorker.executeBlocking(() -> new Restored(
            slos.prepare(config.rules().slos(), clock.instant()),
            silenceStore.load(clock.instant())))
        .map(restored -> {
          slos.install(restored.slos());
          Silences silences = new Silences(config.silences());
          restored.silences().forEach(silences::add);
          rules = new RuleEngine(store, config.rules().specs(), config.calendar(),
              config.dependencies(), silences, Optional.of(slos));
          store.keepHistoryOnlyFor(signalsRead(config.rules().specs(), config.rules().slos()));
          config.rules().directory().ifPresent(directory -> reloader =
              new RuleReloader(directory));
          return null;
        });
  }

  private HttpApi api() {
    MetricsEndpoint metrics = new MetricsEndpoint(store);
    return new HttpApi(metrics, () -> ready, rules::alerts, scheduler::health)
        .withSlos(slos::statuses)
        .withSilences(rules.silences(), config.apiToken(), clock, silenceStore::save)
        .withReload(this::reload)
        .withStatusPage(statusPage());
  }

  @Override
  public Future<?> stop() {
    for (long timer : new long[] {evaluationTimer, commitTimer, reloadTimer}) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
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

  private StatusPage statusPage() {
    String version = AgentVerticle.class.getPackage().getImplementationVersion();
    StatusPage.Sources sources = new StatusPage.Sources(scheduler::health, rules::alerts,
        () -> slos.statuses().stream().map(SloSummary::of).toList(),
        () -> dispatcher == null ? List.of() : dispatcher.recentDeliveries(), () -> ready);
    return new StatusPage(sources, clock, version == null ? "development build" : version);
  }

  private void evaluate() {
    if (rules == null || dispatcher == null) {
      return;
    }
    writeShardMetrics();
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

  /**
   * Reads the rule directory again and installs its rules and SLOs; on any error the previous
   * ones stay and every problem is logged. Alerts of unchanged rules keep their state.
   *
   * @return a description of the outcome, for the API
   */
  Future<String> reload() {
    if (reloader == null) {
      return Future.failedFuture(new IllegalStateException(
          "no rules.directory is configured, so there is nothing to reload"));
    }
    if (reloading) {
      return Future.failedFuture(new IllegalStateException("a reload is already running"));
    }
    reloading = true;
    return workers.executeBlocking(() -> {
      RuleSet set = reloader.read();
      return new Reloaded(set, slos.prepare(set.slos(), clock.instant()));
    }).map(reloaded -> {
      rules.replaceRules(reloaded.set().rules());
      slos.install(reloaded.slos());
      rules.replaceSloRules(reloaded.set().slos());
      store.keepHistoryOnlyFor(signalsRead(reloaded.set().rules(), reloaded.set().slos()));
      writeReloadMetrics(true);
      String outcome = "rules reloaded rules=" + reloaded.set().rules().size() + " slos="
          + reloaded.set().slos().size();
      LOG.info(outcome);
      return outcome;
    }).recover(failure -> {
      if (failure instanceof ConfigException e) {
        RuleReloader.logRejected(e);
      } else {
        LOG.error("rule reload failed, previous rules kept error=\"{}\"", failure.toString());
      }
      writeReloadMetrics(false);
      return Future.failedFuture(failure);
    }).onComplete(done -> reloading = false);
  }

  /** Reloads on SIGHUP; call once the verticle runs. Only the command line agent does this. */
  void reloadOnSighup() {
    RuleReloader.onSighup(() -> vertx.runOnContext(v -> {
      LOG.info("SIGHUP received, reloading rules");
      reload();
    }));
  }

  private void reloadIfChanged() {
    if (reloading) {
      return;
    }
    workers.executeBlocking(reloader::hasChanged).onSuccess(changed -> {
      if (changed) {
        LOG.info("rule files changed, reloading directory={}",
            config.rules().directory().orElseThrow());
        reload();
      }
    });
  }

  /**
   * Fails with a {@link BindException} whose message adds what to do when the listen address is
   * taken. Other failures pass unchanged.
   */
  private Future<HttpServer> explainListenFailure(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    // A native transport may report the bind error as a plain IOException, so the text counts too.
    if (!(failure instanceof BindException) && !message.contains("Address already in use")) {
      return Future.failedFuture(failure);
    }
    String address = config.agent().listenHost() + ":" + config.agent().listenPort();
    BindException explained = new BindException(message + ": another agent or process listens"
        + " on " + address + "; stop it or set agent.listen to a free port");
    explained.initCause(failure);
    return Future.failedFuture(explained);
  }

  private void writeReloadMetrics(boolean success) {
    store.applyScrape("reload", List.of(
        Sample.gauge("freightwatch_rules_last_reload_successful",
            "1 when the latest rule reload was applied, 0 when it was rejected.",
            success ? 1 : 0, Labels.EMPTY),
        Sample.gauge("freightwatch_rules_last_reload_timestamp_seconds",
            "Time of the latest rule reload attempt.", clock.millis() / 1000.0, Labels.EMPTY)),
        clock.instant());
  }

  /**
   * Writes which shard this agent is and how many Odoo tenants it watches, so that the sum over
   * all agents shows whether the shards cover the estate.
   */
  private void writeShardMetrics() {
    Shard shard = config.agent().shard();
    long tenants = scheduler.health().stream()
        .filter(target -> target.target().source().equals("odoo"))
        .count();
    store.applyScrape("shard", List.of(
        Sample.gauge("freightwatch_agent_shard_info",
            "Always 1; the labels give this agent's shard index and the number of shards.", 1,
            Labels.of("index", Integer.toString(shard.index()), "count",
                Integer.toString(shard.count()))),
        Sample.gauge("freightwatch_agent_shard_tenants",
            "Odoo tenants this agent watches: those of its shard, explicit and discovered.",
            tenants, Labels.EMPTY)),
        clock.instant());
  }

  /** Commits SLO minutes and silences; on the outbox worker, so commits keep their order. */
  private void commit() {
    outboxWorker.executeBlocking(() -> {
      durableStore.commit();
      return null;
    }).onFailure(e -> LOG.error("durable store commit failed file={} error=\"{}\"",
        durableStore.file(), e.toString()));
  }

  /**
   * Reports the agent ready once it listens, the collector factory has finished and every
   * collector has scraped once. Until the server listens, "agent started" has not been logged, and
   * an agent without targets would otherwise log "agent ready" first.
   */
  private void checkReady() {
    if (!ready && listening && collectorsKnown && scheduler.allScrapedOnce()) {
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
    dispatcher = new NotificationDispatcher(vertx, clock, store, outbox, config.receivers(),
        config.routing(), receiverFactory.create(config.receivers()),
        new CalendarMuteSchedule(config.calendar()), restoreGrace());
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
        .map(spec -> spec.condition().longestWindow().plus(spec.forDuration()))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plus(config.rules().evaluationInterval().multipliedBy(2));
    return longest.compareTo(MIN_RESTORE_GRACE) < 0 ? MIN_RESTORE_GRACE : longest;
  }

  /**
   * Keeps enough history for the longest rule window plus two evaluation intervals; growth rules
   * also need the 5-minute lookback before their window.
   *
   * <p>NOTE: the retention is fixed at start, so a reloaded rule with a longer window reads less
   * history than it asks for until the agent restarts; growing the store's retention on reload
   * would fix this.
   */
  private Duration retention() {
    Duration longest = config.rules().specs().stream()
        .map(spec -> spec.condition().longestWindow().plus(
            spec.condition() instanceof RuleCondition.Growth ? Duration.ofMinutes(5)
                : Duration.ZERO))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO)
        .plus(config.rules().evaluationInterval().multipliedBy(2));
    return longest.compareTo(MIN_RETENTION) < 0 ? MIN_RETENTION : longest;
  }

  /** Returns the names of every signal a rule condition, alert summary or SLO reads. */
  static Set<String> signalsRead(List<RuleSpec> specs, List<SloSpec> sloSpecs) {
    Set<String> names = new HashSet<>();
    for (RuleSpec spec : specs) {
      names.addAll(spec.condition().signals());
      names.addAll(spec.impact().summary().signals());
    }
    for (SloSpec slo : sloSpecs) {
      names.addAll(slo.sli().signals());
      if (slo.sli() instanceof SloSpec.EventRatio ratio) {
        ratio.restartSignal().ifPresent(names::add);
      }
    }
    return names;
  }

  private record Restored(SloEngine.Prepared slos, List<SilenceSpec> silences) {}

  private record Reloaded(RuleSet set, SloEngine.Prepared slos) {}
}
