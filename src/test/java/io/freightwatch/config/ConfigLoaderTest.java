package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static final String VALID = """
      agent:
        listen: 127.0.0.1:0
      targets:
        postgres:
          - name: lab-primary
            cluster: lab
            dsn: postgresql://freightwatch@127.0.0.1:55432/postgres?sslmode=disable
            password: ${env:PG_PASSWORD}
            interval: 5s
          - name: lab-replica
            cluster: lab
            dsn: postgresql://127.0.0.1:55433
        odoo:
          - server: lab-primary
            tenants:
              - {name: acme, database: odoo_acme}
            discover:
              include: "odoo_.*"
              tenant_name: "odoo_(?<tenant>.+)"
        redis:
          - name: sessions
            url: redis://127.0.0.1:56379
        traefik:
          - name: ingress
            url: http://127.0.0.1:58080/metrics
            window: 2m
            services:
              - pattern: "odoo-(?<tenant>[a-z0-9]+)-(?<app>web|handheld)@.*"
      notify:
        receivers:
          - name: ops
            url: http://127.0.0.1:58082/alerts
            headers:
              Authorization: "Bearer ${file:token.txt}"
      """;

  @Test
  void loadsValidConfig() throws Exception {
    write("token.txt", "s3cret\n");
    Path file = write("freightwatch.yaml", VALID);

    AgentConfig config = new ConfigLoader(Map.of("PG_PASSWORD", "pw")).load(file);

    assertThat(config.agent().listenHost()).isEqualTo("127.0.0.1");
    assertThat(config.agent().listenPort()).isZero();
    assertThat(config.postgres()).hasSize(2);
    PostgresTarget primary = config.postgres().get(0);
    assertThat(primary.host()).isEqualTo("127.0.0.1");
    assertThat(primary.port()).isEqualTo(55432);
    assertThat(primary.user()).isEqualTo("freightwatch");
    assertThat(primary.password().reveal()).isEqualTo("pw");
    assertThat(primary.password().toString()).doesNotContain("pw");
    assertThat(primary.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(primary.jdbcUrl("odoo_acme"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:55432/odoo_acme?sslmode=disable");
    PostgresTarget replica = config.postgres().get(1);
    assertThat(replica.database()).isEqualTo("postgres");
    assertThat(replica.password().isEmpty()).isTrue();
    assertThat(config.odoo()).singleElement().satisfies(odoo -> {
      assertThat(odoo.server().name()).isEqualTo("lab-primary");
      assertThat(odoo.tenants()).containsExactly(new OdooTarget.Tenant("acme", "odoo_acme"));
      assertThat(odoo.discovery()).hasValueSatisfying(d ->
          assertThat(d.tenantFor("odoo_globex")).isEqualTo("globex"));
    });
    assertThat(config.redis()).singleElement()
        .satisfies(r -> assertThat(r.address()).isEqualTo("127.0.0.1:56379"));
    assertThat(config.traefik()).singleElement()
        .satisfies(t -> assertThat(t.window()).isEqualTo(Duration.ofMinutes(2)));
    assertThat(config.receivers()).singleElement().satisfies(r -> {
      assertThat(r.headers().get("Authorization").reveal()).isEqualTo("Bearer s3cret");
      assertThat(r.sendResolved()).isTrue();
    });
  }

  @Test
  void reportsEveryProblemWithPathAndLine() throws Exception {
    Path file = write("bad.yaml", """
        agent:
          listen: nowhere
        targets:
          postgres:
            - name: db
              dsn: mysql://db:3306/x
              interval: soon
          redis:
            - name: cache
              urll: redis://x
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bad.yaml:2: agent.listen: got \"nowhere\"; expected host:port")
        .hasMessageContaining("bad.yaml:6: targets.postgres[0].dsn: got \"mysql://db:3306/x\";"
            + " expected a URL such as postgresql://")
        .hasMessageContaining("bad.yaml:7: targets.postgres[0].interval: got \"soon\"; expected a"
            + " duration such as 30s, 5m or 1h30m")
        .hasMessageContaining("bad.yaml:10: targets.redis[0].urll: unknown key; allowed keys here:"
            + " name, url, user, password, interval, timeout, ca_file, queues; did you mean 'url'?")
        .hasMessageContaining("targets.redis[0].url: missing");
  }

  @Test
  void rejectsPasswordWrittenInFile() throws Exception {
    Path file = write("pw.yaml", """
        targets:
          postgres:
            - name: db
              dsn: postgresql://agent:hunter2@db:5432/postgres
          redis:
            - name: cache
              url: redis://cache:6379
              password: hunter2
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets.postgres[0].dsn: the URL contains a password written in"
            + " the file")
        .hasMessageContaining("targets.redis[0].password: <redacted> is written in the file")
        .message().doesNotContain("hunter2");
  }

  @Test
  void reportsMissingEnvironmentVariable() throws Exception {
    Path file = write("env.yaml", """
        targets:
          redis:
            - name: cache
              url: redis://cache:6379
              password: ${env:REDIS_PASSWORD}
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("env.yaml:5: targets.redis[0].password: environment variable"
            + " REDIS_PASSWORD is not set");
  }

  @Test
  void referencedDsnMayCarryPassword() throws Exception {
    Path file = write("dsn.yaml", """
        targets:
          postgres:
            - name: db
              dsn: ${env:PG_DSN}
        """);

    AgentConfig config = new ConfigLoader(
        Map.of("PG_DSN", "postgresql://agent:p%40ss@db.internal:6432/postgres")).load(file);

    PostgresTarget target = config.postgres().get(0);
    assertThat(target.user()).isEqualTo("agent");
    assertThat(target.password().reveal()).isEqualTo("p@ss");
    assertThat(target.port()).isEqualTo(6432);
  }

  @Test
  void reportsYamlSyntaxErrorLine() throws Exception {
    Path file = write("syntax.yaml", "agent:\n  listen: [1\ntargets: {}\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageStartingWith("1 configuration error:")
        .hasMessageContaining("syntax.yaml:3: invalid YAML");
  }

  @Test
  void reportsOdooServerThatDoesNotExist() throws Exception {
    Path file = write("odoo.yaml", """
        targets:
          postgres:
            - name: db
              dsn: postgresql://db:5432/postgres
          odoo:
            - server: dbb
              tenants: [{database: odoo_acme}]
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("odoo.yaml:6: targets.odoo[0].server: got \"dbb\"; no"
            + " targets.postgres entry has this name; use one of [db]");
  }

  @Test
  void reportsRuleFileProblemsWithLines() throws Exception {
    write("rules/backlog.yaml", """
        rules:
          - name: carrier_label_backlog
            signal: freightwatch_odoo_queue_jobs
            op: ">>"
            threshold: lots
            for: 2 minutes
            impact:
              domain: shipping
              summary: "{{ $labels.tenant }} {{ $valu }}"
              severity: critical
              owner: transport
              runbook: runbooks/x.md
        """);
    Path file = write("freightwatch.yaml", "rules:\n  directory: rules\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("backlog.yaml:4: rules[0].op: got \">>\"; expected one of [>, >=,"
            + " <, <=, ==, !=]")
        .hasMessageContaining("backlog.yaml:5: rules[0].threshold: got \"lots\"; expected a"
            + " number")
        .hasMessageContaining("backlog.yaml:6: rules[0].for: got \"2 minutes\"")
        .hasMessageContaining("backlog.yaml:8: rules[0].impact.domain: got \"shipping\";"
            + " expected one of [orders, warehouse, transport, integrations, finance, platform]")
        .hasMessageContaining("backlog.yaml:9: rules[0].impact.summary: {{ $valu }} is not"
            + " understood");
  }

  @Test
  void rejectsDuplicateRuleNamesAcrossFiles() throws Exception {
    String rule = """
        rules:
          - name: dup
            signal: x
            threshold: 1
            impact: {domain: platform, summary: s, severity: info, owner: o, runbook: r}
        """;
    write("rules/a.yaml", rule);
    write("rules/b.yaml", rule);
    Path file = write("freightwatch.yaml", "rules:\n  directory: rules\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("b.yaml:2: rules.name: got \"dup\"; a rule of this name is already"
            + " defined at a.yaml:2");
  }
}
