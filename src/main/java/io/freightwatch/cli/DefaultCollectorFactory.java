package io.freightwatch.cli;

import io.freightwatch.collect.CollectorScheduler;
import io.freightwatch.collect.ScrapeContext;
import io.freightwatch.collect.TargetId;
import io.freightwatch.collect.odoo.OdooHttpCollector;
import io.freightwatch.collect.odoo.OdooQueueCollector;
import io.freightwatch.collect.odoo.OdooTenant;
import io.freightwatch.collect.odoo.OdooTenantDiscovery;
import io.freightwatch.collect.postgres.PgSessions;
import io.freightwatch.collect.postgres.PostgresCollector;
import io.freightwatch.collect.redis.RedisCollector;
import io.freightwatch.collect.traefik.TraefikCollector;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.OdooHttpTarget;
import io.freightwatch.config.OdooTarget;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.config.RedisTarget;
import io.freightwatch.config.Shard;
import io.freightwatch.config.TraefikTarget;
import io.lettuce.core.resource.ClientResources;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the collectors of every configured target: one per PostgreSQL server, Odoo tenant,
 * Redis server, Traefik endpoint and Odoo HTTP service. Odoo targets with a {@code discover}
 * section list their server's databases on start and every refresh interval, adding and removing
 * tenant collectors. A discovered tenant whose database no longer exists also starts an early
 * discovery of its server, so a dropped database leaves within about one scrape interval.
 *
 * <p>With {@code agent.shard}, only the targets of this agent's shard get a collector: Odoo
 * tenants, explicit or discovered, and Odoo HTTP probes by tenant name, and PostgreSQL, Redis and
 * Traefik targets by target name (see {@link Shard}).
 */
public final class DefaultCollectorFactory implements CollectorFactory {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCollectorFactory.class);

  private PgSessions sessions;
  private ClientResources redisResources;
  private Vertx vertx;
  private final List<Long> timers = new ArrayList<>();
  private final List<TenantDiscovery> discoveryTasks = new ArrayList<>();

  @Override
  public Future<Void> create(AgentConfig config, ScrapeContext context,
      CollectorScheduler scheduler) {
    this.vertx = context.vertx();
    Shard shard = config.agent().shard();
    List<Future<Void>> discoveries = new ArrayList<>();
    sessions = new PgSessions(config.agent().maxDatabaseConnections());
    for (PostgresTarget target : config.postgres()) {
      if (shard.owns(target.name())) {
        scheduler.add(new PostgresCollector(target, sessions));
      }
    }
    for (OdooTarget target : config.odoo()) {
      for (OdooTarget.Tenant tenant : target.tenants()) {
        if (shard.owns(tenant.name())) {
          scheduler.add(new OdooQueueCollector(target, tenant, sessions));
        }
      }
      target.discovery().ifPresent(discovery -> {
        TenantDiscovery task = new TenantDiscovery(target, shard, context, scheduler);
        discoveryTasks.add(task);
        discoveries.add(task.run());
        timers.add(vertx.setPeriodic(discovery.refresh().toMillis(), id -> task.run()));
      });
    }
    List<RedisTarget> redisTargets =
        config.redis().stream().filter(target -> shard.owns(target.name())).toList();
    if (!redisTargets.isEmpty()) {
      // Lettuce's thread pools and clients take seconds to initialise the first time: build them
      // on the worker pool and add the collectors back on the event loop.
      discoveries.add(context.blocking(() -> {
        ClientResources resources = RedisCollector.createClientResources();
        List<RedisCollector> collectors = new ArrayList<>();
        for (RedisTarget target : redisTargets) {
          collectors.add(new RedisCollector(target, resources));
        }
        return Map.entry(resources, collectors);
      }).onSuccess(created -> {
        redisResources = created.getKey();
        created.getValue().forEach(scheduler::add);
      }).<Void>mapEmpty());
    }
    for (TraefikTarget target : config.traefik()) {
      if (shard.owns(target.name())) {
        scheduler.add(new TraefikCollector(target));
      }
    }
    for (OdooHttpTarget target : config.odooHttp()) {
      // A probe belongs to the shard of its tenant, so one agent watches both sides of a tenant.
      String owner = target.tenant().isEmpty() ? target.name() : target.tenant();
      if (shard.owns(owner)) {
        scheduler.add(new OdooHttpCollector(target));
      }
    }
    return Future.join(discoveries).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    if (vertx != null) {
      timers.forEach(vertx::cancelTimer);
      discoveryTasks.forEach(TenantDiscovery::cancelEarlyRun);
    }
    if (sessions != null) {
      sessions.close();
    }
    if (redisResources == null) {
      return Future.succeededFuture();
    }
    Promise<Void> shutdown = Promise.promise();
    RedisCollector.shutdown(redisResources).thenRun(shutdown::complete);
    return shutdown.future();
  }

  /** Keeps the tenant collectors of one Odoo target in line with its server's databases. */
  private final class TenantDiscovery {
    private final OdooTarget target;
    private final ScrapeContext context;
    private final CollectorScheduler scheduler;
    private final OdooTenantDiscovery discovery;
    private final Set<String> discovered = new HashSet<>();
    private final long minEarlyGapNanos;
    private boolean running;
    private long lastStartNanos;
    private long earlyTimerId = -1;
    private boolean earlyRunAfterCurrent;

    TenantDiscovery(OdooTarget target, Shard shard, ScrapeContext context,
        CollectorScheduler scheduler) {
      this.target = target;
      // A first discovery opens every candidate database once, which takes longer than one
      // scrape on a server with hundreds of tenants. It may take up to the refresh interval.
      Duration refresh = target.discovery().orElseThrow().refresh();
      this.context = context.withTimeout(
          refresh.compareTo(context.timeout()) > 0 ? refresh : context.timeout());
      this.scheduler = scheduler;
      this.discovery = new OdooTenantDiscovery(target, sessions, shard::owns);
      // Tenants dropped together each ask for a discovery, and they share one run per interval.
      this.minEarlyGapNanos = target.interval().toNanos();
      this.lastStartNanos = System.nanoTime() - minEarlyGapNanos;
    }

    /**
     * Asks for a discovery before the next refresh, because a tenant's database is gone. Runs it
     * at once when the last discovery started at least one scrape interval ago, else when that
     * interval has passed. Requests made meanwhile share that one run.
     */
    void requestEarlyRun() {
      if (earlyTimerId >= 0) {
        return;
      }
      if (running) {
        // The running discovery may have listed the databases before the drop.
        earlyRunAfterCurrent = true;
        return;
      }
      long waitMillis = TimeUnit.NANOSECONDS.toMillis(
          minEarlyGapNanos - (System.nanoTime() - lastStartNanos));
      LOG.debug("tenant discovery requested early server={} reason=database_missing in_ms={}",
          target.server().name(), Math.max(0, waitMillis));
      earlyTimerId = vertx.setTimer(Math.max(1, waitMillis), id -> {
        earlyTimerId = -1;
        run();
      });
    }

    void cancelEarlyRun() {
      if (earlyTimerId >= 0) {
        vertx.cancelTimer(earlyTimerId);
        earlyTimerId = -1;
      }
      earlyRunAfterCurrent = false;
    }

    /** Runs one discovery; the future completes when it has finished, even if it failed. */
    Future<Void> run() {
      if (running) {
        return Future.succeededFuture();
      }
      running = true;
      lastStartNanos = System.nanoTime();
      return discovery.discover(context)
          .onComplete(result -> {
            running = false;
            if (earlyRunAfterCurrent) {
              earlyRunAfterCurrent = false;
              requestEarlyRun();
            }
            if (result.failed()) {
              LOG.warn("tenant discovery failed server={} error=\"{}\"; keeping {} known tenants",
                  target.server().name(), result.cause().getMessage(), discovered.size());
              return;
            }
            apply(result.result());
          })
          .<Void>mapEmpty()
          .otherwiseEmpty();
    }

    private void apply(List<OdooTenant> tenants) {
      Set<String> explicit = new HashSet<>();
      target.tenants().forEach(t -> explicit.add(t.name()));
      Set<String> current = new HashSet<>();
      for (OdooTenant tenant : tenants) {
        current.add(tenant.name());
        if (explicit.contains(tenant.name()) || discovered.contains(tenant.name())) {
          continue;
        }
        discovered.add(tenant.name());
        scheduler.add(
            new OdooQueueCollector(target, tenant.tenant(), sessions, this::requestEarlyRun));
        LOG.info("tenant discovered server={} tenant={} database={} version={}",
            target.server().name(), tenant.name(), tenant.database(), tenant.baseVersion());
      }
      for (String gone : new ArrayList<>(discovered)) {
        if (!current.contains(gone)) {
          discovered.remove(gone);
          scheduler.remove(new TargetId("odoo", gone));
          LOG.info("tenant removed server={} tenant={} reason=database_gone",
              target.server().name(), gone);
        }
      }
    }
  }
}
