package io.freightwatch.lab;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local lab: a PostgreSQL primary and replica with the Odoo tenant databases, the Redis
 * session store, the Traefik stand-in, the Odoo HTTP stand-in, the logistics workload, the faults
 * and the control API, all on 127.0.0.1.
 *
 * <p>{@link #start} blocks until every part is ready and must not run on a Vert.x event loop.
 * {@link #close()} stops everything the lab started, in reverse order, and deletes no files.
 */
public final class Lab implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
  private static final Duration VERTX_TIMEOUT = Duration.ofSeconds(30);

  private final LabOptions options;
  private final List<AutoCloseable> started = new ArrayList<>();
  private LabPostgres postgres;
  private OdooTenants tenants;
  private LabRedis redis;
  private Vertx vertx;
  private TraefikStandIn traefik;
  private OdooHttpStandIn odooHttp;
  private Faults faults;
  private LogisticsWorkload workload;
  private ControlApi controlApi;
  private boolean closed;

  private Lab(LabOptions options) {
    this.options = options;
  }

  /** Starts the lab without progress messages. */
  public static Lab start(LabOptions options) {
    return start(options, message -> {});
  }

  /**
   * Starts every part of the lab.
   *
   * @param progress receives one short line per step, e.g. for a console
   * @throws IllegalStateException when a part fails to start; the parts already started are stopped
   *     before it is thrown
   */
  public static Lab start(LabOptions options, Consumer<String> progress) {
    Lab lab = new Lab(options);
    try {
      lab.startParts(progress);
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  public LabOptions options() {
    return options;
  }

  public LabPostgres postgres() {
    return postgres;
  }

  public OdooTenants tenants() {
    return tenants;
  }

  public LabRedis redis() {
    return redis;
  }

  public TraefikStandIn traefik() {
    return traefik;
  }

  /** Returns the stand-in for the tenants' Odoo HTTP workers. */
  public OdooHttpStandIn odooHttp() {
    return odooHttp;
  }

  public Faults faults() {
    return faults;
  }

  /** Returns the workload; it is running only when the options asked for it or after start(). */
  public LogisticsWorkload workload() {
    return workload;
  }

  public Vertx vertx() {
    return vertx;
  }

  public int controlPort() {
    return controlApi.port();
  }

  /** Base URL of the control API, e.g. {@code http://127.0.0.1:28081}. */
  public String controlUrl() {
    return "http://" + LabPostgres.HOST + ":" + controlPort();
  }

  /** Returns every Traefik service of the tenants: web, handheld and websocket. */
  public List<String> services() {
    List<String> services = new ArrayList<>();
    for (OdooTenants.Tenant tenant : tenants.all()) {
      services.add(tenant.webService());
      services.add(tenant.handheldService());
      services.add(tenant.websocketService());
    }
    return List.copyOf(services);
  }

  /**
   * Writes an agent configuration for this lab, with the default listen address and a 15 s
   * interval.
   *
   * @param rulesDirectory directory of the alert rules
   * @param webhookUrl URL of the webhook receiver (Alertmanager webhook format, version 4)
   */
  public void writeAgentConfig(Path file, Path rulesDirectory, String webhookUrl) {
    writeAgentConfig(
        file,
        new AgentConfigFile(
            AgentConfigFile.DEFAULT_LISTEN,
            AgentConfigFile.DEFAULT_INTERVAL,
            rulesDirectory,
            webhookUrl));
  }

  /** Writes {@code config} for this lab to {@code file}. */
  public void writeAgentConfig(Path file, AgentConfigFile config) {
    config.write(this, file);
    LOG.info("event=agent_config_written file={}", file);
  }

  /** Returns the JSON served by {@code GET /lab/status}. */
  public JsonObject status() {
    JsonObject ports =
        new JsonObject()
            .put("postgres_primary", postgres.primaryPort())
            .put("postgres_replica", postgres.replicaPort())
            .put("redis", redis.port())
            .put("traefik", traefik.port())
            .put("odoo_http", odooHttp.port())
            .put("control", controlApi == null ? 0 : controlApi.port());
    JsonArray tenantList = new JsonArray();
    for (OdooTenants.Tenant tenant : tenants.all()) {
      tenantList.add(
          new JsonObject()
              .put("name", tenant.name())
              .put("database", tenant.database())
              .put("carrier", LogisticsWorkload.carrierOf(tenant.name()))
              .put("paused", workload.isPaused(tenant.name())));
    }
    JsonArray faultList = new JsonArray();
    for (Faults.ActiveFault fault : faults.active()) {
      faultList.add(
          new JsonObject()
              .put("fault", fault.fault())
              .put("target", fault.target())
              .put("details", new JsonObject(new java.util.TreeMap<>(fault.details()))));
    }
    return new JsonObject()
        .put("host", LabPostgres.HOST)
        .put("ports", ports)
        .put("traefik_metrics_url", traefik.metricsUrl())
        .put("redis_url", redis.uri())
        .put("tenants", tenantList)
        .put("services", ControlApi.array(services()))
        .put("workload_running", workload.isRunning())
        .put("faults", faultList);
  }

  /** Stops the workload, the HTTP servers, Redis and PostgreSQL. Calling it twice is harmless. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> reversed = new ArrayList<>(started);
    java.util.Collections.reverse(reversed);
    for (AutoCloseable part : reversed) {
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn(
            "event=lab_part_close_failed part={} error={}",
            part.getClass().getSimpleName(),
            e.toString());
      }
    }
    LOG.info("event=lab_stopped dir={}", options.baseDir());
  }

  private void startParts(Consumer<String> progress) {
    Path baseDir = options.baseDir().toAbsolutePath().normalize();
    requireFreePort(options.postgresPrimaryPort(), "the PostgreSQL primary");
    requireFreePort(options.postgresReplicaPort(), "the PostgreSQL replica");
    requireFreePort(options.redisPort(), "Redis");
    requireFreePort(options.traefikPort(), "the Traefik stand-in");
    requireFreePort(options.controlPort(), "the control API");
    createDirectory(baseDir);
    progress.accept("Starting PostgreSQL primary and streaming replica in " + baseDir + " ...");
    postgres =
        LabPostgres.start(baseDir, options.postgresPrimaryPort(), options.postgresReplicaPort());
    started.add(postgres);
    progress.accept(
        "PostgreSQL "
            + postgres.majorVersion()
            + ": primary on "
            + postgres.primaryPort()
            + ", replica on "
            + postgres.replicaPort());

    progress.accept("Creating or reusing " + options.tenants() + " Odoo 17 tenant databases ...");
    tenants = OdooTenants.create(postgres, options.tenants());
    progress.accept("Tenants: " + String.join(", ", tenants.names()));

    progress.accept("Starting Redis ...");
    redis = LabRedis.start(baseDir, options.redisPort(), options.redisMaxMemoryBytes());
    started.add(redis);
    progress.accept(
        "Redis on " + redis.port() + " (maxmemory " + redis.maxMemoryBytes() + " bytes)");

    vertx = Vertx.vertx();
    started.add(() -> await(vertx.close(), "closing Vert.x"));
    traefik =
        await(
            TraefikStandIn.start(vertx, options.traefikPort(), options.traefikBuckets()),
            "starting the Traefik stand-in");
    started.add(() -> await(traefik.stop(), "stopping the Traefik stand-in"));
    publishCertificates();
    progress.accept("Traefik stand-in on " + traefik.metricsUrl());

    faults = new Faults(postgres, tenants.names(), services());
    Faults tenantFaults = faults;
    odooHttp = await(OdooHttpStandIn.start(vertx, 0, tenants.names(),
        tenantFaults::isOdooWorkersHung), "starting the Odoo HTTP stand-in");
    started.add(() -> await(odooHttp.stop(), "stopping the Odoo HTTP stand-in"));
    progress.accept("Odoo HTTP stand-in on " + odooHttp.baseUrl("<tenant>") + "/web/health");
    workload = new LogisticsWorkload(postgres, tenants, redis, traefik, faults, options.rates());
    started.add(workload);
    if (options.workload()) {
      workload.start();
      progress.accept("Workload started");
    }
    controlApi =
        await(ControlApi.start(vertx, this, options.controlPort()), "starting the control API");
    started.add(() -> await(controlApi.stop(), "stopping the control API"));
    progress.accept("Control API on " + controlUrl() + "/lab/status");
  }

  private void publishCertificates() {
    Instant now = Instant.now();
    traefik.recordConfigReload(now);
    int serial = 0x1000;
    for (OdooTenants.Tenant tenant : tenants.all()) {
      String host = tenant.name() + ".erp.example.com";
      traefik.addCertificate(
          host,
          List.of(host, "scan." + host),
          Integer.toHexString(serial++),
          now.plus(Duration.ofDays(60)));
    }
  }

  private static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("could not create the lab directory " + dir, e);
    }
  }

  static <T> T await(Future<T> future, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(VERTX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          what + " timed out after " + VERTX_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted", e);
    }
  }

  /**
   * Fails with the port and what to do when a fixed port cannot be bound on 127.0.0.1, before any
   * part starts. PostgreSQL would otherwise report it only in its log file.
   */
  static void requireFreePort(int port, String part) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " for " + part + " is in use on 127.0.0.1 ("
          + e.getMessage() + "); stop what listens there (ss -ltnp 'sport = :" + port + "'),"
          + " for example a demo still running, and start again");
    }
  }
}
