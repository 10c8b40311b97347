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
  private static final Set<String> RECEIVER_TYPES = Set.of("webhook");

  private final Map<String, String> environment;

  /** Creates a loader that resolves {@code ${env:...}} from the process environment. */
  public ConfigLoader() {
    this(System.getenv());
  }

  /** Creates a loader that resolves {@code ${env:...}} from {@code environment}. */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException listing every problem, each with file:line, key path and value
   */
  public AgentConfig load(Path file) throws ConfigException {
    Problems problems = new Problems();
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(absolute)) {
      problems.add(file.toString(), "", "file not found; pass the path of a YAML configuration file");
      problems.throwIfAny();
    }
    Path baseDirectory = absolute.getParent();
    YamlNode root = YamlNode.parse(absolute, problems);
    if (!problems.isEmpty()) {
      problems.throwIfAny();
    }
    root.allowOnly("agent", "targets", "rules", "notify", "calendar", "dependencies", "silences",
        "api");
    SecretReader secrets = new SecretReader(environment, baseDirectory);

    AgentConfig.Agent agent = readAgent(root.section("agent"), baseDirectory);
    TargetsReader targets = new TargetsReader(secrets, agent.scrapeTimeout());
    targets.read(root.section("targets"));
    AgentConfig.Rules rules = readRules(root.section("rules"), baseDirectory, problems);
    List<ReceiverConfig> receivers = readReceivers(root.section("notify"), secrets);
    OperationalCalendar calendar = new CalendarReader().read(root.section("calendar"));
    DependencyMap dependencies = new DependencyReader().read(root.section("dependencies"),
        targets.postgres(), targets.odoo());
    List<SilenceSpec> silences = new SilenceReader().read(root.section("silences"));
    Secret apiToken = readApiToken(root.section("api"), secrets);
    problems.throwIfAny();
    return new AgentConfig(absolute, agent, targets.postgres(), targets.odoo(), targets.redis(),
        targets.traefik(), rules, receivers, calendar, dependencies, silences, apiToken);
  }

  private AgentConfig.Agent readAgent(YamlNode node, Path baseDirectory) {
    node.allowOnly("listen", "scrape_timeout", "max_database_connections", "external_url",
        "data_directory");
    String listen = node.string("listen").orElse("0.0.0.0:9187");
    String host = "0.0.0.0";
    int port = 9187;
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      node.get("listen").ifPresent(n -> n.problem(
          "got \"" + listen + "\"; expected host:port, e.g. 0.0.0.0:9187"));
    } else {
      host = listen.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
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
    Duration scrapeTimeout = node.positiveDuration("scrape_timeout", Duration.ofSeconds(10));
    int maxConnections = node.integer("max_database_connections", 8, 1, 1000);
    String externalUrl = node.string("external_url").orElse("");
    Path dataDirectory = baseDirectory.resolve(node.string("data_directory").orElse("data"))
        .normalize();
    return new AgentConfig.Agent(host, port, scrapeTimeout, maxConnections, externalUrl,
        dataDirectory);
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
    RuleSet set = new RuleFileReader().readRuleSet(directory, problems);
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

  private List<ReceiverConfig> readReceivers(YamlNode node, SecretReader secrets) {
    node.allowOnly("receivers");
    List<ReceiverConfig> receivers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode item : node.list("receivers")) {
      item.allowOnly("name", "type", "url", "headers", "matchers", "send_resolved", "timeout",
          "initial_backoff", "max_backoff", "max_age");
      String name = item.requiredString("name", "ops-webhook");
      if (!name.isEmpty() && !names.add(name)) {
        item.get("name").ifPresent(n -> n.problem("got \"" + name
            + "\"; another receiver already has this name; names must be unique"));
      }
      String type = item.string("type").orElse("webhook");
      if (!RECEIVER_TYPES.contains(type)) {
        item.get("type").ifPresent(n -> n.problem("got \"" + type + "\"; expected one of "
            + RECEIVER_TYPES));
      }
      Secret url = readUrl(item, secrets);
      Map<String, Secret> headers = new LinkedHashMap<>();
      item.get("headers").ifPresent(h -> {
        for (String header : h.keys()) {
          YamlNode valueNode = h.get(header).orElse(h);
          valueNode.asString().flatMap(text -> secrets.read(valueNode, text))
              .ifPresent(secret -> headers.put(header, secret));
        }
      });
      List<LabelMatcher> matchers = readMatchers(item, "matchers");
      Duration timeout = item.positiveDuration("timeout", Duration.ofSeconds(10));
      Duration initialBackoff = item.positiveDuration("initial_backoff", Duration.ofSeconds(1));
      Duration maxBackoff = item.positiveDuration("max_backoff", Duration.ofMinutes(5));
      Duration maxAge = item.positiveDuration("max_age", Duration.ofHours(24));
      boolean sendResolved = item.bool("send_resolved", true);
      receivers.add(new ReceiverConfig(name, type, url, headers, matchers, sendResolved, timeout,
          initialBackoff, maxBackoff, maxAge));
    }
    return receivers;
  }

  private static Secret readUrl(YamlNode item, SecretReader secrets) {
    String text = item.requiredString("url", "https://alerts.example.com/hook");
    if (text.isEmpty()) {
      return Secret.NONE;
    }
    YamlNode urlNode = item.get("url").orElse(item);
    Secret url = secrets.read(urlNode, text).orElse(Secret.NONE);
    String value = url.reveal();
    if (!url.isEmpty() && !(value.startsWith("http://") || value.startsWith("https://"))) {
      urlNode.problem("expected an http:// or https:// URL"
          + (SecretReader.isReference(text) ? " in the referenced value" : ", got \"" + text + "\""));
    }
    return url;
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
