package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.freightwatch.cli.AgentVerticle;
import io.freightwatch.cli.DefaultCollectorFactory;
import io.freightwatch.collect.postgres.TestPostgres;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigLoader;
import io.freightwatch.config.PostgresTarget;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.LabExtension;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents with {@code agent.shard} count 3 over one PostgreSQL server holding 30 Odoo-shaped
 * tenant databases (the Odoo 17 schema of the lab; Odoo itself cannot run here), plus the lab's
 * Redis and Traefik stand-in. Three tenants are listed explicitly, the others are discovered.
 * Together the agents must watch every tenant exactly once and read each server-wide target from
 * exactly one agent.
 */
@ExtendWith(LabExtension.class)
class ShardedAgentsIT {

  private static final int TENANTS = 30;
  private static final int SHARDS = 3;
  private static final Pattern TENANT_INFO =
      Pattern.compile("(?m)^freightwatch_odoo_tenant_info\\{[^}]*tenant=\"([^\"]+)\"");
  private static final Pattern TARGET_UP =
      Pattern.compile("(?m)^freightwatch_target_up\\{source=\"(postgres|redis|traefik)\","
          + "target=\"([^\"]+)\"}");

  private static TestPostgres server;
  private static String prefix;
  private static final List<String> databases = new ArrayList<>();

  private final Lab lab;
  private final HttpClient http = HttpClient.newHttpClient();

  ShardedAgentsIT(Lab lab) {
    this.lab = lab;
  }

  @BeforeAll
  static void createTenants() throws Exception {
    server = TestPostgres.connectOrSkip();
    prefix = "fw_scale_shard_" + TestPostgres.uniqueSuffix() + "_";
    String template = server.createNamedOdooDatabase("fw_scale_tpl_" + TestPostgres.uniqueSuffix());
    try (Connection admin = server.admin("postgres");
        Statement statement = admin.createStatement()) {
      for (int i = 0; i < TENANTS; i++) {
        String database = prefix + "t" + i;
        statement.execute("CREATE DATABASE " + database + " TEMPLATE " + template);
        databases.add(database);
      }
    }
  }

  @AfterAll
  static void dropTenants() throws Exception {
    if (server == null) {
      return;
    }
    try (Connection admin = server.admin("postgres");
        Statement statement = admin.createStatement()) {
      for (String database : databases) {
        statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
    server.close();
  }

  @Test
  void threeShardsSplitEstateExactlyOnce(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try {
      List<AgentVerticle> agents = new ArrayList<>();
      for (int index = 0; index < SHARDS; index++) {
        AgentConfig config = load(dir.resolve("agent-" + index), index);
        AgentVerticle agent =
            new AgentVerticle(config, Clock.systemUTC(), new DefaultCollectorFactory());
        vertx.deployVerticle(agent).await(60, TimeUnit.SECONDS);
        agents.add(agent);
      }

      List<String> expected = new ArrayList<>();
      for (int i = 0; i < TENANTS; i++) {
        expected.add("t" + i);
      }
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(union(tenantsOf(agents)))
              .containsExactlyInAnyOrderElementsOf(expected));

      List<Set<String>> tenants = tenantsOf(agents);
      for (int a = 0; a < SHARDS; a++) {
        assertThat(tenants.get(a)).as("tenants of shard %d", a).isNotEmpty();
        for (int b = a + 1; b < SHARDS; b++) {
          Set<String> overlap = new TreeSet<>(tenants.get(a));
          overlap.retainAll(tenants.get(b));
          assertThat(overlap).as("tenants of shards %d and %d", a, b).isEmpty();
        }
      }
      assertServerWideTargetsReadOnce(agents);
      assertShardMetrics(agents, tenants);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void assertServerWideTargetsReadOnce(List<AgentVerticle> agents) throws Exception {
    List<String> serverWide = new ArrayList<>(List.of("postgres/shard-primary", "redis/sessions",
        "redis/sessions-copy", "traefik/ingress"));
    if (server.replicaTarget("replica").isPresent()) {
      serverWide.add("postgres/shard-replica");
    }
    List<String> seen = new ArrayList<>();
    for (AgentVerticle agent : agents) {
      Matcher up = TARGET_UP.matcher(metrics(agent));
      while (up.find()) {
        seen.add(up.group(1) + "/" + up.group(2));
      }
    }
    assertThat(seen).as("server-wide targets over all agents, each from one agent")
        .containsExactlyInAnyOrderElementsOf(serverWide);
  }

  private void assertShardMetrics(List<AgentVerticle> agents, List<Set<String>> tenants)
      throws Exception {
    for (int index = 0; index < SHARDS; index++) {
      String text = metrics(agents.get(index));
      assertThat(text).containsPattern("(?m)^freightwatch_agent_shard_info\\{count=\"3\","
          + "index=\"" + index + "\"} 1(\\.0)?$");
      assertThat(text).containsPattern("(?m)^freightwatch_agent_shard_tenants "
          + tenants.get(index).size() + "(\\.0)?$");
    }
  }

  private List<Set<String>> tenantsOf(List<AgentVerticle> agents) throws Exception {
    List<Set<String>> result = new ArrayList<>();
    for (AgentVerticle agent : agents) {
      Set<String> tenants = new HashSet<>();
      Matcher info = TENANT_INFO.matcher(metrics(agent));
      while (info.find()) {
        tenants.add(info.group(1));
      }
      result.add(tenants);
    }
    return result;
  }

  private static List<String> union(List<Set<String>> sets) {
    List<String> all = new ArrayList<>();
    sets.forEach(all::addAll);
    return all;
  }

  private String metrics(AgentVerticle agent) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.port() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Loads the configuration of shard {@code index}; the last one takes its index from HOSTNAME. */
  private AgentConfig load(Path dir, int index) throws Exception {
    Files.createDirectories(dir);
    PostgresTarget primary = server.target("shard-primary", "postgres", Duration.ofSeconds(5));
    StringBuilder postgres = new StringBuilder(postgresEntry("shard-primary", primary));
    server.replicaTarget("shard-replica")
        .ifPresent(replica -> postgres.append(postgresEntry("shard-replica", replica)));
    boolean ordinal = index == SHARDS - 1;
    String yaml = """
        agent:
          listen: 127.0.0.1:0
          scrape_timeout: 5s
          data_directory: data
          shard:
            index: %s
            count: %d
        targets:
          postgres:
        %s
          odoo:
            - server: shard-primary
              tenants:
                - {name: t0, database: %st0}
                - {name: t1, database: %st1}
                - {name: t2, database: %st2}
              discover:
                include: "%s.*"
                tenant_name: "%s(?<tenant>.+)"
                refresh: 30s
              interval: 1s
          redis:
            - name: sessions
              url: %s
              interval: 1s
            - name: sessions-copy
              url: %s
              interval: 1s
          traefik:
            - name: ingress
              url: %s
              interval: 1s
              window: 10s
        rules:
          evaluation_interval: 1s
        """.formatted(ordinal ? "ordinal" : Integer.toString(index), SHARDS, postgres, prefix,
        prefix, prefix, prefix, prefix, lab.redis().uri(), lab.redis().uri(),
        lab.traefik().metricsUrl());
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, yaml);
    Map<String, String> environment =
        ordinal ? Map.of("HOSTNAME", "freightwatch-" + index) : Map.of();
    return new ConfigLoader(environment).load(file);
  }

  private static String postgresEntry(String name, PostgresTarget target) {
    return """
            - name: %s
              cluster: shard-test
              dsn: postgresql://%s@%s:%d/postgres?sslmode=disable
              interval: 1s
        """.formatted(name, target.user(), target.host(), target.port());
  }
}
