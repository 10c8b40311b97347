package io.freightwatch.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults injected into the lab on demand. One method switches each fault on and off. The workload
 * reads the switches at the start of every tick, so a change takes effect within about a second.
 * Each fault also counts what it did, so tests can compare the agent's alerts with the exact input.
 * All methods are thread-safe.
 *
 * <ul>
 *   <li>{@link #carrierOutage}: every attempt of the tenant's carrier-label jobs ({@code
 *       root.carrier}) fails with {@value #RETRYABLE_JOB_ERROR}: the job goes back to pending with
 *       {@code eta} = now + 30 s and keeps its incremented {@code retry}, and at {@code retry >=
 *       max_retries} (5) it fails for good with {@value #FAILED_JOB_ERROR}.
 *   <li>{@link #stalledRunner}: the tenant's job runner dispatches one last time and its workers
 *       are killed: enqueued jobs, and runnable jobs up to each channel's capacity, are left
 *       started with nothing to finish them, and pending jobs pile up behind them.
 *   <li>{@link #replicaLag}: WAL replay on the replica is paused while the primary keeps writing.
 *   <li>{@link #redisMemoryPressure}: large session values are written until Redis evicts keys.
 *   <li>{@link #ingressFault}: one Traefik service answers a configured share of requests with 5xx
 *       and gives most requests a latency of 2 to 4 s.
 *   <li>{@link #orderFeedErrors}: the tenant's order-import jobs fail with {@value #USER_ERROR}.
 *   <li>{@link #odooWorkersHung}: the tenant's Odoo HTTP stand-in accepts health requests and never
 *       replies to them, as a worker pool whose workers are all stuck.
 * </ul>
 */
public final class Faults {

  public static final String CARRIER_OUTAGE = "carrier-outage";
  public static final String STALLED_RUNNER = "stalled-runner";
  public static final String REPLICA_LAG = "replica-lag";
  public static final String REDIS_MEMORY_PRESSURE = "redis-memory-pressure";
  public static final String INGRESS_FAULT = "ingress-fault";
  public static final String ORDER_FEED_ERRORS = "order-feed-errors";
  public static final String ODOO_WORKERS_HUNG = "odoo-workers-hung";

  /** Names accepted by the control API, in the order of the demo schedule. */
  public static final List<String> NAMES =
      List.of(
          CARRIER_OUTAGE,
          STALLED_RUNNER,
          REPLICA_LAG,
          REDIS_MEMORY_PRESSURE,
          INGRESS_FAULT,
          ORDER_FEED_ERRORS,
          ODOO_WORKERS_HUNG);

  public static final String RETRYABLE_JOB_ERROR =
      "odoo.addons.queue_job.exception.RetryableJobError";
  public static final String FAILED_JOB_ERROR = "odoo.addons.queue_job.exception.FailedJobError";
  public static final String USER_ERROR = "odoo.exceptions.UserError";

  /** Delay before a label job that hit the carrier outage may run again. */
  public static final Duration CARRIER_RETRY_DELAY = Duration.ofSeconds(30);

  /** {@code max_retries} of the label jobs the workload creates. */
  public static final int CARRIER_MAX_RETRIES = 5;

  /** 5xx share of an ingress fault when none is given. */
  public static final double DEFAULT_INGRESS_ERROR_RATIO = 0.30;

  /** Share of requests that an ingress fault slows down to 2-4 s. */
  public static final double INGRESS_SLOW_RATIO = 0.90;

  public static final double INGRESS_SLOW_MIN_SECONDS = 2.0;
  public static final double INGRESS_SLOW_MAX_SECONDS = 4.0;

  private static final Logger LOG = LoggerFactory.getLogger(Faults.class);

  private final LabPostgres postgres;
  private final Set<String> tenants;
  private final Set<String> services;
  private final Set<String> carrierOutages = ConcurrentHashMap.newKeySet();
  private final Set<String> stalledRunners = ConcurrentHashMap.newKeySet();
  private final Set<String> orderFeedErrors = ConcurrentHashMap.newKeySet();
  private final Set<String> hungWorkers = ConcurrentHashMap.newKeySet();
  private final Map<String, IngressFault> ingressFaults = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> carrierFailures = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> orderImportFailures = new ConcurrentHashMap<>();
  private final AtomicLong pressureBytes = new AtomicLong();
  private final AtomicLong pressureKeys = new AtomicLong();
  private volatile boolean replicaLag;
  private volatile boolean redisMemoryPressure;

  /**
   * @param tenants tenant names the tenant faults accept
   * @param services Traefik service names {@link #ingressFault} accepts
   */
  public Faults(LabPostgres postgres, List<String> tenants, List<String> services) {
    this.postgres = Objects.requireNonNull(postgres, "postgres");
    this.tenants = Set.copyOf(tenants);
    this.services = Set.copyOf(services);
  }

  /** Switches the carrier outage of {@code tenant} on or off. */
  public void carrierOutage(String tenant, boolean active) {
    toggle(carrierOutages, CARRIER_OUTAGE, checkTenant(tenant), active);
  }

  public boolean isCarrierOutage(String tenant) {
    return carrierOutages.contains(tenant);
  }

  /** Stops or restarts the simulated job runner of {@code tenant}. */
  public void stalledRunner(String tenant, boolean active) {
    toggle(stalledRunners, STALLED_RUNNER, checkTenant(tenant), active);
  }

  public boolean isRunnerStalled(String tenant) {
    return stalledRunners.contains(tenant);
  }

  /** Makes the order-import jobs of {@code tenant} fail, or lets them succeed again. */
  public void orderFeedErrors(String tenant, boolean active) {
    toggle(orderFeedErrors, ORDER_FEED_ERRORS, checkTenant(tenant), active);
  }

  public boolean hasOrderFeedErrors(String tenant) {
    return orderFeedErrors.contains(tenant);
  }

  /** Makes the Odoo HTTP workers of {@code tenant} stop replying, or reply again. */
  public void odooWorkersHung(String tenant, boolean active) {
    toggle(hungWorkers, ODOO_WORKERS_HUNG, checkTenant(tenant), active);
  }

  public boolean isOdooWorkersHung(String tenant) {
    return hungWorkers.contains(tenant);
  }

  /**
   * Pauses (on) or resumes (off) WAL replay on the replica. Blocks for one JDBC call.
   *
   * @throws IllegalStateException when the replica cannot be reached
   */
  public synchronized void replicaLag(boolean active) {
    if (active) {
      postgres.pauseReplay();
    } else {
      postgres.resumeReplay();
    }
    replicaLag = active;
    LOG.info("event=fault_{} fault={}", active ? "on" : "off", REPLICA_LAG);
  }

  public boolean isReplicaLag() {
    return replicaLag;
  }

  /** Starts or stops writing large session values into Redis; used memory is not freed. */
  public void redisMemoryPressure(boolean active) {
    redisMemoryPressure = active;
    LOG.info("event=fault_{} fault={}", active ? "on" : "off", REDIS_MEMORY_PRESSURE);
  }

  public boolean isRedisMemoryPressure() {
    return redisMemoryPressure;
  }

  /** Switches an ingress fault on {@code service} with the default 5xx ratio (30 %). */
  public void ingressFault(String service, boolean active) {
    ingressFault(service, DEFAULT_INGRESS_ERROR_RATIO, active);
  }

  /**
   * Switches an ingress fault on {@code service}.
   *
   * @param errorRatio share of requests that get a 5xx response, from 0 to 1. It is exact to within
   *     one request over any run of requests, because the errors are spread evenly rather than
   *     drawn at random.
   */
  public void ingressFault(String service, double errorRatio, boolean active) {
    if (!services.contains(service)) {
      throw new IllegalArgumentException(
          "service: got " + service + "; expected one of " + sorted(services));
    }
    if (!(errorRatio >= 0 && errorRatio <= 1)) {
      throw new IllegalArgumentException(
          "errorRatio: got " + errorRatio + "; expected a ratio from 0 to 1, e.g. 0.3");
    }
    if (active) {
      ingressFaults.put(
          service,
          new IngressFault(
              errorRatio, INGRESS_SLOW_RATIO, INGRESS_SLOW_MIN_SECONDS, INGRESS_SLOW_MAX_SECONDS));
    } else {
      ingressFaults.remove(service);
    }
    LOG.info(
        "event=fault_{} fault={} service={} error_ratio={}",
        active ? "on" : "off",
        INGRESS_FAULT,
        service,
        errorRatio);
  }

  /** Returns the ingress fault active on {@code service}, if any. */
  public Optional<IngressFault> ingressFault(String service) {
    return Optional.ofNullable(ingressFaults.get(service));
  }

  /** Number of label-job attempts of {@code tenant} failed by the carrier outage so far. */
  public long carrierFailures(String tenant) {
    return counter(carrierFailures, tenant).get();
  }

  /** Number of order-import jobs of {@code tenant} failed by the order-feed fault so far. */
  public long orderImportFailures(String tenant) {
    return counter(orderImportFailures, tenant).get();
  }

  /** Bytes of session values written by the memory-pressure fault so far. */
  public long redisPressureBytes() {
    return pressureBytes.get();
  }

  /** Switches every fault off. */
  public void clearAll() {
    List.copyOf(carrierOutages).forEach(tenant -> carrierOutage(tenant, false));
    List.copyOf(stalledRunners).forEach(tenant -> stalledRunner(tenant, false));
    List.copyOf(orderFeedErrors).forEach(tenant -> orderFeedErrors(tenant, false));
    List.copyOf(hungWorkers).forEach(tenant -> odooWorkersHung(tenant, false));
    List.copyOf(ingressFaults.keySet()).forEach(service -> ingressFault(service, false));
    if (replicaLag) {
      replicaLag(false);
    }
    redisMemoryPressure(false);
  }

  /** Returns the faults that are on, with what each has done so far. */
  public List<ActiveFault> active() {
    List<ActiveFault> active = new ArrayList<>();
    for (String tenant : sorted(carrierOutages)) {
      active.add(
          new ActiveFault(
              CARRIER_OUTAGE,
              tenant,
              Map.of(
                  "carrier", LogisticsWorkload.carrierOf(tenant),
                  "failed_attempts", carrierFailures(tenant),
                  "retry_delay_seconds", CARRIER_RETRY_DELAY.toSeconds(),
                  "max_retries", CARRIER_MAX_RETRIES)));
    }
    for (String tenant : sorted(stalledRunners)) {
      active.add(new ActiveFault(STALLED_RUNNER, tenant, Map.of()));
    }
    if (replicaLag) {
      active.add(new ActiveFault(REPLICA_LAG, LabPostgres.STANDBY_NAME, Map.of()));
    }
    if (redisMemoryPressure) {
      active.add(
          new ActiveFault(
              REDIS_MEMORY_PRESSURE,
              "sessions",
              Map.of("bytes_written", pressureBytes.get(), "keys_written", pressureKeys.get())));
    }
    for (String service : sorted(ingressFaults.keySet())) {
      IngressFault fault = ingressFaults.get(service);
      if (fault != null) {
        active.add(new ActiveFault(INGRESS_FAULT, service, fault.asMap()));
      }
    }
    for (String tenant : sorted(orderFeedErrors)) {
      active.add(
          new ActiveFault(
              ORDER_FEED_ERRORS,
              tenant,
              Map.of("failed_imports", orderImportFailures(tenant), "exc_name", USER_ERROR)));
    }
    for (String tenant : sorted(hungWorkers)) {
      active.add(new ActiveFault(ODOO_WORKERS_HUNG, tenant, Map.of()));
    }
    return List.copyOf(active);
  }

  void countCarrierFailures(String tenant, long attempts) {
    counter(carrierFailures, tenant).addAndGet(attempts);
  }

  void countOrderImportFailures(String tenant, long jobs) {
    counter(orderImportFailures, tenant).addAndGet(jobs);
  }

  void countPressureWrite(long bytes) {
    pressureBytes.addAndGet(bytes);
    pressureKeys.incrementAndGet();
  }

  private String checkTenant(String tenant) {
    if (!tenants.contains(tenant)) {
      throw new IllegalArgumentException(
          "tenant: got " + tenant + "; expected one of " + sorted(tenants));
    }
    return tenant;
  }

  private static void toggle(Set<String> set, String fault, String tenant, boolean active) {
    if (active) {
      set.add(tenant);
    } else {
      set.remove(tenant);
    }
    LOG.info("event=fault_{} fault={} tenant={}", active ? "on" : "off", fault, tenant);
  }

  private static AtomicLong counter(Map<String, AtomicLong> counters, String key) {
    return counters.computeIfAbsent(key, ignored -> new AtomicLong());
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }

  /**
   * An ingress fault on one service.
   *
   * @param errorRatio share of requests that get a 502 or 504 response
   * @param slowRatio share of requests whose latency is drawn from [slowMinSeconds, slowMaxSeconds)
   */
  public record IngressFault(
      double errorRatio, double slowRatio, double slowMinSeconds, double slowMaxSeconds) {

    Map<String, Object> asMap() {
      return Map.of(
          "error_ratio", errorRatio,
          "slow_ratio", slowRatio,
          "slow_min_seconds", slowMinSeconds,
          "slow_max_seconds", slowMaxSeconds);
    }
  }

  /**
   * A fault that is on.
   *
   * @param fault one of {@link #NAMES}
   * @param target tenant, service, standby or Redis instance it acts on
   * @param details what it is configured to do and has done so far
   */
  public record ActiveFault(String fault, String target, Map<String, Object> details) {
    public ActiveFault {
      Objects.requireNonNull(fault, "fault");
      Objects.requireNonNull(target, "target");
      details = Map.copyOf(details);
    }
  }
}
