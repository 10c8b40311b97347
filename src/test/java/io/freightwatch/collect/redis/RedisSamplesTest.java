package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSamplesTest {

  private static final Labels SESSIONS = Labels.of("instance", "sessions");

  @Test
  void limitedServerEmitsEveryField() {
    RedisInfo info =
        RedisInfo.parse(
            "run_id:r1\r\nused_memory:52428800\r\nmaxmemory:104857600\r\nevicted_keys:17\r\n"
                + "connected_clients:40\r\nblocked_clients:2\r\nkeyspace_hits:5000\r\n"
                + "keyspace_misses:250\r\n");

    List<Sample> samples = RedisSamples.of(SESSIONS, info, new KeyspaceHitRatio());

    assertThat(samples)
        .extracting(Sample::name, Sample::value, Sample::type, Sample::labels)
        .containsExactly(
            tuple(RedisSamples.MEMORY_USED, 52_428_800.0, MetricType.GAUGE, SESSIONS),
            tuple(RedisSamples.MEMORY_MAX, 104_857_600.0, MetricType.GAUGE, SESSIONS),
            tuple(RedisSamples.MEMORY_USED_RATIO, 0.5, MetricType.GAUGE, SESSIONS),
            tuple(RedisSamples.EVICTED_KEYS, 17.0, MetricType.COUNTER, SESSIONS),
            tuple(RedisSamples.CONNECTED_CLIENTS, 40.0, MetricType.GAUGE, SESSIONS),
            tuple(RedisSamples.BLOCKED_CLIENTS, 2.0, MetricType.GAUGE, SESSIONS),
            tuple(RedisSamples.KEYSPACE_HITS, 5_000.0, MetricType.COUNTER, SESSIONS),
            tuple(RedisSamples.KEYSPACE_MISSES, 250.0, MetricType.COUNTER, SESSIONS));
  }

  @Test
  void noLimitOmitsRatio() {
    RedisInfo info = RedisInfo.parse("used_memory:1024\r\nmaxmemory:0\r\n");

    List<Sample> samples = RedisSamples.of(SESSIONS, info, new KeyspaceHitRatio());

    assertThat(samples)
        .extracting(Sample::name, Sample::value)
        .containsExactly(
            tuple(RedisSamples.MEMORY_USED, 1_024.0), tuple(RedisSamples.MEMORY_MAX, 0.0));
  }

  @Test
  void missingFieldsAreNotZero() {
    RedisInfo info = RedisInfo.parse("# Server\r\nredis_version:7.2.4\r\n");

    assertThat(RedisSamples.of(SESSIONS, info, new KeyspaceHitRatio())).isEmpty();
  }

  @Test
  void secondScrapeAddsHitRatio() {
    KeyspaceHitRatio hitRatio = new KeyspaceHitRatio();
    RedisSamples.of(SESSIONS, RedisInfo.parse(counters(900, 100)), hitRatio);

    List<Sample> samples = RedisSamples.of(SESSIONS, RedisInfo.parse(counters(930, 110)), hitRatio);

    assertThat(samples)
        .filteredOn(sample -> sample.name().equals(RedisSamples.HIT_RATIO))
        .extracting(Sample::value)
        .containsExactly(0.75);
  }

  private static String counters(long hits, long misses) {
    return "run_id:r1\r\nkeyspace_hits:" + hits + "\r\nkeyspace_misses:" + misses + "\r\n";
  }
}
