package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** INFO replies whose fields differ by Redis version, fork and replication state. */
class RedisInfoTest {

  static final String REDIS_74_PRIMARY =
      crlf(
          "# Server",
          "redis_version:7.4.1",
          "redis_mode:standalone",
          "uptime_in_seconds:864000",
          "",
          "# Replication",
          "role:master",
          "connected_slaves:2",
          "slave0:ip=10.0.0.11,port=6379,state=online,offset=123456789,lag=0",
          "slave1:ip=10.0.0.12,port=6379,state=wait_bgsave,offset=0,lag=0",
          "master_failover_state:no-failover",
          "master_repl_offset:123456901",
          "",
          "# Keyspace",
          "db0:keys=1500,expires=200,avg_ttl=36000,subexpiry=3",
          "db2:keys=10,expires=0,avg_ttl=0,subexpiry=0");

  static final String DRAGONFLY_KEYSPACE =
      crlf(
          "# Keyspace",
          "db0:keys=55660,expires=0,hits=602214,misses=55680,hit_ratio=1.07,avg_ttl=-1");

  static final String NEVER_SYNCED_REPLICA =
      crlf(
          "# Server",
          "uptime_in_seconds:900",
          "# Replication",
          "role:slave",
          "master_host:10.0.0.10",
          "master_port:6379",
          "master_link_status:down",
          "master_last_io_seconds_ago:-1",
          "master_sync_in_progress:0",
          "slave_repl_offset:1",
          "slave_priority:100",
          "slave_read_only:1",
          "master_link_down_since_seconds:-1",
          "connected_slaves:0");

  static final String OLD_NEVER_SYNCED_REPLICA =
      String.join(
          "\n",
          "uptime_in_seconds:900",
          "role:slave",
          "master_link_status:down",
          "master_link_down_since_seconds:1741600795");

  static final String WRAPPED_REPLICA =
      crlf("role:slave", "master_link_status:up", "master_last_io_seconds_ago:18446744073");

  static final String WRAPPED_PRIMARY =
      crlf(
          "# Replication",
          "role:master",
          "connected_slaves:1",
          "slave0:ip=10.0.0.21,port=6380,offset=52428812,lag=18446744073709551610",
          "master_repl_offset:52428800");

  private static final String REDIS_60 =
      crlf(
          "# Server",
          "redis_version:6.0.20",
          "run_id:5c4d2a1f0e9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
          "uptime_in_seconds:3600",
          "",
          "# Clients",
          "connected_clients:12",
          "client_recent_max_input_buffer:8",
          "blocked_clients:1",
          "tracking_clients:0",
          "",
          "# Memory",
          "used_memory:2097152",
          "used_memory_human:2.00M",
          "maxmemory:0",
          "maxmemory_human:0B",
          "maxmemory_policy:noeviction",
          "mem_fragmentation_ratio:1.52",
          "",
          "# Stats",
          "evicted_keys:0",
          "keyspace_hits:900",
          "keyspace_misses:100",
          "",
          "# Commandstats",
          "cmdstat_get:calls=1000,usec=900,usec_per_call=0.90");

  private static final String REDIS_72 =
      crlf(
          "# Server",
          "redis_version:7.2.4",
          "uptime_in_seconds:7200",
          "",
          "# Clients",
          "connected_clients:40",
          "maxclients:10000",
          "blocked_clients:0",
          "total_blocking_keys:0",
          "",
          "# Memory",
          "used_memory:52428800",
          "maxmemory:104857600",
          "used_memory_vm_eval:31744",
          "",
          "# Stats",
          "evicted_keys:17",
          "evicted_clients:0",
          "keyspace_hits:5000",
          "keyspace_misses:250",
          "eventloop_cycles:123456",
          "",
          "# Errorstats",
          "errorstat_OOM:count=3");

  @Test
  void keyspaceFieldsReadByName() {
    List<RedisInfo.Keyspace> databases = RedisInfo.parse(REDIS_74_PRIMARY).keyspace();

    RedisInfo.Keyspace db0 = databases.get(0);
    assertThat(databases).extracting(RedisInfo.Keyspace::database).containsExactly("db0", "db2");
    assertThat(db0.keys()).hasValue(1_500);
    assertThat(db0.expires()).hasValue(200);
    assertThat(db0.averageTtlMillis()).hasValue(36_000);
    assertThat(db0.fields()).containsEntry("subexpiry", "3");
  }

  @Test
  void totalKeysSumsDatabases() {
    assertThat(RedisInfo.parse(REDIS_74_PRIMARY).totalKeys()).hasValue(1_510);
  }

  @Test
  void forkKeyspaceKeepsFieldsApart() {
    RedisInfo.Keyspace db0 = RedisInfo.parse(DRAGONFLY_KEYSPACE).keyspace().get(0);

    assertThat(db0.keys()).hasValue(55_660);
    assertThat(db0.expires()).hasValue(0);
    assertThat(db0.averageTtlMillis()).isEmpty();
    assertThat(db0.fields()).containsEntry("hits", "602214").containsEntry("misses", "55680");
  }

  @Test
  void onlySlaveNumberedLinesAreReplicas() {
    RedisInfo info = RedisInfo.parse(REDIS_74_PRIMARY);

    assertThat(info.replicas()).extracting(RedisInfo.Replica::index).containsExactly(0, 1);
    assertThat(RedisInfo.parse(NEVER_SYNCED_REPLICA).replicas()).isEmpty();
  }

  @Test
  void replicaByteLagFromOffsets() {
    RedisInfo info = RedisInfo.parse(REDIS_74_PRIMARY);
    List<RedisInfo.Replica> replicas = info.replicas();

    assertThat(info.replicaLagBytes(replicas.get(0))).hasValue(112);
    assertThat(replicas.get(1).state()).hasValue("wait_bgsave");
    assertThat(info.replicaLagBytes(replicas.get(1))).isEmpty();
  }

  @Test
  void neverSyncedReplicaBothGenerations() {
    RedisInfo current = RedisInfo.parse(NEVER_SYNCED_REPLICA);
    RedisInfo old = RedisInfo.parse(OLD_NEVER_SYNCED_REPLICA);

    assertThat(current.isReplicaNeverSynced()).isTrue();
    assertThat(old.isReplicaNeverSynced()).isTrue();
    assertThat(current.masterLinkDownSeconds()).isEmpty();
    assertThat(old.masterLinkDownSeconds()).isEmpty();
    assertThat(current.masterLastIoSecondsAgo()).isEmpty();
  }

  @Test
  void replicaWithRecentLinkLossHasDuration() {
    RedisInfo info =
        RedisInfo.parse(
            crlf(
                "uptime_in_seconds:900",
                "role:slave",
                "master_link_status:down",
                "master_link_down_since_seconds:42"));

    assertThat(info.isReplicaNeverSynced()).isFalse();
    assertThat(info.masterLinkDownSeconds()).hasValue(42);
  }

  @Test
  void wrappedValuesAreUnknown() {
    RedisInfo replica = RedisInfo.parse(WRAPPED_REPLICA);
    RedisInfo primary = RedisInfo.parse(WRAPPED_PRIMARY);
    RedisInfo.Replica slave0 = primary.replicas().get(0);

    assertThat(replica.get("master_link_status")).hasValue("up");
    assertThat(replica.masterLastIoSecondsAgo()).isEmpty();
    assertThat(replica.implausibleFields())
        .containsExactly("master_last_io_seconds_ago=18446744073");
    assertThat(slave0.lagSeconds()).isEmpty();
    assertThat(primary.implausibleFields()).containsExactly("slave0.lag=18446744073709551610");
    assertThat(primary.replicaLagBytes(slave0)).hasValue(0);
  }

  @Test
  void minusOneIsNotImplausible() {
    assertThat(RedisInfo.parse(NEVER_SYNCED_REPLICA).implausibleFields()).isEmpty();
  }

  @Test
  void sixZeroLacksLaterFields() {
    RedisInfo info = RedisInfo.parse(REDIS_60);

    assertThat(info.getLong("connected_clients")).hasValue(12);
    assertThat(info.getLong("used_memory")).hasValue(2_097_152);
    assertThat(info.getLong("maxclients")).isEmpty();
    assertThat(info.getLong("total_error_replies")).isEmpty();
    assertThat(info.section("errorstats")).isEmpty();
    assertThat(info.getDouble("mem_fragmentation_ratio")).hasValue(1.52);
  }

  @Test
  void sevenTwoFieldsBySection() {
    RedisInfo info = RedisInfo.parse(REDIS_72);

    assertThat(info.sectionNames())
        .containsExactly("server", "clients", "memory", "stats", "errorstats");
    assertThat(info.section("Memory")).containsEntry("used_memory_vm_eval", "31744");
    assertThat(info.getLong("maxclients")).hasValue(10_000);
    assertThat(RedisInfo.parseList(info.get("errorstat_OOM").orElseThrow()))
        .containsEntry("count", "3");
  }

  @Test
  void nonNumericValuesAreUnknown() {
    RedisInfo info =
        RedisInfo.parse(crlf("used_memory:2.00M", "maxmemory:", "mem_fragmentation_ratio:nan"));

    assertThat(info.getLong("used_memory")).isEmpty();
    assertThat(info.getLong("maxmemory")).isEqualTo(OptionalLong.empty());
    assertThat(info.getDouble("mem_fragmentation_ratio")).isEmpty();
  }

  @Test
  void valueMayContainColons() {
    RedisInfo info = RedisInfo.parse(crlf("executable:/usr/bin/redis-server", "config:c:\\r.conf"));

    assertThat(info.get("config")).hasValue("c:\\r.conf");
  }

  private static String crlf(String... lines) {
    return String.join("\r\n", lines) + "\r\n";
  }
}
