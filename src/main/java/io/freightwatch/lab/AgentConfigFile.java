package io.freightwatch.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The agent configuration (YAML) that points Freightwatch at a running lab: both PostgreSQL servers
 * as cluster {@code lab}, Odoo tenants found by discovery on the primary with one custom query, the
 * Redis session store, the Traefik stand-in, the Odoo HTTP stand-in of every tenant, partner
 * integrations over the tenants' carrier and EDI job channels, a rules directory and one
 * Alertmanager-style webhook.
 *
 * @param listen host:port of the agent's HTTP server, e.g. {@code 127.0.0.1:9187}
 * @param interval scrape and rule evaluation interval
 * @param rulesDirectory directory of rule files; written relative to the configuration file's
 *     directory when both are absolute, as the agent resolves relative paths against it
 * @param webhookUrl URL of the webhook receiver, e.g. the lab's alert printer
 */
public record AgentConfigFile(
    String listen, Duration interval, Path rulesDirectory, String webhookUrl) {

  /** Address of the agent in the demo. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:9187";

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

  public AgentConfigFile {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(rulesDirectory, "rulesDirectory");
    Objects.requireNonNull(webhookUrl, "webhookUrl");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: got " + interval + "; expected > 0, e.g. 15s");
    }
  }

  /** Writes the configuration for {@code lab} to {@code file}, replacing it. */
  public void write(Lab lab, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, render(lab, parent), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not write the agent configuration " + file, e);
    }
  }

  /** Returns the YAML text; relative paths in it are relative to {@code configDirectory}. */
  String render(Lab lab, Path configDirectory) {
    LabPostgres postgres = lab.postgres();
    String every = prometheusDuration(interval);
    StringBuilder yaml = new StringBuilder();
    yaml.append(
        "# Freightwatch agent configuration for the local lab (io.freightwatch.lab.Lab).\n");
    yaml.append("agent:\n");
    yaml.append("  listen: ").append(quote(listen)).append('\n');
    yaml.append("  scrape_timeout: 10s\n");
    yaml.append("targets:\n");
    yaml.append("  postgres:\n");
    postgresTarget(yaml, "lab-primary", postgres.primaryPort(), every);
    postgresTarget(yaml, "lab-replica", postgres.replicaPort(), every);
    yaml.append("  odoo:\n");
    yaml.append("    - server: lab-primary\n");
    yaml.append("      discover:\n");
    yaml.append("        include: ").append(quote(OdooTenants.DATABASE_PREFIX + ".*")).append('\n');
    yaml.append("        exclude: ")
        .append(quote(OdooTenants.DATABASE_PREFIX + "template"))
        .append('\n');
    yaml.append("        tenant_name: ")
        .append(quote(OdooTenants.DATABASE_PREFIX + "(?<tenant>.+)"))
        .append('\n');
    yaml.append("      interval: ").append(every).append('\n');
    customQueries(yaml);
    appendQueue(yaml);
    yaml.append("  redis:\n");
    yaml.append("    - name: sessions\n");
    yaml.append("      url: ").append(quote(lab.redis().uri())).append('\n');
    yaml.append("      interval: ").append(every).append('\n');
    yaml.append("  traefik:\n");
    yaml.append("    - name: ingress\n");
    yaml.append("      url: ").append(quote(lab.traefik().metricsUrl())).append('\n');
    yaml.append("      interval: ").append(every).append('\n');
    yaml.append("      window: 5m\n");
    yaml.append("      services:\n");
    yaml.append("        - pattern: ")
        .append(quote("odoo-(?<tenant>[a-z0-9]+)-(?<app>web|handheld)@.*"))
        .append('\n');
    // The probe's timeout must stay below its interval. 3 s is enough for a slow but working pool.
    String probeTimeout = prometheusDuration(
        interval.dividedBy(2).compareTo(Duration.ofSeconds(3)) < 0
            ? interval.dividedBy(2) : Duration.ofSeconds(3));
    yaml.append("  odoo_http:\n");
    for (String tenant : lab.tenants().names()) {
      yaml.append("    - name: ").append(quote(tenant + "-web")).append('\n');
      yaml.append("      tenant: ").append(quote(tenant)).append('\n');
      yaml.append("      url: ").append(quote(lab.odooHttp().baseUrl(tenant))).append('\n');
      yaml.append("      interval: ").append(every).append('\n');
      yaml.append("      timeout: ").append(probeTimeout).append('\n');
    }
    yaml.append("integrations:\n");
    yaml.append("  partners:\n");
    yaml.append("    - name: carriers\n");
    yaml.append("      queue_jobs: [{channel_prefix: root.carrier}]\n");
    yaml.append("    - name: edi-hub\n");
    yaml.append("      queue_jobs: [{channel_prefix: root.edi}]\n");
    yaml.append("rules:\n");
    yaml.append("  directory: ").append(quote(rulesPath(configDirectory))).append('\n');
    yaml.append("  evaluation_interval: ").append(every).append('\n');
    yaml.append("notify:\n");
    yaml.append("  receivers:\n");
    yaml.append("    - name: ops\n");
    yaml.append("      type: webhook\n");
    yaml.append("      url: ").append(quote(webhookUrl)).append('\n');
    return yaml.toString();
  }

  /**
   * Appends a custom query: sale orders whose delivery left the warehouse with a carrier but still
   * has no tracking reference, because the carrier's label job has not succeeded yet.
   */
  private static void customQueries(StringBuilder yaml) {
    yaml.append("      custom_queries:\n");
    yaml.append("        - name: sale_orders_waiting_for_label\n");
    yaml.append("          help: Sale orders shipped with a carrier but without a tracking")
        .append(" reference yet, per carrier.\n");
    yaml.append("          sql: |\n");
    yaml.append("            SELECT coalesce(p.carrier_id::text, 'none') AS carrier_id,\n");
    yaml.append("                   count(DISTINCT p.origin) AS sale_orders\n");
    yaml.append("            FROM stock_picking p\n");
    yaml.append("            JOIN stock_picking_type pt ON pt.id = p.picking_type_id\n");
    yaml.append("            WHERE pt.code = 'outgoing' AND p.state = 'done'\n");
    yaml.append("              AND p.carrier_id IS NOT NULL AND p.carrier_tracking_ref IS NULL\n");
    yaml.append("              AND p.date_done > (now() AT TIME ZONE 'UTC') - interval '1 day'\n");
    yaml.append("            GROUP BY 1\n");
    yaml.append("          value: sale_orders\n");
    yaml.append("          labels: [carrier_id]\n");
    yaml.append("          max_rows: 50\n");
    yaml.append("          statement_timeout: 2s\n");
  }

  // The lab's jobs run for about a second, so a job started for 2 minutes is certainly stranded:
  // the stalled-runner fault raises the dead-job and starved-channel alerts within its run.
  private static void appendQueue(StringBuilder yaml) {
    String channels =
        SimulatedJobRunner.CAPACITIES.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(entry -> entry.getKey() + ":" + entry.getValue())
            .collect(Collectors.joining(","));
    yaml.append("      queue:\n");
    yaml.append("        channels: ").append(quote(channels)).append('\n');
    yaml.append("        dead_after:\n");
    yaml.append("          started: 2m\n");
    yaml.append("          enqueued: 1m\n");
  }

  /** Formats a duration the Prometheus way: 500ms, 15s, 5m, 1h, 1d. */
  static String prometheusDuration(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds % 86400 == 0) {
      return seconds / 86400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  private static void postgresTarget(StringBuilder yaml, String name, int port, String every) {
    yaml.append("    - name: ").append(name).append('\n');
    yaml.append("      cluster: lab\n");
    yaml.append("      dsn: ")
        .append(
            quote(
                "postgresql://"
                    + LabPostgres.MONITOR_ROLE
                    + "@"
                    + LabPostgres.HOST
                    + ":"
                    + port
                    + "/postgres?sslmode=disable"))
        .append('\n');
    yaml.append("      interval: ").append(every).append('\n');
  }

  private String rulesPath(Path configDirectory) {
    if (rulesDirectory.isAbsolute() && configDirectory.isAbsolute()) {
      String relative =
          configDirectory.normalize().relativize(rulesDirectory.normalize()).toString();
      return relative.isEmpty() ? "." : relative;
    }
    return rulesDirectory.toString();
  }

  /** Returns a double-quoted YAML scalar, so that regular expressions and paths stay literal. */
  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
