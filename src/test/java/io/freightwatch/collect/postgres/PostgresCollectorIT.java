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
  void primaryWithoutStandbysEmitsNoLag() {
    PostgresTarget target = server.target("pg-primary", "postgres", Duration.ofSeconds(5));
    try (PgSessions sessions = new PgSessions(2)) {
      PostgresCollector collector = new PostgresCollector(target, sessions);

      List<Sample> samples = harness.scrape(collector);

      Labels labels = Labels.of("cluster", "test-cluster", "instance", "pg-primary");
      assertThat(samples)
          .extracting(Sample::name, Sample::labels, Sample::value, Sample::type)
          .containsExactly(
              tuple("freightwatch_postgres_in_recovery", labels, 0.0, MetricType.GAUGE),
              tuple("freightwatch_postgres_replication_standbys", labels, 0.0, MetricType.GAUGE));
      assertThat(collector.target()).isEqualTo(new TargetId("postgres", "pg-primary"));
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
