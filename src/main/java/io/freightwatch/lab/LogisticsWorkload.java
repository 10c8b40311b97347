package io.freightwatch.lab;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulates a logistics day across the tenants: imported orders, EDI exports, receipts and
 * deliveries, carrier-label jobs, a queue_job runner per tenant, web and handheld traffic through
 * the Traefik stand-in, and Odoo sessions in Redis. It is a load generator, so it runs on its own
 * threads with blocking JDBC and Lettuce calls. Every datetime it writes is naive UTC.
 *
 * <p>At the {@link Rates#DEFAULT} rates each tenant imports one order per second, so a stalled
 * runner or a carrier outage shows in the queue tables within seconds.
 *
 * <p>{@link #pause(String)} stops all database and Redis writes of one tenant, and {@link
 * #pauseAll()} stops all writes to the primary; both return once a write in progress has committed.
 * Traffic recorded in the Traefik stand-in goes on in both cases.
 */
public final class LogisticsWorkload implements AutoCloseable {

  /** {@code edi_exchange_type.code} of imported sales orders. */
  public static final String ORDER_IMPORT_TYPE = "sale_order_import";

  /** {@code edi_exchange_type.code} of exported dispatch advices. */
  public static final String DISPATCH_EXPORT_TYPE = "desadv_export";

  private static final Logger LOG = LoggerFactory.getLogger(LogisticsWorkload.class);
  private static final Map<String, String> CARRIERS =
      Map.of("acme", "DHL Express", "globex", "UPS", "initech", "DPD");
  private static final List<String> OTHER_CARRIERS = List.of("GLS", "DB Schenker", "FedEx");
  private static final Duration BUSINESS_TICK = Duration.ofSeconds(1);
  private static final Duration RUNNER_TICK = Duration.ofMillis(250);
  private static final Duration TRAFFIC_TICK = Duration.ofMillis(100);
  private static final Duration SESSION_TICK = Duration.ofMillis(500);
  private static final Duration PRESSURE_TICK = Duration.ofMillis(100);
  private static final int PRESSURE_VALUES_PER_TICK = 16;
  private static final int PRESSURE_VALUE_BYTES = 64 * 1024;
  private static final long PRESSURE_TTL_SECONDS = 120;
  private static final Duration CONFIG_RELOAD_PERIOD = Duration.ofMinutes(10);

  private final LabPostgres postgres;
  private final LabRedis redis;
  private final TraefikStandIn traefik;
  private final Faults faults;
  private final Rates rates;
  private final Map<String, TenantLoad> loads = new LinkedHashMap<>();
  private final ThrottledLog redisLog = new ThrottledLog(LOG, "redis_sessions");
  private final Random random = new Random();
  private ScheduledExecutorService executor;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redisConnection;
  private volatile boolean running;
  private volatile boolean allPaused;
  private long openConnections = 60;
  private Instant lastConfigReload = Instant.now();

  public LogisticsWorkload(
      LabPostgres postgres,
      OdooTenants tenants,
      LabRedis redis,
      TraefikStandIn traefik,
      Faults faults,
      Rates rates) {
    this.postgres = postgres;
    this.redis = redis;
    this.traefik = traefik;
    this.faults = faults;
    this.rates = rates;
    int index = 0;
    for (OdooTenants.Tenant tenant : tenants.all()) {
      loads.put(tenant.name(), new TenantLoad(tenant, index++));
    }
  }

  /** Returns the carrier whose label API the tenant's delivery jobs call, e.g. DHL Express. */
  public static String carrierOf(String tenant) {
    String carrier = CARRIERS.get(tenant);
    return carrier != null
        ? carrier
        : OTHER_CARRIERS.get(Math.floorMod(tenant.hashCode(), OTHER_CARRIERS.size()));
  }

  /** Starts the workload threads; calling it while running does nothing. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    AtomicInteger threadNumber = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            loads.size() * 2 + 2,
            task -> {
              Thread thread = new Thread(task, "lab-workload-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor = pool;
    for (TenantLoad load : loads.values()) {
      every(BUSINESS_TICK, () -> businessTick(load));
      every(RUNNER_TICK, () -> runnerTick(load));
      every(TRAFFIC_TICK, () -> load.traffic.tick(seconds(TRAFFIC_TICK)));
      every(SESSION_TICK, () -> sessionTick(load));
    }
    every(PRESSURE_TICK, this::pressureTick);
    every(Duration.ofSeconds(1), this::ingressGauges);
    LOG.info("event=workload_started tenants={} rates={}", loads.keySet(), rates);
  }

  /** Stops the threads and closes the connections; the data written stays. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(15, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    loads.values().forEach(TenantLoad::closeConnections);
    if (redisClient != null) {
      redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      redisClient = null;
      redisConnection = null;
    }
    LOG.info("event=workload_stopped");
  }

  public boolean isRunning() {
    return running;
  }

  /** Stops the database and Redis writes of {@code tenant}; returns after the current tick. */
  public void pause(String tenant) {
    TenantLoad load = load(tenant);
    load.paused = true;
    load.awaitIdle();
    LOG.info("event=workload_paused tenant={}", tenant);
  }

  public void resume(String tenant) {
    load(tenant).paused = false;
    LOG.info("event=workload_resumed tenant={}", tenant);
  }

  public boolean isPaused(String tenant) {
    return allPaused || load(tenant).paused;
  }

  /** Stops all writes to the primary, leaving it idle; returns after the current ticks. */
  public void pauseAll() {
    allPaused = true;
    loads.values().forEach(TenantLoad::awaitIdle);
    LOG.info("event=workload_paused tenant=all");
  }

  public void resumeAll() {
    allPaused = false;
    LOG.info("event=workload_resumed tenant=all");
  }

  public Rates rates() {
    return rates;
  }

  @Override
  public void close() {
    stop();
  }

  private void every(Duration period, Runnable task) {
    executor.scheduleWithFixedDelay(
        () -> {
          // A periodic task that throws is cancelled for good, so nothing may escape.
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("event=workload_tick_failed error={}", e.toString());
          }
        },
        random.nextInt((int) period.toMillis()),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void businessTick(TenantLoad load) {
    load.writeToPrimary(
        load.business, load.businessLog, c -> load.activity.tick(c, seconds(BUSINESS_TICK)));
  }

  private void runnerTick(TenantLoad load) {
    if (faults.isRunnerStalled(load.tenant.name())) {
      if (!load.jobsStranded) {
        load.jobsStranded = true;
        load.writeToPrimary(load.runnerConnection, load.runnerLog, load.runner::strandJobs);
      }
      return;
    }
    load.jobsStranded = false;
    load.writeToPrimary(load.runnerConnection, load.runnerLog, load.runner::tick);
  }

  private void sessionTick(TenantLoad load) {
    if (load.paused || !running) {
      return;
    }
    try {
      load.sessions.tick(redisCommands(), seconds(SESSION_TICK));
      redisLog.success(load.tenant.name());
    } catch (RuntimeException e) {
      redisLog.failure(load.tenant.name(), e);
      dropRedisConnection();
    }
  }

  private void pressureTick() {
    if (!faults.isRedisMemoryPressure() || !running) {
      return;
    }
    try {
      RedisCommands<String, String> commands = redisCommands();
      String value = "x".repeat(PRESSURE_VALUE_BYTES);
      for (int i = 0; i < PRESSURE_VALUES_PER_TICK; i++) {
        String key = "session:" + SessionTraffic.newSid();
        commands.set(key, value);
        // Short-lived, so that Redis empties and its alerts resolve a few minutes after the fault.
        commands.expire(key, PRESSURE_TTL_SECONDS);
        faults.countPressureWrite(PRESSURE_VALUE_BYTES);
      }
      redisLog.success("memory_pressure");
    } catch (RuntimeException e) {
      redisLog.failure("memory_pressure", e);
      dropRedisConnection();
    }
  }

  private void ingressGauges() {
    // A random walk around the connections the tenants' browsers, scanners and websockets hold.
    long target = loads.size() * 25L;
    openConnections =
        Math.max(1, openConnections + random.nextInt(7) - 3 + (target - openConnections) / 10);
    traefik.setOpenConnections(TraefikStandIn.ENTRYPOINT, openConnections);
    traefik.setOpenConnections("traefik", 1);
    Instant now = Instant.now();
    if (Duration.between(lastConfigReload, now).compareTo(CONFIG_RELOAD_PERIOD) >= 0) {
      traefik.recordConfigReload(now);
      lastConfigReload = now;
    }
  }

  private synchronized RedisCommands<String, String> redisCommands() {
    if (redisConnection == null) {
      if (redisClient == null) {
        RedisURI uri = RedisURI.create(redis.uri());
        uri.setTimeout(Duration.ofSeconds(2));
        redisClient = RedisClient.create(uri);
      }
      redisConnection = redisClient.connect();
    }
    return redisConnection.sync();
  }

  private synchronized void dropRedisConnection() {
    if (redisConnection != null) {
      redisConnection.closeAsync();
      redisConnection = null;
    }
  }

  private TenantLoad load(String tenant) {
    TenantLoad load = loads.get(tenant);
    if (load == null) {
      throw new IllegalArgumentException(
          "tenant: got " + tenant + "; expected one of " + new ArrayList<>(loads.keySet()));
    }
    return load;
  }

  private static double seconds(Duration tick) {
    return tick.toMillis() / 1000.0;
  }

  /**
   * Rates per tenant and per second.
   *
   * @param websocketRequestsPerSecond long-polling connections closed per second
   * @param sessionsPerSecond new Odoo sessions written to Redis per second
   */
  public record Rates(
      double ordersPerSecond,
      double exportsPerSecond,
      double deliveriesPerSecond,
      double receiptsPerSecond,
      double webRequestsPerSecond,
      double handheldRequestsPerSecond,
      double websocketRequestsPerSecond,
      double sessionsPerSecond) {

    /** One order, half an export and half a delivery per second; 20 web and 5 handheld req/s. */
    public static final Rates DEFAULT = new Rates(1.0, 0.5, 0.5, 0.2, 20, 5, 0.2, 2);
  }

  @FunctionalInterface
  private interface DatabaseWork {
    void run(Connection connection) throws SQLException;
  }

  /** A JDBC connection opened on first use and dropped after a failure. */
  private final class ConnectionSlot {
    private final String database;
    private final String applicationName;
    private Connection connection;

    ConnectionSlot(String database, String applicationName) {
      this.database = database;
      this.applicationName = applicationName;
    }

    Connection get() throws SQLException {
      if (connection == null || connection.isClosed()) {
        connection = postgres.connectPrimary(database, applicationName);
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET statement_timeout = '10s'");
        }
        connection.commit();
      }
      return connection;
    }

    void discard() {
      if (connection == null) {
        return;
      }
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The server is gone or the socket is broken; the next tick opens a new connection.
      }
      connection = null;
    }
  }

  private final class TenantLoad {
    final OdooTenants.Tenant tenant;
    final ReentrantLock gate = new ReentrantLock();
    final ConnectionSlot business;
    final ConnectionSlot runnerConnection;
    final TenantActivity activity;
    final SimulatedJobRunner runner;
    final IngressTraffic traffic;
    final SessionTraffic sessions;
    final ThrottledLog businessLog = new ThrottledLog(LOG, "business");
    final ThrottledLog runnerLog = new ThrottledLog(LOG, "job_runner");
    volatile boolean paused;
    // Set by the runner tick that strands the jobs when the stalled-runner fault starts; only the
    // tenant's runner task reads and writes it.
    boolean jobsStranded;

    TenantLoad(OdooTenants.Tenant tenant, int index) {
      this.tenant = tenant;
      int pidBase = 4100 + index * 10;
      this.business = new ConnectionSlot(tenant.database(), "odoo-" + pidBase);
      this.runnerConnection = new ConnectionSlot(tenant.database(), "odoo-" + (pidBase + 9));
      this.activity = new TenantActivity(tenant.name(), rates);
      this.runner = new SimulatedJobRunner(tenant.name(), pidBase, faults);
      this.traffic = new IngressTraffic(tenant, traefik, faults, rates);
      this.sessions = new SessionTraffic(tenant, rates);
    }

    /** Runs {@code work} in one transaction unless paused; the gate makes pause wait for it. */
    void writeToPrimary(ConnectionSlot slot, ThrottledLog log, DatabaseWork work) {
      gate.lock();
      try {
        if (paused || allPaused || !running) {
          return;
        }
        Connection connection = slot.get();
        try {
          work.run(connection);
          connection.commit();
        } catch (SQLException e) {
          try {
            connection.rollback();
          } catch (SQLException rollbackFailure) {
            e.addSuppressed(rollbackFailure);
          }
          throw e;
        }
        log.success(tenant.name());
      } catch (SQLException e) {
        log.failure(tenant.name(), e);
        slot.discard();
      } finally {
        gate.unlock();
      }
    }

    void awaitIdle() {
      gate.lock();
      gate.unlock();
    }

    void closeConnections() {
      gate.lock();
      try {
        business.discard();
        runnerConnection.discard();
      } finally {
        gate.unlock();
      }
    }
  }
}
