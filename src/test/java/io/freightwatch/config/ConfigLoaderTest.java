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
  void rejectsListenHostThatIsNoAddress() throws Exception {
    Path file = write("listen.yaml", """
        agent:
          listen: 999.1.1.1:80
        targets: {}
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listen.yaml:2: agent.listen: got \"999.1.1.1:80\"; 999.1.1.1 is not"
            + " a valid IPv4 address: it needs 4 numbers from 0 to 255, without leading zeros; use"
            + " an IP address or host name of this machine, e.g. 0.0.0.0:9187 for every"
            + " interface");
  }

  @Test
  void acceptsBracketedIpv6Listen() throws Exception {
    Path file = write("ipv6.yaml", """
        agent:
          listen: "[::1]:9187"
        targets: {}
        """);

    AgentConfig config = new ConfigLoader(Map.of()).load(file);

    assertThat(config.agent().listenHost()).isEqualTo("::1");
    assertThat(config.agent().listenPort()).isEqualTo(9187);
  }

  @Test
  void suggestsEachServerNameOnce() throws Exception {
    Path file = write("servers.yaml", """
        targets:
          postgres:
            - name: pg1
              dsn: postgresql://db1:5432/postgres
            - name: pg1
              dsn: postgresql://db2:5432/postgres
          odoo:
            - server: pg2
              tenants: [{name: acme, database: odoo_acme}]
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("servers.yaml:5: targets.postgres[1].name: got \"pg1\"; another"
            + " target of this kind already has this name; names must be unique")
        .hasMessageContaining("servers.yaml:8: targets.odoo[0].server: got \"pg2\"; no"
            + " targets.postgres entry has this name; use one of [pg1]");
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
        .hasMessageContaining("targets.postgres[0].dsn: the URL contains a password in the user"
            + " info (user:password@) written in the file")
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
        .hasMessageContaining("rules/backlog.yaml:4: rules[0].op: got \">>\"; expected one of [>, >=,"
            + " <, <=, ==, !=]")
        .hasMessageContaining("rules/backlog.yaml:5: rules[0].threshold: got \"lots\"; expected a"
            + " number")
        .hasMessageContaining("rules/backlog.yaml:6: rules[0].for: got \"2 minutes\"")
        .hasMessageContaining("rules/backlog.yaml:8: rules[0].impact.domain: got \"shipping\";"
            + " expected one of [orders, warehouse, transport, integrations, finance, platform]")
        .hasMessageContaining("rules/backlog.yaml:9: rules[0].impact.summary: {{ $valu }} is not"
            + " understood");
  }

  @Test
  void rejectsDuplicateRuleNamesAcrossFiles() throws Exception {
    String rule = """
        rules:
          - signal: x
            name: dup
            threshold: 1
            impact: {domain: platform, summary: s, severity: info, owner: o, runbook: r}
        """;
    write("rules/a.yaml", rule);
    write("rules/b.yaml", rule);
    Path file = write("freightwatch.yaml", "rules:\n  directory: rules\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("rules/b.yaml:3: rules[0].name: got \"dup\"; a rule of this name is"
            + " already defined at rules/a.yaml:2");
  }

  @Test
  void rejectsCredentialsWrittenInUrls() throws Exception {
    Path file = write("urls.yaml", """
        targets:
          postgres:
            - name: db
              dsn: postgresql://agent@db:5432/postgres?password=hunter2
          traefik:
            - name: ingress
              url: http://admin:hunter2@traefik:8080/metrics
        notify:
          receivers:
            - name: teams
              url: https://example.webhook.office.com/workflows/1?sig=hunter2
            - name: ops
              url: ftp://user:hunter2@host/hook
              headers:
                Authorization: Bearer hunter2
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("urls.yaml:4: targets.postgres[0].dsn: the URL contains the query"
            + " parameter password written in the file")
        .hasMessageContaining("urls.yaml:7: targets.traefik[0].url: the URL contains a password"
            + " in the user info")
        .hasMessageContaining("urls.yaml:11: notify.receivers[0].url: the URL contains the query"
            + " parameter sig written in the file")
        .hasMessageContaining("urls.yaml:13: notify.receivers[1].url: the URL contains a password")
        .hasMessageContaining("urls.yaml:15: notify.receivers[1].headers.Authorization:"
            + " <redacted> is written in the file")
        .message().doesNotContain("hunter2");
  }

  @Test
  void rejectsCredentialsWrittenInHeadersAndEmptySecretFiles() throws Exception {
    Files.writeString(dir.resolve("empty-token"), "  \n");
    Path file = write("headers.yaml", """
        api:
          token: ${file:empty-token}
        export:
          otlp:
            endpoint: http://127.0.0.1:4318/v1/metrics
            headers:
              Authorization: Bearer hunter2
              X-Tenant: acme
              X-Scope: Basic aHVudGVyMg==
        notify:
          receivers:
            - name: ops
              url: http://127.0.0.1:9/hook
              headers:
                Cookie: session=hunter2
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("headers.yaml:2: api.token: secret file")
        .hasMessageContaining("empty-token is empty")
        .hasMessageContaining("headers.yaml:7: export.otlp.headers.Authorization: <redacted> is"
            + " written in the file")
        .hasMessageContaining("headers.yaml:9: export.otlp.headers.X-Scope: <redacted> is written"
            + " in the file")
        .hasMessageContaining("headers.yaml:15: notify.receivers[0].headers.Cookie: <redacted> is"
            + " written in the file")
        .message().doesNotContain("hunter2").doesNotContain("X-Tenant");
  }

  @Test
  void boundsIntervalsAndTimeouts() throws Exception {
    Path file = write("bounds.yaml", """
        agent:
          scrape_timeout: 1h30m
        targets:
          postgres:
            - name: db
              dsn: postgresql://db:5432/postgres
              interval: 1ms
          odoo:
            - server: db
              discover:
                include: "odoo_.*"
                refresh: 1ms
          redis:
            - name: sessions
              url: redis://127.0.0.1:6379
              interval: 2h
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("bounds.yaml:2: agent.scrape_timeout: got 1h30m; expected a duration"
            + " from 100ms to 5m")
        .hasMessageContaining("bounds.yaml:7: targets.postgres[0].interval: got 1ms; expected a"
            + " duration from 1s to 1h")
        .hasMessageContaining("bounds.yaml:12: targets.odoo[0].discover.refresh: got 1ms; expected"
            + " a duration from 10s to 1d")
        .hasMessageContaining("bounds.yaml:16: targets.redis[0].interval: got 2h; expected a"
            + " duration from 1s to 1h");
  }

  @Test
  void rejectsUnknownSslMode() throws Exception {
    Path file = write("ssl.yaml", """
        targets:
          postgres:
            - name: db
              dsn: postgresql://db:5432/postgres?sslmode=bogus
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("ssl.yaml:4: targets.postgres[0].dsn: sslmode=bogus is not a"
            + " PostgreSQL SSL mode; use one of disable, allow, prefer, require, verify-ca,"
            + " verify-full");
  }

  @Test
  void rejectsPortOutOfRange() throws Exception {
    Path file = write("ports.yaml", """
        targets:
          postgres:
            - name: high
              dsn: postgresql://db:99999/postgres
            - name: zero
              dsn: postgresql://db:0/postgres
            - name: highest
              dsn: postgresql://db:65535/postgres
          redis:
            - name: sessions
              url: redis://redis:65536
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("ports.yaml:4: targets.postgres[0].dsn: got"
            + " \"postgresql://db:99999/postgres\"; port 99999 is out of range; expected a port"
            + " from 1 to 65535")
        .hasMessageContaining("ports.yaml:6: targets.postgres[1].dsn: got"
            + " \"postgresql://db:0/postgres\"; port 0 is out of range")
        .hasMessageContaining("ports.yaml:11: targets.redis[0].url: got \"redis://redis:65536\";"
            + " port 65536 is out of range")
        .message().doesNotContain("targets.postgres[2]");
  }

  @Test
  void reportsInconsistentValues() throws Exception {
    Path file = write("values.yaml", """
        agent:
          external_url: not a url
        targets:
          postgres:
            - name: db
              dsn: postgresql://db:5432/postgres
          odoo:
            - server: db
              discover:
                tenant_name: "odoo_(.+)"
        notify:
          receivers:
            - name: ops
              url: http://127.0.0.1:9/hook
              initial_backoff: 10m
              max_backoff: 1m
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("values.yaml:2: agent.external_url: got \"not a url\"")
        .hasMessageContaining("values.yaml:10: targets.odoo[0].discover.tenant_name: got"
            + " \"odoo_(.+)\"; the pattern needs a named group tenant")
        .hasMessageContaining("values.yaml:15: notify.receivers[0].initial_backoff: got 10m, more"
            + " than max_backoff (1m)");
  }

  @Test
  void rejectsMisspeltOrEmptyReferences() throws Exception {
    Path file = write("refs.yaml", """
        targets:
          redis:
            - name: a
              url: redis://a:6379
              password: ${evn:REDIS_PASSWORD}
            - name: b
              url: redis://b:6379
              password: ${env:EMPTY}
        """);

    assertThatThrownBy(() -> new ConfigLoader(Map.of("EMPTY", "")).load(file))
        .hasMessageContaining("refs.yaml:5: targets.redis[0].password: got the reference"
            + " ${evn:REDIS_PASSWORD}; a reference is ${env:NAME} or ${file:/path}")
        .hasMessageContaining("refs.yaml:8: targets.redis[1].password: environment variable"
            + " EMPTY is set but empty");
  }

  @Test
  void rejectsSignalsTheAgentDoesNotProduce() throws Exception {
    write("rules/typo.yaml", """
        rules:
          - name: typo
            signal: freightwatch_odoo_queue_jobz
            threshold: 1
            impact:
              domain: platform
              summary: '{{ signal "freightwatch_nope" }}'
              severity: info
              owner: o
              runbook: r
          - name: custom
            signal: shop_orders_waiting
            threshold: 1
            impact: {domain: orders, summary: s, severity: info, owner: o, runbook: r}
        """);
    Path file = write("freightwatch.yaml", "rules:\n  directory: rules\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("rules/typo.yaml:3: rules[0].signal: got"
            + " \"freightwatch_odoo_queue_jobz\"; the agent produces no signal of this name, so"
            + " the rule could never fire; did you mean freightwatch_odoo_queue_jobs?")
        .hasMessageContaining("rules/typo.yaml:7: rules[0].impact.summary: {{ signal"
            + " \"freightwatch_nope\" }}: got \"freightwatch_nope\"")
        .message().doesNotContain("shop_orders_waiting");
  }

  @Test
  void missingImpactNamesTheRuleLine() throws Exception {
    write("rules/bare.yaml", """
        rules:
          - name: bare
            signal: freightwatch_target_up
            threshold: 0
        """);
    Path file = write("freightwatch.yaml", "rules:\n  directory: rules\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("rules/bare.yaml:2: rules[0]: missing impact")
        .hasMessageContaining("rules/bare.yaml:2: rules[0].impact: missing domain");
  }

  @Test
  void rejectsEmptyRuleDirectory() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    Path file = write("freightwatch.yaml", "rules:\n  directory: empty\n");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
        .hasMessageContaining("freightwatch.yaml:2: rules.directory: got \"empty\"; the directory"
            + " holds no *.yaml or *.yml rule file");
  }
}
