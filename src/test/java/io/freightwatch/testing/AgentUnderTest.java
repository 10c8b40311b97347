package io.freightwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.cli.AgentVerticle;
import io.freightwatch.cli.DefaultCollectorFactory;
import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigLoader;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.lab.Lab;
import io.freightwatch.lab.OdooTenants;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A Freightwatch agent deployed in the test JVM against a lab, with the shipped rules from
 * {@code alert-rules/}, one-second scrapes, evaluations and pg_stat_statements readings, and a
 * webhook receiver. Tests read it through its HTTP API, as an operator would.
 */
public final class AgentUnderTest implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final AgentVerticle agent;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private AgentUnderTest(Vertx vertx, AgentVerticle agent) {
    this.vertx = vertx;
    this.agent = agent;
  }

  /**
   * Starts an agent for {@code lab}.
   *
   * @param rules changes applied to each shipped rule, e.g. a shorter {@code for}
   */
  public static AgentUnderTest start(Lab lab, Path dir, String webhookUrl,
      UnaryOperator<RuleSpec> rules) throws Exception {
    return start(lab, dir, webhookUrl, rules, "");
  }

  /**
   * Starts an agent for {@code lab} with {@code extraYaml} appended to its configuration, for
   * top-level sections such as {@code calendar}.
   */
  public static AgentUnderTest start(Lab lab, Path dir, String webhookUrl,
      UnaryOperator<RuleSpec> rules, String extraYaml) throws Exception {
    Path file = dir.resolve("freightwatch.yaml");
    Files.createDirectories(dir);
    Files.writeString(file, configYaml(lab, webhookUrl) + extraYaml);
    return start(file, rules);
  }

  /**
   * Starts an agent with the configuration file {@code file}, such as the one the lab writes.
   *
   * @param rules changes applied to each rule the file loads
   */
  public static AgentUnderTest start(Path file, UnaryOperator<RuleSpec> rules) throws Exception {
    AgentConfig config = new ConfigLoader().load(file);
    config = config.withRules(config.rules().specs().stream().map(rules).toList());
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    AgentVerticle agent = new AgentVerticle(config, Clock.systemUTC(),
        new DefaultCollectorFactory());
    vertx.deployVerticle(agent).await(60, TimeUnit.SECONDS);
    return new AgentUnderTest(vertx, agent);
  }

  /** Agent configuration for the lab: 1 s intervals and a 10 s Traefik window. */
  public static String configYaml(Lab lab, String webhookUrl) {
    Path rules = SharedLab.projectDir().resolve("alert-rules");
    return """
        agent:
          listen: 127.0.0.1:0
          scrape_timeout: 5s
        targets:
          postgres:
            - name: lab-primary
              cluster: lab
              dsn: postgresql://freightwatch@127.0.0.1:%d/postgres
              interval: 1s
              statements_interval: 1s
            - name: lab-replica
              cluster: lab
              dsn: postgresql://freightwatch@127.0.0.1:%d/postgres
              interval: 1s
              statements_interval: 1s
          odoo:
            - server: lab-primary
              discover:
                include: "%s.*"
                tenant_name: "%s(?<tenant>.+)"
                refresh: 30s
              interval: 1s
          redis:
            - name: sessions
              url: %s
              interval: 1s
          traefik:
            - name: ingress
              url: %s
              interval: 1s
              window: 10s
              services:
                - pattern: "odoo-(?<tenant>[a-z0-9]+)-(?<app>web|handheld)@.*"
          odoo_http:
        %s
        integrations:
          partners:
            - name: carriers
              queue_jobs: [{channel_prefix: root.carrier}]
            - name: edi-hub
              queue_jobs: [{channel_prefix: root.edi}]
              traefik_routers: ["(?<tenant>[a-z0-9]+)-handheld@kubernetes"]
        rules:
          directory: %s
          evaluation_interval: 1s
        notify:
          receivers:
            - name: ops
              url: %s
              initial_backoff: 200ms
              max_backoff: 2s
        """.formatted(lab.postgres().primaryPort(), lab.postgres().replicaPort(),
        OdooTenants.DATABASE_PREFIX, OdooTenants.DATABASE_PREFIX, lab.redis().uri(),
        lab.traefik().metricsUrl(), odooHttpTargets(lab), rules, webhookUrl);
  }

  /**
   * Returns one Odoo HTTP probe per lab tenant, at the lab's Odoo HTTP stand-in. The timeout is
   * 1.5 s because probes of 500 ms timed out for every tenant at once on a busy 2-core machine.
   */
  private static String odooHttpTargets(Lab lab) {
    StringBuilder yaml = new StringBuilder();
    for (String tenant : lab.tenants().names()) {
      yaml.append("    - {name: ").append(tenant).append("-web, tenant: ").append(tenant)
          .append(", url: \"").append(lab.odooHttp().baseUrl(tenant))
          .append("\", interval: 2s, timeout: 1500ms}\n");
    }
    return yaml.toString().stripTrailing();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + agent.port();
  }

  /** GETs {@code path} and returns the status and body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Returns every alert of the API. */
  public List<JsonNode> alerts() throws IOException, InterruptedException {
    JsonNode body = JSON.readTree(get("/api/v1/alerts").body());
    List<JsonNode> result = new ArrayList<>();
    body.get("data").get("alerts").forEach(result::add);
    return result;
  }

  /** Returns the alerts of {@code rule} in {@code state}. */
  public List<JsonNode> alerts(String rule, String state) throws IOException, InterruptedException {
    return alerts().stream()
        .filter(a -> a.get("rule").asText().equals(rule))
        .filter(a -> a.get("state").asText().equals(state))
        .toList();
  }

  /**
   * Returns the value of the series of {@code /metrics} whose name is {@code name} and whose
   * labels include {@code labels}; empty when there is none.
   */
  public Optional<Double> metric(String name, Map<String, String> labels)
      throws IOException, InterruptedException {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String seriesName = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      if (!seriesName.equals(name)) {
        continue;
      }
      Map<String, String> seriesLabels = brace < 0 ? Map.of()
          : parseLabels(line.substring(brace + 1, line.lastIndexOf('}')));
      if (seriesLabels.entrySet().containsAll(labels.entrySet())) {
        return Optional.of(Double.parseDouble(line.substring(space + 1)));
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> parseLabels(String text) {
    Map<String, String> labels = new HashMap<>();
    for (String pair : text.split("\",")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        labels.put(pair.substring(0, equals), pair.substring(equals + 2).replaceAll("\"$", ""));
      }
    }
    return labels;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
