package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The INFO replies of a Redis 7.4 primary (A), a Dragonfly keyspace line (B), replicas that never
 * reached their primary on new and old Redis (C, D) and a fork with wrapped-around numbers (E),
 * turned into series.
 */
class RedisFieldCaseTest {

  private static final Labels REDIS = Labels.of("instance", "sessions");
  private static final Instant SCRAPED_AT = Instant.ofEpochSecond(1_741_600_800L);

  @Test
  void primaryKeyspaceReadByName() {
    List<Sample> samples = samples(RedisInfoTest.REDIS_74_PRIMARY);

    Labels db0 = REDIS.with("db", "db0");
    assertThat(find(samples, RedisSamples.DB_KEYS, db0)).contains(1_500.0);
    assertThat(find(samples, RedisSamples.DB_EXPIRING_KEYS, db0)).contains(200.0);
    assertThat(find(samples, RedisSamples.DB_AVERAGE_TTL, db0)).contains(36.0);
    assertThat(find(samples, RedisSamples.KEYS, REDIS)).contains(1_510.0);
  }

  @Test
  void primaryListsExactlyTwoReplicas() {
    List<Sample> samples = samples(RedisInfoTest.REDIS_74_PRIMARY);

    assertThat(find(samples, RedisSamples.CONNECTED_REPLICAS, REDIS)).contains(2.0);
    Labels online = REDIS.with("replica", "10.0.0.11:6379");
    Labels syncing = REDIS.with("replica", "10.0.0.12:6379");
    assertThat(find(samples, RedisSamples.REPLICA_LAG_BYTES, online)).contains(112.0);
    assertThat(find(samples, RedisSamples.REPLICA_LAG_BYTES, syncing)).isEmpty();
    assertThat(find(samples, RedisSamples.REPLICA_STATE, syncing.with("state", "wait_bgsave")))
        .contains(1.0);
  }

  @Test
  void dragonflyTtlMinusOneIsUnknown() {
    List<Sample> samples = samples(RedisInfoTest.DRAGONFLY_KEYSPACE);

    Labels db0 = REDIS.with("db", "db0");
    assertThat(find(samples, RedisSamples.DB_KEYS, db0)).contains(55_660.0);
    assertThat(find(samples, RedisSamples.DB_EXPIRING_KEYS, db0)).contains(0.0);
    assertThat(find(samples, RedisSamples.DB_AVERAGE_TTL, db0)).isEmpty();
  }

  @Test
  void neverSyncedReplicaSameOnBothGenerations() {
    for (String reply : List.of(RedisInfoTest.NEVER_SYNCED_REPLICA,
        RedisInfoTest.OLD_NEVER_SYNCED_REPLICA)) {
      List<Sample> samples = samples(reply);

      assertThat(find(samples, RedisSamples.NEVER_SYNCED, REDIS)).as(reply).contains(1.0);
      assertThat(find(samples, RedisSamples.MASTER_LINK_UP, REDIS)).as(reply).contains(0.0);
      assertThat(find(samples, RedisSamples.MASTER_LINK_DOWN, REDIS)).as(reply).isEmpty();
      assertThat(find(samples, RedisSamples.MASTER_LAST_IO, REDIS)).as(reply).isEmpty();
    }
  }

  @Test
  void wrappedNumbersAreUnknownNotLag() {
    List<Sample> replica = samples(RedisInfoTest.WRAPPED_REPLICA);
    List<Sample> primary = samples(RedisInfoTest.WRAPPED_PRIMARY);

    assertThat(find(replica, RedisSamples.MASTER_LINK_UP, REDIS)).contains(1.0);
    assertThat(find(replica, RedisSamples.MASTER_LAST_IO, REDIS)).isEmpty();
    assertThat(find(replica, RedisSamples.IMPLAUSIBLE, REDIS)).contains(1.0);
    Labels replicaLabels = REDIS.with("replica", "10.0.0.21:6380");
    assertThat(find(primary, RedisSamples.REPLICA_LAG_BYTES, replicaLabels)).contains(0.0);
    assertThat(find(primary, RedisSamples.REPLICA_LAG_SECONDS, replicaLabels)).isEmpty();
    assertThat(find(primary, RedisSamples.IMPLAUSIBLE, REDIS)).contains(1.0);
  }

  @Test
  void persistenceAndMemoryFields() {
    String reply = String.join("\r\n",
        "# Server", "redis_version:6.0.16", "uptime_in_seconds:100",
        "# Memory", "used_memory:1000", "used_memory_rss:4000", "used_memory_peak:2000",
        "maxmemory:0", "maxmemory_policy:allkeys-lru", "mem_fragmentation_ratio:4.00",
        "# Persistence", "rdb_last_bgsave_status:err", "rdb_last_save_time:1741600700",
        "rdb_changes_since_last_save:12", "aof_enabled:0",
        "# Stats", "latest_fork_usec:2500", "expired_keys:40", "rejected_connections:3",
        "instantaneous_ops_per_sec:250", "# Replication", "role:master", "connected_slaves:0");

    List<Sample> samples = samples(reply);

    assertThat(find(samples, RedisSamples.FRAGMENTATION_BYTES, REDIS)).contains(3_000.0);
    assertThat(find(samples, RedisSamples.FRAGMENTATION_RATIO, REDIS)).contains(4.0);
    assertThat(find(samples, RedisSamples.MAXMEMORY_POLICY, REDIS.with("policy", "allkeys-lru")))
        .contains(1.0);
    assertThat(find(samples, RedisSamples.RDB_BGSAVE_OK, REDIS)).contains(0.0);
    assertThat(find(samples, RedisSamples.RDB_SAVE_AGE, REDIS)).contains(100.0);
    assertThat(find(samples, RedisSamples.LATEST_FORK, REDIS)).contains(0.0025);
    assertThat(find(samples, RedisSamples.AOF_WRITE_OK, REDIS)).isEmpty();
    assertThat(find(samples, RedisSamples.MAX_CLIENTS, REDIS)).isEmpty();
    assertThat(find(samples, RedisSamples.OPS_PER_SECOND, REDIS)).contains(250.0);
  }

  private static List<Sample> samples(String reply) {
    return RedisSamples.of(REDIS, RedisInfo.parse(reply), new KeyspaceHitRatio(), SCRAPED_AT);
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }
}
