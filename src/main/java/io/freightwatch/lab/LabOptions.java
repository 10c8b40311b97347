package io.freightwatch.lab;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link Lab}. A port of 0 means a free port chosen at start.
 *
 * @param baseDir directory for data directories and logs; created when missing
 * @param tenants number of Odoo tenant databases, 1 to 99
 * @param postgresPrimaryPort port of the PostgreSQL primary
 * @param postgresReplicaPort port of the PostgreSQL replica
 * @param redisPort port of redis-server
 * @param traefikPort port of the Traefik stand-in
 * @param controlPort port of the control API
 * @param workload whether the logistics workload starts with the lab
 * @param redisMaxMemoryBytes {@code maxmemory} of redis-server
 * @param traefikBuckets histogram bounds of the Traefik stand-in, in seconds
 * @param rates workload rates per tenant
 */
public record LabOptions(
    Path baseDir,
    int tenants,
    int postgresPrimaryPort,
    int postgresReplicaPort,
    int redisPort,
    int traefikPort,
    int controlPort,
    boolean workload,
    long redisMaxMemoryBytes,
    List<Double> traefikBuckets,
    LogisticsWorkload.Rates rates) {

  /**
   * Ports the demo uses: PostgreSQL 25432/25433, Redis 26379, Traefik 28080, control 28081. They
   * lie below Linux's default ephemeral range (32768 to 60999), where an outgoing connection of
   * any program can hold a port for a moment and make the demo fail to bind it.
   */
  public static final int DEMO_POSTGRES_PRIMARY_PORT = 25432;

  public static final int DEMO_POSTGRES_REPLICA_PORT = 25433;
  public static final int DEMO_REDIS_PORT = 26379;
  public static final int DEMO_TRAEFIK_PORT = 28080;
  public static final int DEMO_CONTROL_PORT = 28081;

  public LabOptions {
    Objects.requireNonNull(baseDir, "baseDir");
    if (tenants < 1 || tenants > 99) {
      throw new IllegalArgumentException("tenants: got " + tenants + "; expected 1 to 99");
    }
    traefikBuckets = List.copyOf(traefikBuckets);
    Objects.requireNonNull(rates, "rates");
  }

  /** Three tenants, the workload on, and free ports everywhere: for tests. */
  public static LabOptions withFreePorts(Path baseDir) {
    return new LabOptions(
        baseDir,
        3,
        0,
        0,
        0,
        0,
        0,
        true,
        LabRedis.DEFAULT_MAX_MEMORY_BYTES,
        TraefikStandIn.LAB_BUCKETS,
        LogisticsWorkload.Rates.DEFAULT);
  }

  /** Three tenants, the workload on, and the fixed demo ports. */
  public static LabOptions demo(Path baseDir) {
    return new LabOptions(
        baseDir,
        3,
        DEMO_POSTGRES_PRIMARY_PORT,
        DEMO_POSTGRES_REPLICA_PORT,
        DEMO_REDIS_PORT,
        DEMO_TRAEFIK_PORT,
        DEMO_CONTROL_PORT,
        true,
        LabRedis.DEFAULT_MAX_MEMORY_BYTES,
        TraefikStandIn.LAB_BUCKETS,
        LogisticsWorkload.Rates.DEFAULT);
  }

  public LabOptions withTenants(int count) {
    return new LabOptions(
        baseDir,
        count,
        postgresPrimaryPort,
        postgresReplicaPort,
        redisPort,
        traefikPort,
        controlPort,
        workload,
        redisMaxMemoryBytes,
        traefikBuckets,
        rates);
  }

  public LabOptions withWorkload(boolean on) {
    return new LabOptions(
        baseDir,
        tenants,
        postgresPrimaryPort,
        postgresReplicaPort,
        redisPort,
        traefikPort,
        controlPort,
        on,
        redisMaxMemoryBytes,
        traefikBuckets,
        rates);
  }
}
