package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.collect.TargetId;
import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.config.RedisTarget;
import io.freightwatch.config.Secret;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisCollectorIT {

  private static final Labels SESSIONS = Labels.of("instance", "sessions");

  private static ClientResources resources;
  private static ScrapeHarness harness;

  private TestRedisServer server;
  private RedisCollector collector;
  private RedisClient testClient;

  @BeforeAll
  static void createResources() {
    resources = RedisCollector.createClientResources();
    harness = new ScrapeHarness(Duration.ofSeconds(10));
  }

  @AfterAll
  static void shutdownResources() throws Exception {
    if (harness != null) {
      harness.close();
    }
    if (resources != null) {
      RedisCollector.shutdown(resources).get();
    }
  }

  @AfterEach
  void stopServer() throws Exception {
    if (collector != null) {
      harness.await(collector::close);
    }
    if (testClient != null) {
      testClient.shutdown();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void reportsInfoFields() throws Exception {
    server = TestRedisServer.startOrSkip();
    collector = new RedisCollector(server.target("sessions"), resources);

    Map<String, Sample> samples = bySeries(harness.scrape(collector));

    assertThat(value(samples, RedisSamples.MEMORY_USED)).isPositive();
    assertThat(value(samples, RedisSamples.MEMORY_MAX)).isZero();
    assertThat(samples).doesNotContainKey(RedisSamples.MEMORY_USED_RATIO + SESSIONS);
    assertThat(value(samples, RedisSamples.CONNECTED_CLIENTS)).isEqualTo(1);
    assertThat(value(samples, RedisSamples.BLOCKED_CLIENTS)).isZero();
    assertThat(value(samples, RedisSamples.EVICTED_KEYS)).isZero();
    assertThat(value(samples, RedisSamples.KEYSPACE_HITS)).isZero();
    assertThat(value(samples, RedisSamples.KEYSPACE_MISSES)).isZero();
    assertThat(samples).doesNotContainKey(RedisSamples.HIT_RATIO + SESSIONS);
    assertThat(collector.target()).isEqualTo(new TargetId("redis", "sessions"));
  }

  @Test
  void countsBlockedClients() throws Exception {
    server = TestRedisServer.startOrSkip();
    collector = new RedisCollector(server.target("sessions"), resources);
    StatefulRedisConnection<String, String> blocking = testClient().connect();
    RedisFuture<?> waiting = blocking.async().blpop(30, "never-filled");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(value(bySeries(harness.scrape(collector)), RedisSamples.BLOCKED_CLIENTS))
                    .isEqualTo(1));
    waiting.cancel(true);
    blocking.close();
  }

  @Test
  void maxmemoryRatioAndEvictions() throws Exception {
    server = TestRedisServer.startOrSkip("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru");
    collector = new RedisCollector(server.target("sessions"), resources);
    RedisCommands<String, String> commands = testClient().connect().sync();
    String value = "x".repeat(1024);
    for (int i = 0; i < 20_000 && evictedKeys(commands) == 0; i += 100) {
      for (int j = i; j < i + 100; j++) {
        commands.set("session:" + j, value);
      }
    }

    Map<String, Sample> samples = bySeries(harness.scrape(collector));

    double used = value(samples, RedisSamples.MEMORY_USED);
    assertThat(value(samples, RedisSamples.MEMORY_MAX)).isEqualTo(2 * 1024 * 1024);
    assertThat(value(samples, RedisSamples.MEMORY_USED_RATIO)).isEqualTo(used / (2 * 1024 * 1024));
    assertThat(value(samples, RedisSamples.MEMORY_USED_RATIO)).isBetween(0.5, 1.5);
    assertThat(value(samples, RedisSamples.EVICTED_KEYS)).isPositive();
  }

  @Test
  void hitRatioFromDeltas() throws Exception {
    server = TestRedisServer.startOrSkip();
    collector = new RedisCollector(server.target("sessions"), resources);
    RedisCommands<String, String> commands = testClient().connect().sync();
    commands.set("session:a", "1");
    commands.get("session:a");
    commands.get("missing");
    Map<String, Sample> first = bySeries(harness.scrape(collector));

    commands.get("session:a");
    commands.get("session:a");
    commands.get("session:a");
    commands.get("missing");
    Map<String, Sample> second = bySeries(harness.scrape(collector));
    Map<String, Sample> idle = bySeries(harness.scrape(collector));

    assertThat(first).doesNotContainKey(RedisSamples.HIT_RATIO + SESSIONS);
    assertThat(value(second, RedisSamples.KEYSPACE_HITS)).isEqualTo(4);
    assertThat(value(second, RedisSamples.KEYSPACE_MISSES)).isEqualTo(2);
    assertThat(value(second, RedisSamples.HIT_RATIO)).isEqualTo(0.75);
    assertThat(idle).doesNotContainKey(RedisSamples.HIT_RATIO + SESSIONS);
  }

  @Test
  void aclUserAuthenticates() throws Exception {
    server =
        TestRedisServer.startOrSkip(
            "--user",
            "default",
            "off",
            "--user",
            "monitor",
            "on",
            ">s3cret-pw",
            "+@connection",
            "+info");
    collector =
        new RedisCollector(
            server.target("sessions", "monitor", new Secret("s3cret-pw", "env:TEST")), resources);

    Map<String, Sample> samples = bySeries(harness.scrape(collector));

    assertThat(value(samples, RedisSamples.CONNECTED_CLIENTS)).isEqualTo(1);
  }

  @Test
  void wrongPasswordFailsWithoutLeakingIt() throws Exception {
    server =
        TestRedisServer.startOrSkip(
            "--user",
            "default",
            "off",
            "--user",
            "monitor",
            "on",
            ">s3cret-pw",
            "+@connection",
            "+info");
    collector =
        new RedisCollector(
            server.target("sessions", "monitor", new Secret("wrong-pw", "env:TEST")), resources);

    Throwable failure = harness.scrapeFailure(collector);

    assertThat(failure)
        .isInstanceOf(RedisException.class)
        .hasMessageStartingWith("Redis target sessions (127.0.0.1:" + server.port() + "): ");
    assertThat(stackText(failure)).doesNotContain("wrong-pw").doesNotContain("s3cret-pw");
  }

  @Test
  void unreachableServerFailsNamingTarget() {
    int port = TestRedisServer.freePort();
    RedisTarget target =
        new RedisTarget(
            "down",
            "127.0.0.1",
            port,
            false,
            "",
            Secret.NONE,
            Duration.ofSeconds(15),
            Duration.ofSeconds(2));
    collector = new RedisCollector(target, resources);

    Throwable failure = harness.scrapeFailure(collector);

    assertThat(failure)
        .isInstanceOf(RedisException.class)
        .hasMessageStartingWith("Redis target down (127.0.0.1:" + port + "): ");
  }

  @Test
  void reconnectsAfterServerRestart() throws Exception {
    server = TestRedisServer.startOrSkip();
    collector = new RedisCollector(server.target("sessions"), resources);
    harness.scrape(collector);

    server.stop();
    Throwable whileDown = harness.scrapeFailure(collector);
    server.start();

    assertThat(whileDown).isInstanceOf(RedisException.class);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(bySeries(harness.scrape(collector)))
                    .containsKey(RedisSamples.MEMORY_USED + SESSIONS));
  }

  private RedisClient testClient() {
    testClient = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    return testClient;
  }

  private static long evictedKeys(RedisCommands<String, String> commands) {
    return RedisInfo.parse(commands.info("stats")).getLong("evicted_keys").orElse(0);
  }

  private static String stackText(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      text.append(cause).append('\n');
    }
    return text.toString();
  }

  private static Map<String, Sample> bySeries(List<Sample> samples) {
    return samples.stream()
        .collect(Collectors.toMap(sample -> sample.name() + sample.labels(), Function.identity()));
  }

  private static double value(Map<String, Sample> samples, String name) {
    assertThat(samples).containsKey(name + SESSIONS);
    return samples.get(name + SESSIONS).value();
  }
}
