package io.freightwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of one agent.
 *
 * @param file the configuration file it was read from
 * @param agent process-wide settings
 * @param postgres PostgreSQL servers
 * @param odoo Odoo tenant databases, grouped by server
 * @param redis Redis servers
 * @param traefik Traefik metrics endpoints
 * @param rules rule evaluation settings and the loaded rules
 * @param receivers notification receivers
 * @param routing notification routing tree and fallback receiver
 * @param export signal exports (OTLP, Azure Monitor)
 */
public record AgentConfig(
    Path file,
    Agent agent,
    List<PostgresTarget> postgres,
    List<OdooTarget> odoo,
    List<RedisTarget> redis,
    List<TraefikTarget> traefik,
    Rules rules,
    List<ReceiverConfig> receivers,
    NotifyConfig routing,
    ExportConfig export) {

  public AgentConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(agent, "agent");
    postgres = List.copyOf(postgres);
    odoo = List.copyOf(odoo);
    redis = List.copyOf(redis);
    traefik = List.copyOf(traefik);
    Objects.requireNonNull(rules, "rules");
    receivers = List.copyOf(receivers);
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(export, "export");
  }

  /** Returns a copy with other rules, keeping everything else. */
  public AgentConfig withRules(List<RuleSpec> newRules) {
    return new AgentConfig(file, agent, postgres, odoo, redis, traefik,
        new Rules(rules.directory(), rules.evaluationInterval(), newRules), receivers, routing,
        export);
  }

  /**
   * Process-wide settings.
   *
   * @param listenHost address of the HTTP server
   * @param listenPort port of the HTTP server; 0 picks a free port
   * @param scrapeTimeout limit of one scrape of one target
   * @param maxDatabaseConnections cap on PostgreSQL connections held by the agent at once
   * @param externalUrl URL of this agent, sent in notifications as {@code externalURL}
   * @param dataDirectory directory of the agent's durable state (outbox, SLO history)
   */
  public record Agent(
      String listenHost,
      int listenPort,
      Duration scrapeTimeout,
      int maxDatabaseConnections,
      String externalUrl,
      Path dataDirectory) {

    public Agent {
      Objects.requireNonNull(listenHost, "listenHost");
      Objects.requireNonNull(scrapeTimeout, "scrapeTimeout");
      Objects.requireNonNull(externalUrl, "externalUrl");
      Objects.requireNonNull(dataDirectory, "dataDirectory");
    }
  }

  /**
   * Rule settings.
   *
   * @param directory directory the rule files were read from, if any
   * @param evaluationInterval time between two evaluations of all rules
   * @param specs the rules
   */
  public record Rules(Optional<Path> directory, Duration evaluationInterval, List<RuleSpec> specs) {
    public Rules {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(evaluationInterval, "evaluationInterval");
      specs = List.copyOf(specs);
    }
  }
}
