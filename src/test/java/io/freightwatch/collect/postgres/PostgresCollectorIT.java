package io.freightwatch.collect.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.freightwatch.collect.TargetId;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.store.Labels;
import io.freightwatch.store.MetricType;
import io.freightwatch.store.Sample;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.freightwatch.lab.LabPostgres;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresCollectorIT {

  private static TestPostgres server;
  private static ScrapeHarness harness;

  @BeforeAll
  static void start() {
    server = TestPostgres.connectOrSkip();
    harness = new ScrapeHarness(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void primaryReportsItsStreamingStandby() {
    Assumptions.assumeTrue(server.replicaTarget("pg-replica").isPresent(),
        "the test server has no replica");
    PostgresTarget target = server.target("pg-primary", "postgres", Duration.ofSeconds(5));
    try (PgSessions sessions = new PgSessions(2)) {
      PostgresCollector collector = new PostgresCollector(target, sessions);

      List<Sample> samples = harness.scrape(collector);

      Labels labels = Labels.of("cluster", "test-cluster", "instance", "pg-primary");
      Labels standby = labels.with("standby", LabPostgres.STANDBY_NAME)
          .with("observed_from", "primary");
      assertThat(samples).extracting(Sample::name, Sample::labels, Sample::value)
          .contains(
              tuple("freightwatch_postgres_in_recovery", labels, 0.0),
              tuple("freightwatch_postgres_replication_standbys", labels, 1.0));
      assertThat(samples).filteredOn(s -> s.labels().equals(standby)).extracting(Sample::name)
          .contains("freightwatch_postgres_replication_lag_bytes",
              "freightwatch_postgres_replication_lag_seconds");
      assertThat(samples).filteredOn(s -> s.labels().equals(standby))
          .allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0));
      assertThat(samples).noneMatch(s -> s.labels().get("observed_from").equals("replica"));
      assertThat(collector.target()).isEqualTo(new TargetId("postgres", "pg-primary"));
    }
  }

  @Test
  void replicaReportsLagFromItsSide() {
    Optional<PostgresTarget> replica = server.replicaTarget("pg-replica");
    Assumptions.assumeTrue(replica.isPresent(), "the test server has no replica");
    try (PgSessions sessions = new PgSessions(2)) {
      PostgresCollector collector = new PostgresCollector(replica.get(), sessions);

      List<Sample> samples = harness.scrape(collector);

      Labels labels = Labels.of("cluster", "test-cluster", "instance", "pg-replica");
      Labels fromReplica = labels.with("observed_from", "replica");
      assertThat(samples).extracting(Sample::name, Sample::labels, Sample::value)
          .contains(
              tuple("freightwatch_postgres_in_recovery", labels, 1.0),
              tuple("freightwatch_postgres_wal_receiver_streaming", fromReplica, 1.0));
      assertThat(samples).extracting(Sample::name, Sample::labels)
          .contains(
              tuple("freightwatch_postgres_replication_lag_bytes", fromReplica),
              tuple("freightwatch_postgres_replication_lag_seconds", fromReplica));
      assertThat(samples).noneMatch(s -> s.name().equals(
          "freightwatch_postgres_replication_standbys"));
    }
  }

  @Test
  void secondScrapeReusesSession() {
    PostgresTarget target = server.target("pg-primary", "postgres", Duration.ofSeconds(5));
    try (PgSessions sessions = new PgSessions(2)) {
      PostgresCollector collector = new PostgresCollector(target, sessions);

      harness.scrape(collector);
      harness.scrape(collector);

      assertThat(sessions.usage()).isEqualTo(new PgSessions.Usage(1, 1, 2));
    }
  }

  @Test
  void unreachableServerFailsNamingTarget() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    PostgresTarget target =
        new PostgresTarget(
            "pg-down",
            "test-cluster",
            "127.0.0.1",
            closedPort,
            "postgres",
            "postgres",
            io.freightwatch.config.Secret.NONE,
            Map.of(),
            Duration.ofSeconds(15),
            Duration.ofSeconds(5));
    try (PgSessions sessions = new PgSessions(1)) {

      Throwable failure = harness.scrapeFailure(new PostgresCollector(target, sessions));

      assertThat(failure)
          .isInstanceOf(SQLException.class)
          .hasMessageStartingWith(
              "PostgreSQL target pg-down (127.0.0.1:" + closedPort + "/postgres): ");
      assertThat(((SQLException) failure).getSQLState()).isEqualTo("08001");
      assertThat(sessions.usage().open()).isZero();
    }
  }
}
