package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import io.freightwatch.testing.WebhookCapture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication lag on the lab's streaming replica: replay paused while the primary writes fires the
 * replica lag alert with the lag PostgreSQL reports, and an idle primary fires nothing even though
 * the time since the last replayed commit keeps growing.
 */
@ExtendWith(LabExtension.class)
class ReplicaLagIT {

  private static final String RULE = "replica_lag";
  private static final Map<String, String> FROM_REPLICA =
      Map.of("instance", "lab-replica", "observed_from", "replica");
  private static final Map<String, String> FROM_PRIMARY =
      Map.of("instance", "lab-primary", "observed_from", "primary");

  private final Lab lab;
  private WebhookCapture webhook;
  private AgentUnderTest agent;

  ReplicaLagIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeEach
  void startAgent(@TempDir Path dir) throws Exception {
    webhook = new WebhookCapture();
    // 3 s of lag for 2 s instead of 60 s for 1 minute, so that each scenario takes seconds.
    agent = AgentUnderTest.start(lab, dir, webhook.url(), rule -> rule.name().equals(RULE)
        ? rule.withThreshold(3).withFor(Duration.ofSeconds(2)) : rule);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        agent.metric("freightwatch_postgres_replication_lag_seconds", FROM_REPLICA).isPresent());
  }

  @AfterEach
  void stop() throws Exception {
    lab.faults().replicaLag(false);
    lab.workload().resumeAll();
    agent.close();
    webhook.close();
  }

  @Test
  void idlePrimaryRaisesNoLag() throws Exception {
    lab.workload().pauseAll();
    await().atMost(Duration.ofSeconds(30)).until(() -> replicaCaughtUp());

    // Stay idle well past the threshold plus the for duration. PostgreSQL's own autoanalyze may
    // still commit once after the workload stops, so the idle time counts from the last commit.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      assertThat(agent.alerts()).noneMatch(a -> a.get("rule").asText().equals(RULE));
      return replicaCaughtUp() && lastReplayAgeSeconds() > 8;
    });
    assertThat(agent.metric("freightwatch_postgres_replication_lag_seconds", FROM_REPLICA))
        .contains(0.0);
    assertThat(agent.metric("freightwatch_postgres_replication_lag_bytes", FROM_REPLICA))
        .contains(0.0);
    // pg_stat_replication.replay_lag keeps the time of the last WAL record the standby applied,
    // such as the running-transactions record PostgreSQL writes while idle: well under a second,
    // never the growing age of the last commit.
    assertThat(agent.metric("freightwatch_postgres_replication_lag_seconds", FROM_PRIMARY))
        .hasValueSatisfying(lag -> assertThat(lag).isBetween(0.0, 0.5));
    assertThat(webhook.received(RULE)).isEmpty();
  }

  @Test
  void pausedReplayFiresWithReportedLag() throws Exception {
    lab.faults().replicaLag(true);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> !agent.alerts(RULE, "firing").isEmpty());
    JsonNode alert = agent.alerts(RULE, "firing").get(0);
    assertThat(alert.get("labels").get("instance").asText()).isEqualTo("lab-replica");
    assertThat(alert.get("labels").get("cluster").asText()).isEqualTo("lab");

    // Stop the writes so that the byte lag holds still (PostgreSQL itself still logs a
    // running-transactions record now and then), then compare with what PostgreSQL reports.
    lab.workload().pauseAll();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      long reported = replayBacklogBytes();
      return agent.metric("freightwatch_postgres_replication_lag_bytes", FROM_REPLICA)
          .orElse(-1.0) == reported;
    });
    long backlog = replayBacklogBytes();
    double lagSeconds = replayLagSeconds();
    double shown = agent.metric("freightwatch_postgres_replication_lag_seconds", FROM_REPLICA)
        .orElseThrow();
    assertThat(shown).as("lag seconds against PostgreSQL's %.2f", lagSeconds)
        .isBetween(lagSeconds - 3.0, lagSeconds + 0.5);
    // The primary is scraped on its own schedule: its view catches up at its next scrape.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(agent.metric("freightwatch_postgres_replication_lag_bytes", FROM_PRIMARY)
            .orElseThrow())
            .as("bytes not replayed, seen from the primary")
            .isGreaterThanOrEqualTo(backlog));

    await().atMost(Duration.ofSeconds(10)).until(() -> webhook.received(RULE).size() == 1);
    assertThat(webhook.received(RULE).get(0).summary()).contains("lab-replica", "behind");

    lab.faults().replicaLag(false);
    await().atMost(Duration.ofSeconds(60)).until(() -> webhook.received(RULE).size() == 2);
    assertThat(webhook.received(RULE).get(1).status()).isEqualTo("resolved");
  }

  private boolean replicaCaughtUp() throws Exception {
    return queryReplica("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()") == 1;
  }

  private double lastReplayAgeSeconds() throws Exception {
    return queryReplica("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())");
  }

  private long replayBacklogBytes() throws Exception {
    return (long) queryReplica(
        "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())");
  }

  private double replayLagSeconds() throws Exception {
    return queryReplica("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())");
  }

  private double queryReplica(String sql) throws Exception {
    try (Connection connection = lab.postgres().connectReplica("postgres");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      Object value = rows.getObject(1);
      if (value instanceof Boolean flag) {
        return flag ? 1 : 0;
      }
      return rows.getDouble(1);
    }
  }
}
