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
 * @param calendar operational calendar: time zones, cutoffs, holidays, maintenance windows
 * @param dependencies which tenants and processes depend on which infrastructure component
 * @param silences silences from the configuration file
 * @param apiToken bearer token that write requests of the HTTP API must present; {@link
 *     Secret#NONE} disables those requests
 * @param odooHttp Odoo HTTP services probed for liveness
 * @param integrations partner integrations whose failure ratios are computed
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
    ExportConfig export,
    OperationalCalendar calendar,
    DependencyMap dependencies,
    List<SilenceSpec> silences,
    Secret apiToken,
    List<OdooHttpTarget> odooHttp,
    IntegrationsConfig integrations) {

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
    Objects.requireNonNull(calendar, "calendar");
    Objects.requireNonNull(dependencies, "dependencies");
    silences = List.copyOf(silences);
    Objects.requireNonNull(apiToken, "apiToken");
    odooHttp = List.copyOf(odooHttp);
    Objects.requireNonNull(integrations, "integrations");
  }

  /** Creates a configuration without Odoo HTTP probes or partner integrations. */
  public AgentConfig(Path file, Agent agent, List<PostgresTarget> postgres, List<OdooTarget> odoo,
      List<RedisTarget> redis, List<TraefikTarget> traefik, Rules rules,
      List<ReceiverConfig> receivers, NotifyConfig routing, ExportConfig export,
      OperationalCalendar calendar, DependencyMap dependencies, List<SilenceSpec> silences,
      Secret apiToken) {
    this(file, agent, postgres, odoo, redis, traefik, rules, receivers, routing, export, calendar,
        dependencies, silences, apiToken, List.of(), IntegrationsConfig.EMPTY);
  }

  /** Creates a configuration without calendar, dependency map, silences or API token. */
  public AgentConfig(Path file, Agent agent, List<PostgresTarget> postgres, List<OdooTarget> odoo,
      List<RedisTarget> redis, List<TraefikTarget> traefik, Rules rules,
      List<ReceiverConfig> receivers, NotifyConfig routing, ExportConfig export) {
    this(file, agent, postgres, odoo, redis, traefik, rules, receivers, routing, export,
        OperationalCalendar.EMPTY, DependencyMap.EMPTY, List.of(), Secret.NONE, List.of(),
        IntegrationsConfig.EMPTY);
  }

  /** Returns a copy with other rules, keeping everything else. */
  public AgentConfig withRules(List<RuleSpec> newRules) {
    return new AgentConfig(file, agent, postgres, odoo, redis, traefik,
        new Rules(rules.directory(), rules.evaluationInterval(), newRules, rules.slos(),
            rules.reloadCheckInterval()), receivers, routing, export, calendar, dependencies,
        silences, apiToken, odooHttp, integrations);
  }

  /** Returns a copy with other SLOs, keeping everything else. */
  public AgentConfig withSlos(List<SloSpec> newSlos) {
    return new AgentConfig(file, agent, postgres, odoo, redis, traefik,
        new Rules(rules.directory(), rules.evaluationInterval(), rules.specs(), newSlos,
            rules.reloadCheckInterval()), receivers, routing, export, calendar, dependencies,
        silences, apiToken, odooHttp, integrations);
  }

  /** Returns a copy with another operational calendar. */
  public AgentConfig withCalendar(OperationalCalendar newCalendar) {
    return new AgentConfig(file, agent, postgres, odoo, redis, traefik, rules, receivers,
        routing, export, newCalendar, dependencies, silences, apiToken, odooHttp, integrations);
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
   * @param shard the part of the estate this agent watches; {@link Shard#ALL} when it is alone
   */
  public record Agent(
      String listenHost,
      int listenPort,
      Duration scrapeTimeout,
      int maxDatabaseConnections,
      String externalUrl,
      Path dataDirectory,
      Shard shard) {

    public Agent {
      Objects.requireNonNull(listenHost, "listenHost");
      Objects.requireNonNull(scrapeTimeout, "scrapeTimeout");
      Objects.requireNonNull(externalUrl, "externalUrl");
      Objects.requireNonNull(dataDirectory, "dataDirectory");
      Objects.requireNonNull(shard, "shard");
    }

    /** Creates settings for an agent that watches the whole estate. */
    public Agent(String listenHost, int listenPort, Duration scrapeTimeout,
        int maxDatabaseConnections, String externalUrl, Path dataDirectory) {
      this(listenHost, listenPort, scrapeTimeout, maxDatabaseConnections, externalUrl,
          dataDirectory, Shard.ALL);
    }
  }

  /**
   * Rule settings.
   *
   * @param directory directory the rule files were read from, if any
   * @param evaluationInterval time between two evaluations of all rules
   * @param specs the rules
   * @param slos service level objectives read from the same files
   * @param reloadCheckInterval how often the rule files are checked for changes
   */
  public record Rules(Optional<Path> directory, Duration evaluationInterval, List<RuleSpec> specs,
      List<SloSpec> slos, Duration reloadCheckInterval) {
    public Rules {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(evaluationInterval, "evaluationInterval");
      specs = List.copyOf(specs);
      slos = List.copyOf(slos);
      Objects.requireNonNull(reloadCheckInterval, "reloadCheckInterval");
    }

    /** Creates rule settings without SLOs, checked for changes every 5 seconds. */
    public Rules(Optional<Path> directory, Duration evaluationInterval, List<RuleSpec> specs) {
      this(directory, evaluationInterval, specs, List.of(), Duration.ofSeconds(5));
    }
  }
}
