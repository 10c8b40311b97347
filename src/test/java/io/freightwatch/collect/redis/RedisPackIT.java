package io.freightwatch.collect.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.collect.postgres.ScrapeHarness;
import io.freightwatch.config.RedisTarget;
import io.freightwatch.config.Secret;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow log, latency monitor, queue lengths and TLS against real redis-server processes. */
class RedisPackIT {

  private static final Labels CACHE = Labels.of("instance", "cache");

  private static ClientResources resources;
  private static ScrapeHarness harness;

  @TempDir Path dir;

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
  void countsOnlyNewSlowlogEntries() throws Exception {
    server = TestRedisServer.startOrSkip("--slowlog-log-slower-than", "0");
    RedisCommands<String, String> redis = connect(server.port());
    redis.set("session:old", "before the agent");
    collector = new RedisCollector(server.target("cache"), resources);
    harness.scrape(collector);

    redis.set("session:abc", "secret-session-payload");
    redis.get("session:abc");
    List<Sample> samples = harness.scrape(collector);

    assertThat(find(samples, SlowlogTracker.ENTRIES, CACHE.with("command", "SET"))).contains(1.0);
    assertThat(find(samples, SlowlogTracker.ENTRIES, CACHE.with("command", "GET"))).contains(1.0);
    assertThat(samples).allSatisfy(sample ->
        assertThat(sample.labels().toString()).doesNotContain("secret-session-payload")
            .doesNotContain("session:abc"));
    assertThat(find(samples, RedisCollector.COMMAND_UP, CACHE.with("command", "slowlog")))
        .contains(1.0);
  }

  @Test
  void reportsLatencySpikes() throws Exception {
    server = TestRedisServer.startOrSkip("--latency-monitor-threshold", "1");
    RedisCommands<String, String> redis = connect(server.port());
    redis.eval("local i = 0 while i < 5000000 do i = i + 1 end return i",
        io.lettuce.core.ScriptOutputType.INTEGER);
    collector = new RedisCollector(server.target("cache"), resources);

    List<Sample> samples = harness.scrape(collector);

    assertThat(find(samples, LatencyEvents.LATEST, CACHE.with("event", "command")))
        .hasValueSatisfying(seconds -> assertThat(seconds).isGreaterThanOrEqualTo(0.001));
    assertThat(find(samples, RedisCollector.COMMAND_UP, CACHE.with("command", "latency")))
        .contains(1.0);
  }

  @Test
  void measuresConfiguredQueues() throws Exception {
    server = TestRedisServer.startOrSkip();
    RedisCommands<String, String> redis = connect(server.port());
    redis.select(2);
    redis.rpush("queue:labels", "a", "b", "c");
    redis.zadd("queue:retry", 1.0, "x");
    redis.xadd("events", java.util.Map.of("k", "v"));
    redis.xadd("events", java.util.Map.of("k", "w"));
    RedisTarget base = server.target("cache");
    RedisTarget target = new RedisTarget(base.name(), base.host(), base.port(), false, "",
        Secret.NONE, base.interval(), base.timeout(), 2, Optional.empty(),
        List.of(new RedisTarget.Queue("labels", "queue:labels", RedisTarget.KeyType.LIST),
            new RedisTarget.Queue("retry", "queue:retry", RedisTarget.KeyType.ZSET),
            new RedisTarget.Queue("events", "events", RedisTarget.KeyType.STREAM),
            new RedisTarget.Queue("empty", "queue:none", RedisTarget.KeyType.LIST),
            new RedisTarget.Queue("wrong", "queue:labels", RedisTarget.KeyType.ZSET)));
    collector = new RedisCollector(target, resources);

    List<Sample> samples = harness.scrape(collector);

    assertThat(length(samples, "labels", "queue:labels")).contains(3.0);
    assertThat(length(samples, "retry", "queue:retry")).contains(1.0);
    assertThat(length(samples, "events", "events")).contains(2.0);
    assertThat(length(samples, "empty", "queue:none")).contains(0.0);
    assertThat(length(samples, "wrong", "queue:labels")).isEmpty();
    assertThat(find(samples, RedisSamples.DB_KEYS, CACHE.with("db", "db2"))).contains(3.0);
  }

  @Test
  void scrapesOverTlsWithCaFile() throws Exception {
    ThrowawayCertificate certificate = ThrowawayCertificate.create(dir);
    int tlsPort = freePort();
    server = TestRedisServer.startOrSkip("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", certificate.certificate().toString(),
        "--tls-key-file", certificate.privateKey().toString(),
        "--tls-ca-cert-file", certificate.certificate().toString(),
        "--tls-auth-clients", "no");
    RedisTarget target = new RedisTarget("cache", "127.0.0.1", tlsPort, true, "", Secret.NONE,
        Duration.ofSeconds(15), Duration.ofSeconds(5), 0,
        Optional.of(certificate.certificate()), List.of());
    collector = new RedisCollector(target, resources);

    List<Sample> samples = harness.scrape(collector);

    assertThat(find(samples, RedisSamples.CONNECTED_CLIENTS, CACHE)).contains(1.0);
  }

  @Test
  void tlsWithoutTrustedCaFails() throws Exception {
    ThrowawayCertificate certificate = ThrowawayCertificate.create(dir);
    int tlsPort = freePort();
    server = TestRedisServer.startOrSkip("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", certificate.certificate().toString(),
        "--tls-key-file", certificate.privateKey().toString(),
        "--tls-ca-cert-file", certificate.certificate().toString(),
        "--tls-auth-clients", "no");
    RedisTarget target = new RedisTarget("cache", "127.0.0.1", tlsPort, true, "", Secret.NONE,
        Duration.ofSeconds(15), Duration.ofSeconds(5));
    collector = new RedisCollector(target, resources);

    Throwable failure = harness.scrapeFailure(collector);

    assertThat(failure).hasMessageStartingWith("Redis target cache (127.0.0.1:" + tlsPort + "): ");
  }

  private RedisCommands<String, String> connect(int port) {
    testClient = RedisClient.create(RedisURI.create("127.0.0.1", port));
    return testClient.connect().sync();
  }

  private static Optional<Double> length(List<Sample> samples, String queue, String key) {
    return find(samples, RedisCollector.QUEUE_LENGTH, CACHE.with("queue", queue).with("key", key));
  }

  private static Optional<Double> find(List<Sample> samples, String name, Labels labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value)
        .findFirst();
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
