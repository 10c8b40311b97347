package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Memory pressure on the lab's Redis session store fires the eviction alert with INFO's values. */
@ExtendWith(LabExtension.class)
class RedisPressureIT {

  private static final String RULE = "redis_evictions";
  private static final Map<String, String> SESSIONS = Map.of("instance", "sessions");

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;
  private RedisClient client;
  private StatefulRedisConnection<String, String> redis;

  RedisPressureIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    agent = AgentUnderTest.start(lab, dir, webhook.url(), rule -> rule.name().equals(RULE)
        ? rule.withFor(Duration.ofSeconds(2)) : rule);
    client = RedisClient.create(lab.redis().uri());
    redis = client.connect();
  }

  @AfterEach
  void stop() throws Exception {
    lab.faults().redisMemoryPressure(false);
    // The fault leaves Redis full; empty it so that later tests start from a normal store.
    redis.sync().flushall();
    redis.close();
    client.shutdown();
    agent.close();
    webhook.close();
  }

  @Test
  void evictionsFireWithInfoValues() throws Exception {
    double before = infoField("stats", "evicted_keys");
    long beforeNanos = System.nanoTime();

    lab.faults().redisMemoryPressure(true);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !agent.alerts(RULE, "firing").isEmpty());
    lab.faults().redisMemoryPressure(false);

    // Session writes go on and keep evicting, so the counter moves: the agent's value, scraped
    // within the last second or two, must lie between INFO read before that and INFO read after.
    double earlier = infoField("stats", "evicted_keys");
    Thread.sleep(2500);
    double shownEvicted = agent.metric("freightwatch_redis_evicted_keys_total", SESSIONS)
        .orElseThrow();
    double evicted = infoField("stats", "evicted_keys");
    assertThat(earlier).isGreaterThan(before);
    assertThat(shownEvicted).isBetween(earlier, evicted);
    double maxmemory = infoField("memory", "maxmemory");
    assertThat(agent.metric("freightwatch_redis_memory_max_bytes", SESSIONS)).contains(maxmemory);
    double used = agent.metric("freightwatch_redis_memory_used_bytes", SESSIONS).orElseThrow();
    assertThat(agent.metric("freightwatch_redis_memory_used_ratio", SESSIONS).orElseThrow())
        .isCloseTo(used / maxmemory, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(used / maxmemory).isGreaterThan(0.9);

    JsonNode alert = agent.alerts(RULE, "firing").get(0);
    // increase() extrapolates as Prometheus does: by at most 1.1 scrape intervals (1 s here) at
    // each end of the sampled span. That span began before `before` was read and ended at the
    // latest evaluation, at most 2 s ago.
    double sampledSeconds = (System.nanoTime() - beforeNanos) / 1e9 - 2;
    assertThat(alert.get("value").asDouble())
        .as("evictions counted in the window")
        .isGreaterThan(0)
        .isLessThanOrEqualTo((evicted - before) * (1 + 2.2 / sampledSeconds));
    assertThat(alert.get("labels").get("instance").asText()).isEqualTo("sessions");
    await().atMost(Duration.ofSeconds(10)).until(() -> webhook.received(RULE).size() == 1);
    assertThat(webhook.received(RULE).get(0).summary()).contains("evicted", "log warehouse operators");
  }

  private double infoField(String section, String field) {
    for (String line : redis.sync().info(section).split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Double.parseDouble(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError("INFO " + section + " has no field " + field);
  }
}
