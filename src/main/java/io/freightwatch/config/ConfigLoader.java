package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Reads, defaults and validates an agent configuration file and the rule files it names. Every
 * problem of every file is collected and reported at once in a {@link ConfigException}.
 */
public final class ConfigLoader {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

  /**
   * Reads a target's {@code interval}: from 1s, below which scrapes only pile up as skipped, to
   * 1h, beyond which alerts and rates go stale between two scrapes.
   */
  static Duration interval(YamlNode item) {
    return item.boundedDuration("interval", DEFAULT_INTERVAL, Duration.ofSeconds(1),
        Duration.ofHours(1));
  }

  private final Map<String, String> environment;
  private final boolean resolveShardOrdinal;
  private final List<String> notes = new ArrayList<>();

  /** Creates a loader that resolves {@code ${env:...}} from the process environment. */
  public ConfigLoader() {
    this(System.getenv());
  }

  /** Creates a loader that resolves {@code ${env:...}} from {@code environment}. */
  public ConfigLoader(Map<String, String> environment) {
    this(environment, true);
  }

  private ConfigLoader(Map<String, String> environment, boolean resolveShardOrdinal) {
    this.environment = Map.copyOf(environment);
    this.resolveShardOrdinal = resolveShardOrdinal;
  }

  /**
   * Returns a loader that checks the form of {@code agent.shard.index: ordinal} but does not read
   * the host name, for validating a configuration outside the pod that will run it. Its
   * configurations have {@link Shard#ALL}, and {@link #notes()} contains a note that the index is
   * resolved at run time.
   */
  public ConfigLoader withShardOrdinalDeferred() {
    return new ConfigLoader(environment, false);
  }

  /** Returns remarks of the latest {@link #load} that are not problems, one line each. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException listing every problem, each with file:line, key path and value
   */
  public AgentConfig load(Path file) throws ConfigException {
    notes.clear();
    Problems problems = new Problems();
    Path absolute = file.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      problems.add(file.toString(), "", "is a directory, not a file; pass the path of the YAML"
          + " configuration file in it, e.g. " + file.resolve("freightwatch.yaml"));
      problems.throwIfAny();
    }
    if (!Files.isRegularFile(absolute)) {
      problems.add(file.toString(), "", "file not found; pass the path of a YAML configuration file");
      problems.throwIfAny();
    }
    Path baseDirectory = absolute.getParent();
    YamlNode root = YamlNode.parse(absolute, problems);
    if (!problems.isEmpty()) {
      problems.throwIfAny();
    }
    root.allowOnly("agent", "targets", "rules", "notify", "export", "calendar", "dependencies",
        "silences", "api", "integrations");
    SecretReader secrets = new SecretReader(environment, baseDirectory);

    AgentConfig.Agent agent = readAgent(root.section("agent"), baseDirectory);
    TargetsReader targets = new TargetsReader(secrets, agent.scrapeTimeout());
    targets.read(root.section("targets"));
    AgentConfig.Rules rules = readRules(root.section("rules"), baseDirectory, problems);
    NotifyReader notify = new NotifyReader(secrets);
    notify.read(root.section("notify"));
    ExportConfig export = new ExportReader(secrets).read(root.section("export"));
    OperationalCalendar calendar = new CalendarReader().read(root.section("calendar"));
    DependencyMap dependencies = new DependencyReader().read(root.section("dependencies"),
        targets.postgres(), targets.odoo());
    IntegrationsConfig integrations =
        new IntegrationsReader().read(root.section("integrations"), dependencies);
    List<SilenceSpec> silences = new SilenceReader().read(root.section("silences"));
    Secret apiToken = readApiToken(root.section("api"), secrets);
    problems.throwIfAny();
    return new AgentConfig(absolute, agent, targets.postgres(), targets.odoo(), targets.redis(),
        targets.traefik(), rules, notify.receivers(), notify.notifyConfig(), export, calendar,
        dependencies, silences, apiToken, targets.odooHttp(), integrations);
  }

  private AgentConfig.Agent readAgent(YamlNode node, Path baseDirectory) {
    node.allowOnly("listen", "scrape_timeout", "max_database_connections", "external_url",
        "data_directory", "shard");
    String listen = node.string("listen").orElse("0.0.0.0:9187");
    String host = "0.0.0.0";
    int port = 9187;
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      node.get("listen").ifPresent(n -> n.problem(
          "got \"" + listen + "\"; expected host:port, e.g. 0.0.0.0:9187"));
    } else {
      host = listen.substring(0, colon);
      boolean bracketed = host.startsWith("[") && host.endsWith("]");
      if (bracketed) {
        host = host.substring(1, host.length() - 1);
      }
      ListenHost.problem(host, bracketed).ifPresent(problem -> node.get("listen").ifPresent(
          n -> n.problem("got \"" + listen + "\"; " + problem + "; use an IP address or host"
              + " name of this machine, e.g. 0.0.0.0:9187 for every interface")));
      try {
        port = Integer.parseInt(listen.substring(colon + 1));
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        node.get("listen").ifPresent(n -> n.problem(
            "got \"" + listen + "\"; the port must be a number from 0 to 65535, e.g. 0.0.0.0:9187"));
      }
    }
    Duration scrapeTimeout = node.boundedDuration("scrape_timeout", Duration.ofSeconds(10),
        Duration.ofMillis(100), Duration.ofMinutes(5));
    int maxConnections = node.integer("max_database_connections", 8, 1, 1000);
    String externalUrl = node.string("external_url").orElse("");
    if (!externalUrl.isEmpty() && !externalUrl.matches("https?://[^/\\s]+.*")) {
      node.get("external_url").ifPresent(n -> n.problem("got \"" + externalUrl
          + "\"; expected the agent's http(s) URL, e.g. http://freightwatch.monitoring:9187"));
    }
    Path dataDirectory = baseDirectory.resolve(node.string("data_directory").orElse("data"))
        .normalize();
    Shard shard = new ShardReader(environment, resolveShardOrdinal, notes::add)
        .read(node.section("shard"));
    return new AgentConfig.Agent(host, port, scrapeTimeout, maxConnections, externalUrl,
        dataDirectory, shard);
  }

  private AgentConfig.Rules readRules(YamlNode node, Path baseDirectory, Problems problems) {
    node.allowOnly("directory", "evaluation_interval", "reload_check_interval");
    Duration interval = node.positiveDuration("evaluation_interval", DEFAULT_INTERVAL);
    Duration reloadCheck = node.positiveDuration("reload_check_interval", Duration.ofSeconds(5));
    Optional<String> directoryText = node.string("directory");
    if (directoryText.isEmpty()) {
      return new AgentConfig.Rules(Optional.empty(), interval, List.of(), List.of(), reloadCheck);
    }
    Path directory = baseDirectory.resolve(directoryText.get()).normalize();
    if (!Files.isDirectory(directory)) {
      node.get("directory").ifPresent(n -> n.problem("got \"" + directoryText.get()
          + "\"; no such directory (resolved to " + directory + "); point it at the rule files"));
      return new AgentConfig.Rules(Optional.of(directory), interval, List.of(), List.of(),
          reloadCheck);
    }
    RuleSet set = new RuleFileReader().readRuleSet(directory, baseDirectory, problems);
    if (set.rules().isEmpty() && set.slos().isEmpty() && problems.isEmpty()) {
      node.get("directory").ifPresent(n -> n.problem("got \"" + directoryText.get()
          + "\"; the directory holds no *.yaml or *.yml rule file; add rules or remove the key"));
    }
    return new AgentConfig.Rules(Optional.of(directory), interval, set.rules(), set.slos(),
        reloadCheck);
  }

  private static Secret readApiToken(YamlNode node, SecretReader secrets) {
    node.allowOnly("token");
    Optional<YamlNode> tokenNode = node.get("token");
    if (tokenNode.isEmpty()) {
      return Secret.NONE;
    }
    String text = tokenNode.get().asString().orElse("");
    if (!SecretReader.isReference(text)) {
      tokenNode.get().problem("got a token written in the file; reference it instead, e.g."
          + " token: ${env:FREIGHTWATCH_API_TOKEN} or ${file:/run/secrets/api-token}");
      return Secret.NONE;
    }
    Secret token = secrets.read(tokenNode.get(), text).orElse(Secret.NONE);
    if (!token.isEmpty() && token.reveal().length() < 16) {
      tokenNode.get().problem("the referenced token has " + token.reveal().length()
          + " characters; use at least 16 random characters");
      return Secret.NONE;
    }
    return token;
  }

  /** Reads a mapping of label names to matcher specs ({@code value}, {@code =~re}, ...). */
  static List<LabelMatcher> readMatchers(YamlNode parent, String key) {
    List<LabelMatcher> matchers = new ArrayList<>();
    Optional<YamlNode> node = parent.get(key);
    if (node.isEmpty()) {
      return matchers;
    }
    if (!node.get().isMapping()) {
      node.get().problem("got " + node.get().describe()
          + "; expected a mapping of label names to values, e.g. {tenant: acme, channel: \"=~root\\\\.edi.*\"}");
      return matchers;
    }
    for (String label : node.get().keys()) {
      YamlNode valueNode = node.get().get(label).orElse(node.get());
      Optional<String> spec = valueNode.asString();
      if (spec.isEmpty()) {
        continue;
      }
      try {
        matchers.add(LabelMatcher.parse(label, spec.get()));
      } catch (PatternSyntaxException e) {
        valueNode.problem("got \"" + spec.get() + "\"; not a valid regular expression: "
            + e.getDescription());
      }
    }
    return matchers;
  }
}
