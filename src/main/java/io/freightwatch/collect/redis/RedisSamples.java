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

  private RedisSamples() {}

  /**
   * Returns the samples of one scrape and records its hit and miss counters in {@code hitRatio}.
   *
   * @param labels the {@code instance} label
   */
  static List<Sample> of(Labels labels, RedisInfo info, KeyspaceHitRatio hitRatio) {
    List<Sample> samples = new ArrayList<>();
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
