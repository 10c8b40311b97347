package io.freightwatch.collect.redis;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Turns one {@code INFO} reply into the Redis series. A field the server did not print gives no
 * series, never a 0.
 */
final class RedisSamples {

  static final String MEMORY_USED = "freightwatch_redis_memory_used_bytes";
  static final String MEMORY_MAX = "freightwatch_redis_memory_max_bytes";
  static final String MEMORY_USED_RATIO = "freightwatch_redis_memory_used_ratio";
  static final String EVICTED_KEYS = "freightwatch_redis_evicted_keys_total";
  static final String CONNECTED_CLIENTS = "freightwatch_redis_connected_clients";
  static final String BLOCKED_CLIENTS = "freightwatch_redis_blocked_clients";
  static final String KEYSPACE_HITS = "freightwatch_redis_keyspace_hits_total";
  static final String KEYSPACE_MISSES = "freightwatch_redis_keyspace_misses_total";
  static final String HIT_RATIO = "freightwatch_redis_hit_ratio";
  static final String INFO = "freightwatch_redis_info";
  static final String MEMORY_PEAK = "freightwatch_redis_memory_peak_bytes";
  static final String MEMORY_RSS = "freightwatch_redis_memory_rss_bytes";
  static final String MAXMEMORY_POLICY = "freightwatch_redis_maxmemory_policy_info";
  static final String FRAGMENTATION_RATIO = "freightwatch_redis_memory_fragmentation_ratio";
  static final String FRAGMENTATION_BYTES = "freightwatch_redis_memory_fragmentation_bytes";
  static final String EXPIRED_KEYS = "freightwatch_redis_expired_keys_total";
  static final String MAX_CLIENTS = "freightwatch_redis_max_clients";
  static final String REJECTED_CONNECTIONS = "freightwatch_redis_rejected_connections_total";
  static final String OPS_PER_SECOND = "freightwatch_redis_ops_per_second";
  static final String MASTER_LINK_UP = "freightwatch_redis_master_link_up";
  static final String MASTER_LAST_IO = "freightwatch_redis_master_last_io_seconds";
  static final String MASTER_LINK_DOWN = "freightwatch_redis_master_link_down_seconds";
  static final String NEVER_SYNCED = "freightwatch_redis_replica_never_synced";
  static final String REPLICA_OFFSET = "freightwatch_redis_replica_offset_bytes";
  static final String MASTER_OFFSET = "freightwatch_redis_master_offset_bytes";
  static final String CONNECTED_REPLICAS = "freightwatch_redis_connected_replicas";
  static final String REPLICA_LAG_BYTES = "freightwatch_redis_replica_lag_bytes";
  static final String REPLICA_LAG_SECONDS = "freightwatch_redis_replica_ack_age_seconds";
  static final String REPLICA_STATE = "freightwatch_redis_replica_state_info";
  static final String IMPLAUSIBLE = "freightwatch_redis_implausible_fields";
  static final String RDB_BGSAVE_OK = "freightwatch_redis_rdb_last_bgsave_ok";
  static final String RDB_SAVE_AGE = "freightwatch_redis_rdb_last_save_age_seconds";
  static final String RDB_CHANGES = "freightwatch_redis_rdb_changes_since_last_save";
  static final String AOF_ENABLED = "freightwatch_redis_aof_enabled";
  static final String AOF_WRITE_OK = "freightwatch_redis_aof_last_write_ok";
  static final String AOF_REWRITE_OK = "freightwatch_redis_aof_last_rewrite_ok";
  static final String LATEST_FORK = "freightwatch_redis_latest_fork_seconds";
  static final String DB_KEYS = "freightwatch_redis_db_keys";
  static final String DB_EXPIRING_KEYS = "freightwatch_redis_db_expiring_keys";
  static final String DB_AVERAGE_TTL = "freightwatch_redis_db_average_ttl_seconds";
  static final String KEYS = "freightwatch_redis_keys";

  private RedisSamples() {}

  /**
   * Returns the samples of one scrape and records its hit and miss counters in {@code hitRatio}.
   *
   * @param labels the {@code instance} label
   */
  static List<Sample> of(Labels labels, RedisInfo info, KeyspaceHitRatio hitRatio) {
    return of(labels, info, hitRatio, java.time.Instant.now());
  }

  /**
   * Returns the samples of one scrape.
   *
   * @param now the agent's time, used for ages when the server does not print {@code
   *     server_time_usec} (before Redis 6.2)
   */
  static List<Sample> of(
      Labels labels, RedisInfo info, KeyspaceHitRatio hitRatio, java.time.Instant now) {
    List<Sample> samples = new ArrayList<>();
    addServer(labels, info, samples);
    addMoreMemory(labels, info, samples);
    addClientsAndStats(labels, info, samples);
    addReplication(labels, info, samples);
    addPersistence(labels, info, serverSeconds(info, now), samples);
    addKeyspace(labels, info, samples);
    addMemory(labels, info, samples);
    counter(
        samples,
        labels,
        EVICTED_KEYS,
        "Keys evicted by the maxmemory policy",
        info.getLong("evicted_keys"));
    gauge(
        samples,
        labels,
        CONNECTED_CLIENTS,
        "Client connections, without replicas",
        info.getLong("connected_clients"));
    gauge(
        samples,
        labels,
        BLOCKED_CLIENTS,
        "Clients waiting in a blocking command",
        info.getLong("blocked_clients"));
    addKeyspaceLookups(labels, info, hitRatio, samples);
    return samples;
  }

  private static void addMemory(Labels labels, RedisInfo info, List<Sample> out) {
    OptionalLong used = info.getLong("used_memory");
    OptionalLong max = info.getLong("maxmemory");
    gauge(out, labels, MEMORY_USED, "Bytes allocated by Redis (used_memory)", used);
    gauge(out, labels, MEMORY_MAX, "maxmemory in bytes; 0 means no limit", max);
    if (used.isPresent() && max.isPresent() && max.getAsLong() > 0) {
      out.add(
          Sample.gauge(
              MEMORY_USED_RATIO,
              "used_memory / maxmemory, from 0 to 1; absent without a limit",
              (double) used.getAsLong() / max.getAsLong(),
              labels));
    }
  }

  private static void addKeyspaceLookups(
      Labels labels, RedisInfo info, KeyspaceHitRatio hitRatio, List<Sample> out) {
    OptionalLong hits = info.getLong("keyspace_hits");
    OptionalLong misses = info.getLong("keyspace_misses");
    counter(out, labels, KEYSPACE_HITS, "Successful key lookups", hits);
    counter(out, labels, KEYSPACE_MISSES, "Key lookups that found no key", misses);
    if (hits.isEmpty() || misses.isEmpty()) {
      return;
    }
    String runId = info.get("run_id").orElse("");
    OptionalDouble ratio = hitRatio.update(runId, hits.getAsLong(), misses.getAsLong());
    if (ratio.isPresent()) {
      out.add(
          Sample.gauge(
              HIT_RATIO,
              "Keyspace hits / (hits + misses) since the previous scrape",
              ratio.getAsDouble(),
              labels));
    }
  }

  private static void addServer(Labels labels, RedisInfo info, List<Sample> out) {
    info.role().ifPresent(role -> out.add(Sample.gauge(INFO,
        "Always 1; the labels carry the server's role, version and mode", 1,
        labels.with("role", role.equals("slave") ? "replica" : role)
            .with("version", info.get("redis_version").orElse(""))
            .with("mode", info.get("redis_mode").orElse("")))));
    List<String> implausible = info.implausibleFields();
    // Reported where replication fields were read, so that a reply without them stays empty.
    if (info.section("replication").isEmpty() && implausible.isEmpty()) {
      return;
    }
    out.add(Sample.gauge(IMPLAUSIBLE,
        "INFO fields whose values cannot be real, such as wrapped-around durations; they are"
            + " reported as unknown",
        implausible.size(), labels));
  }

  private static void addMoreMemory(Labels labels, RedisInfo info, List<Sample> out) {
    OptionalLong used = info.getLong("used_memory");
    OptionalLong rss = info.getLong("used_memory_rss");
    gauge(out, labels, MEMORY_PEAK, "Highest used_memory since start", info.getLong(
        "used_memory_peak"));
    gauge(out, labels, MEMORY_RSS, "Resident set size of the Redis process", rss);
    info.get("maxmemory_policy").ifPresent(policy -> out.add(Sample.gauge(MAXMEMORY_POLICY,
        "Always 1; the policy label is maxmemory_policy", 1, labels.with("policy", policy))));
    info.getDouble("mem_fragmentation_ratio").ifPresent(ratio -> out.add(Sample.gauge(
        FRAGMENTATION_RATIO, "used_memory_rss / used_memory; meaningless while used_memory is tiny",
        ratio, labels)));
    OptionalLong wasted = info.getLong("mem_fragmentation_bytes");
    if (wasted.isEmpty() && used.isPresent() && rss.isPresent()) {
      wasted = OptionalLong.of(rss.getAsLong() - used.getAsLong());
    }
    wasted.ifPresent(bytes -> out.add(Sample.gauge(FRAGMENTATION_BYTES,
        "Bytes the process holds beyond used_memory (used_memory_rss - used_memory)", bytes,
        labels)));
  }

  private static void addClientsAndStats(Labels labels, RedisInfo info, List<Sample> out) {
    counter(out, labels, EXPIRED_KEYS, "Keys removed because their TTL passed",
        info.getLong("expired_keys"));
    gauge(out, labels, MAX_CLIENTS, "maxclients (printed by Redis 6.2 and later)",
        info.getLong("maxclients"));
    counter(out, labels, REJECTED_CONNECTIONS, "Connections rejected because maxclients was reached",
        info.getLong("rejected_connections"));
    gauge(out, labels, OPS_PER_SECOND, "Commands per second over the server's last samples",
        info.getLong("instantaneous_ops_per_sec"));
  }

  private static void addReplication(Labels labels, RedisInfo info, List<Sample> out) {
    if ("slave".equals(info.role().orElse(""))) {
      info.get("master_link_status").ifPresent(status -> out.add(Sample.gauge(MASTER_LINK_UP,
          "1 when the replica's link to its master is up", status.equals("up") ? 1 : 0, labels)));
      gauge(out, labels, MASTER_LAST_IO,
          "Seconds since the replica last heard from its master; absent when unknown or"
              + " implausible",
          info.masterLastIoSecondsAgo());
      if ("down".equals(info.get("master_link_status").orElse(""))
          && !info.isReplicaNeverSynced()) {
        gauge(out, labels, MASTER_LINK_DOWN, "Seconds the master link has been down",
            info.masterLinkDownSeconds());
      }
      out.add(Sample.gauge(NEVER_SYNCED,
          "1 when the replica has never synced with its master since it started",
          info.isReplicaNeverSynced() ? 1 : 0, labels));
      gauge(out, labels, REPLICA_OFFSET, "Replication offset this replica has processed",
          info.getLong("slave_repl_offset"));
      return;
    }
    gauge(out, labels, MASTER_OFFSET, "Replication offset of this master",
        info.getLong("master_repl_offset"));
    List<RedisInfo.Replica> replicas = info.replicas();
    if (info.role().isPresent()) {
      out.add(Sample.gauge(CONNECTED_REPLICAS, "Replicas listed by this master", replicas.size(),
          labels));
    }
    for (RedisInfo.Replica replica : replicas) {
      Labels replicaLabels = labels.with("replica", replicaName(replica));
      replica.state().ifPresent(state -> out.add(Sample.gauge(REPLICA_STATE,
          "Always 1; the state label is online, or wait_bgsave or send_bulk during a full sync", 1,
          replicaLabels.with("state", state))));
      info.replicaLagBytes(replica).ifPresent(bytes -> out.add(Sample.gauge(REPLICA_LAG_BYTES,
          "Bytes the replica is behind: master_repl_offset minus its offset, never negative",
          bytes, replicaLabels)));
      replica.lagSeconds().ifPresent(seconds -> out.add(Sample.gauge(REPLICA_LAG_SECONDS,
          "Seconds since the replica last acknowledged; absent when implausible", seconds,
          replicaLabels)));
    }
  }

  private static void addPersistence(
      Labels labels, RedisInfo info, double nowSeconds, List<Sample> out) {
    status(out, labels, RDB_BGSAVE_OK, "1 when the last background RDB save succeeded",
        info.get("rdb_last_bgsave_status"));
    OptionalLong lastSave = info.getLong("rdb_last_save_time");
    if (lastSave.isPresent() && lastSave.getAsLong() > 0) {
      out.add(Sample.gauge(RDB_SAVE_AGE, "Seconds since the last successful RDB save",
          Math.max(0, nowSeconds - lastSave.getAsLong()), labels));
    }
    gauge(out, labels, RDB_CHANGES, "Writes not yet in an RDB snapshot",
        info.getLong("rdb_changes_since_last_save"));
    gauge(out, labels, AOF_ENABLED, "1 when the append-only file is on",
        info.getLong("aof_enabled"));
    if (info.getLong("aof_enabled").orElse(0) == 1) {
      status(out, labels, AOF_WRITE_OK, "1 when the last AOF write succeeded",
          info.get("aof_last_write_status"));
      status(out, labels, AOF_REWRITE_OK, "1 when the last AOF rewrite succeeded",
          info.get("aof_last_bgrewrite_status"));
    }
    info.getLong("latest_fork_usec").ifPresent(micros -> out.add(Sample.gauge(LATEST_FORK,
        "Duration of the latest fork for a save or rewrite; the server stalls meanwhile",
        micros / 1e6, labels)));
  }

  private static void addKeyspace(Labels labels, RedisInfo info, List<Sample> out) {
    for (RedisInfo.Keyspace database : info.keyspace()) {
      Labels db = labels.with("db", database.database());
      gauge(out, db, DB_KEYS, "Keys in the database", database.keys());
      gauge(out, db, DB_EXPIRING_KEYS, "Keys with a TTL in the database", database.expires());
      // Redis prints avg_ttl 0 when it has not sampled any TTL yet, so only positive values are
      // estimates.
      database.averageTtlMillis().ifPresent(millis -> {
        if (millis > 0) {
          out.add(Sample.gauge(DB_AVERAGE_TTL, "Estimated mean remaining TTL of expiring keys",
              millis / 1000.0, db));
        }
      });
    }
    gauge(out, labels, KEYS, "Keys in all databases", info.totalKeys());
  }

  private static double serverSeconds(RedisInfo info, java.time.Instant now) {
    OptionalLong serverMicros = info.getLong("server_time_usec");
    return serverMicros.isPresent()
        ? serverMicros.getAsLong() / 1e6
        : now.toEpochMilli() / 1000.0;
  }

  private static String replicaName(RedisInfo.Replica replica) {
    String ip = replica.fields().getOrDefault("ip", "");
    String port = replica.fields().getOrDefault("port", "");
    return ip.isEmpty() ? "slave" + replica.index() : ip + ":" + port;
  }

  private static void status(List<Sample> out, Labels labels, String name, String help,
      java.util.Optional<String> status) {
    status.ifPresent(value -> out.add(Sample.gauge(name, help, value.equals("ok") ? 1 : 0,
        labels)));
  }

  private static void gauge(
      List<Sample> out, Labels labels, String name, String help, OptionalLong value) {
    if (value.isPresent()) {
      out.add(Sample.gauge(name, help, value.getAsLong(), labels));
    }
  }

  private static void counter(
      List<Sample> out, Labels labels, String name, String help, OptionalLong value) {
    if (value.isPresent()) {
      out.add(Sample.counter(name, help, value.getAsLong(), labels));
    }
  }
}
