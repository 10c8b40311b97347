package io.freightwatch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code targets} section: PostgreSQL, Odoo, Redis and Traefik targets. */
final class TargetsReader {

  /** The SSL modes of libpq, which pgjdbc accepts as well. */
  private static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private static final Pattern MATCH_NOTHING = Pattern.compile("(?!)");

  private final SecretReader secrets;
  private final Duration scrapeTimeout;
  private final List<PostgresTarget> postgres = new ArrayList<>();
  private final List<OdooTarget> odoo = new ArrayList<>();
  private final List<RedisTarget> redis = new ArrayList<>();
  private final List<TraefikTarget> traefik = new ArrayList<>();
  private final List<OdooHttpTarget> odooHttp = new ArrayList<>();

  TargetsReader(SecretReader secrets, Duration scrapeTimeout) {
    this.secrets = secrets;
    this.scrapeTimeout = scrapeTimeout;
  }

  void read(YamlNode targets) {
    targets.allowOnly("postgres", "odoo", "redis", "traefik", "odoo_http");
    Set<String> names = new HashSet<>();
    for (YamlNode item : targets.list("postgres")) {
      readPostgres(item, names).ifPresent(postgres::add);
    }
    for (YamlNode item : targets.list("odoo")) {
      readOdoo(item).ifPresent(odoo::add);
    }
    names.clear();
    for (YamlNode item : targets.list("redis")) {
      readRedis(item, names).ifPresent(redis::add);
    }
    names.clear();
    for (YamlNode item : targets.list("traefik")) {
      readTraefik(item, names).ifPresent(traefik::add);
    }
    names.clear();
    for (YamlNode item : targets.list("odoo_http")) {
      readOdooHttp(item, names).ifPresent(odooHttp::add);
    }
  }

  List<PostgresTarget> postgres() {
    return postgres;
  }

  List<OdooTarget> odoo() {
    return odoo;
  }

  List<RedisTarget> redis() {
    return redis;
  }

  List<TraefikTarget> traefik() {
    return traefik;
  }

  List<OdooHttpTarget> odooHttp() {
    return odooHttp;
  }

  private Optional<PostgresTarget> readPostgres(YamlNode item, Set<String> names) {
    item.allowOnly("name", "cluster", "dsn", "password", "interval", "statement_timeout",
        "volume_size", "statements_top", "size_interval", "statements_interval");
    String name = uniqueName(item, names, "primary-eu1");
    String cluster = item.string("cluster").orElse(name);
    String dsnText = item.requiredString("dsn", "postgresql://freightwatch@db.example:5432/postgres");
    Duration interval = ConfigLoader.interval(item);
    Duration statementTimeout = item.positiveDuration("statement_timeout", Duration.ofSeconds(5));
    Optional<Secret> password = optionalSecret(item, "password");
    java.util.OptionalLong volumeSize = ByteSizes.read(item, "volume_size");
    int statementsTop = item.integer("statements_top", PostgresTarget.DEFAULT_STATEMENTS_TOP, 0, 500);
    Duration sizeInterval =
        item.positiveDuration("size_interval", PostgresTarget.DEFAULT_SIZE_INTERVAL);
    Duration statementsInterval = item.boundedDuration("statements_interval",
        PostgresTarget.DEFAULT_STATEMENTS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1));
    if (dsnText.isEmpty()) {
      return Optional.empty();
    }
    YamlNode dsnNode = item.get("dsn").orElse(item);
    boolean referenced = SecretReader.isReference(dsnText);
    Optional<Secret> dsn = secrets.read(dsnNode, dsnText);
    if (dsn.isEmpty()) {
      return Optional.empty();
    }
    Optional<ParsedUrl> parsed = parseUrl(dsnNode, dsn.get(), referenced,
        Set.of("postgresql", "postgres"), 5432,
        "postgresql://freightwatch@db.example:5432/postgres?sslmode=require");
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    ParsedUrl url = parsed.get();
    String sslmode = url.query().get("sslmode");
    if (sslmode != null && !SSL_MODES.contains(sslmode)) {
      dsnNode.problem("sslmode=" + sslmode + " is not a PostgreSQL SSL mode; use one of "
          + String.join(", ", SSL_MODES));
    }
    Secret effectivePassword = password.orElse(url.password());
    String database = url.path().isEmpty() ? "postgres" : url.path();
    String user = url.user().isEmpty() ? "freightwatch" : url.user();
    return Optional.of(new PostgresTarget(name, cluster, url.host(), url.port(), database, user,
        effectivePassword, url.query(), interval, statementTimeout, volumeSize, statementsTop,
        sizeInterval, statementsInterval));
  }

  private Optional<OdooTarget> readOdoo(YamlNode item) {
    item.allowOnly("server", "tenants", "discover", "interval", "cron_max_series",
        "custom_queries", "queue");
    String serverName = item.requiredString("server", "primary-eu1");
    Optional<PostgresTarget> server =
        postgres.stream().filter(p -> p.name().equals(serverName)).findFirst();
    if (!serverName.isEmpty() && server.isEmpty()) {
      item.get("server").ifPresent(n -> n.problem("got \"" + serverName
          + "\"; no targets.postgres entry has this name; use one of "
          + postgres.stream().map(PostgresTarget::name).distinct().toList()));
    }
    List<OdooTarget.Tenant> tenants = new ArrayList<>();
    Set<String> tenantNames = new HashSet<>();
    for (YamlNode tenantNode : item.list("tenants")) {
      tenantNode.allowOnly("name", "database");
      String database = tenantNode.requiredString("database", "odoo_acme");
      String tenant = tenantNode.string("name").orElse(database);
      if (!tenant.isEmpty() && !tenantNames.add(tenant)) {
        tenantNode.problem("tenant \"" + tenant + "\" is listed twice; tenant names must be unique");
      }
      tenants.add(new OdooTarget.Tenant(tenant, database));
    }
    Optional<OdooTarget.Discovery> discovery = item.get("discover").map(this::readDiscovery);
    if (tenants.isEmpty() && discovery.isEmpty()) {
      item.problem("lists no tenants and has no discover section; add tenants: [{name: acme,"
          + " database: odoo_acme}] or discover: {include: \"odoo_.*\"}");
    }
    Duration interval = ConfigLoader.interval(item);
    OdooSignals signals = OdooSignalsReader.read(item, server, scrapeTimeout);
    OdooQueueSettings queue = QueueSettingsReader.read(item.get("queue"));
    return server.map(s -> new OdooTarget(s, tenants, discovery, interval, signals, queue));
  }

  private OdooTarget.Discovery readDiscovery(YamlNode node) {
    node.allowOnly("include", "exclude", "tenant_name", "refresh");
    Pattern include = node.pattern("include").orElse(Pattern.compile(".*"));
    Pattern exclude = node.pattern("exclude").orElse(MATCH_NOTHING);
    Pattern tenantName = node.pattern("tenant_name").orElse(Pattern.compile("(?<tenant>.+)"));
    if (!tenantName.pattern().contains("(?<tenant>")) {
      node.get("tenant_name").ifPresent(n -> n.problem("got \"" + tenantName.pattern()
          + "\"; the pattern needs a named group tenant, e.g. \"odoo_(?<tenant>.+)\""));
    }
    Duration refresh = node.boundedDuration("refresh", Duration.ofMinutes(5), Duration.ofSeconds(10),
        Duration.ofDays(1));
    return new OdooTarget.Discovery(include, exclude, tenantName, refresh);
  }

  private Optional<RedisTarget> readRedis(YamlNode item, Set<String> names) {
    item.allowOnly("name", "url", "user", "password", "interval", "timeout", "ca_file", "queues");
    String name = uniqueName(item, names, "sessions");
    String urlText = item.requiredString("url", "redis://redis.example:6379");
    Duration interval = ConfigLoader.interval(item);
    Duration timeout = item.positiveDuration("timeout", Duration.ofSeconds(5));
    Optional<Secret> password = optionalSecret(item, "password");
    if (urlText.isEmpty()) {
      return Optional.empty();
    }
    YamlNode urlNode = item.get("url").orElse(item);
    boolean referenced = SecretReader.isReference(urlText);
    Optional<ParsedUrl> parsed = secrets.read(urlNode, urlText).flatMap(secret ->
        parseUrl(urlNode, secret, referenced, Set.of("redis", "rediss"), 6379,
            "redis://redis.example:6379"));
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    ParsedUrl url = parsed.get();
    String user = item.string("user").orElse(url.user());
    int database = 0;
    if (!url.path().isEmpty()) {
      if (url.path().matches("\\d{1,4}")) {
        database = Integer.parseInt(url.path());
      } else {
        urlNode.problem("got the path \"/" + url.path() + "\"; expected a database number such as"
            + " redis://redis.example:6379/2, or no path for database 0");
      }
    }
    Optional<java.nio.file.Path> caFile =
        item.string("ca_file").map(path -> secrets.baseDirectory().resolve(path));
    caFile.ifPresent(path -> {
      if (!java.nio.file.Files.isReadable(path)) {
        item.get("ca_file").ifPresent(n -> n.problem("got \"" + path + "\"; no readable file there;"
            + " point it at a PEM file of the certificate authorities, e.g. /etc/ssl/redis-ca.pem"));
      }
    });
    List<RedisTarget.Queue> queues = readQueues(item);
    return Optional.of(new RedisTarget(name, url.host(), url.port(), url.scheme().equals("rediss"),
        user, password.orElse(url.password()), interval, timeout, database, caFile, queues));
  }

  private static List<RedisTarget.Queue> readQueues(YamlNode item) {
    List<RedisTarget.Queue> queues = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (YamlNode queue : item.list("queues")) {
      queue.allowOnly("name", "key", "type");
      String key = queue.requiredString("key", "queue:carrier-labels");
      String typeText = queue.requiredString("type", "list");
      String name = queue.string("name").orElse(key);
      Optional<RedisTarget.KeyType> type = switch (typeText) {
        case "list" -> Optional.of(RedisTarget.KeyType.LIST);
        case "zset" -> Optional.of(RedisTarget.KeyType.ZSET);
        case "stream" -> Optional.of(RedisTarget.KeyType.STREAM);
        case "" -> Optional.empty();
        default -> {
          queue.get("type").ifPresent(n -> n.problem("got \"" + typeText
              + "\"; expected list, zset or stream"));
          yield Optional.empty();
        }
      };
      if (!key.isEmpty() && !keys.add(key)) {
        queue.get("key").ifPresent(n -> n.problem("got \"" + key
            + "\"; this key is listed twice; list each key once"));
      }
      if (!key.isEmpty() && type.isPresent()) {
        queues.add(new RedisTarget.Queue(name, key, type.get()));
      }
    }
    return queues;
  }

  private Optional<TraefikTarget> readTraefik(YamlNode item, Set<String> names) {
    item.allowOnly("name", "url", "interval", "window", "timeout", "services", "backends");
    String name = uniqueName(item, names, "ingress");
    String urlReference = item.requiredString("url", "http://traefik.example:8080/metrics");
    Duration interval = ConfigLoader.interval(item);
    Duration window = item.positiveDuration("window", Duration.ofMinutes(5));
    Duration timeout = item.positiveDuration("timeout", scrapeTimeout);
    if (window.compareTo(interval.multipliedBy(2)) < 0) {
      item.get("window").ifPresent(n -> n.problem("got " + Durations.format(window)
          + "; the window must span at least two scrape intervals (" + Durations.format(
              interval.multipliedBy(2)) + ") to hold one increase"));
    }
    List<TraefikTarget.ServiceLabels> services = new ArrayList<>();
    for (YamlNode service : item.list("services")) {
      service.allowOnly("pattern", "labels");
      Optional<Pattern> pattern = service.pattern("pattern");
      if (pattern.isEmpty() && service.get("pattern").isEmpty()) {
        service.problem("missing pattern; e.g. pattern: \"odoo-(?<tenant>[a-z0-9]+)-web@.*\"");
      }
      Map<String, String> labels = new LinkedHashMap<>(service.stringMap("labels"));
      pattern.ifPresent(p -> services.add(new TraefikTarget.ServiceLabels(p, labels)));
    }
    List<TraefikTarget.Backend> backends = readBackends(item);
    if (urlReference.isEmpty()) {
      return Optional.empty();
    }
    YamlNode urlNode = item.get("url").orElse(item);
    boolean referenced = SecretReader.isReference(urlReference);
    Optional<String> credential = Credentials.findInUrl(urlReference);
    if (!referenced && credential.isPresent()) {
      urlNode.problem("the URL contains " + credential.get() + " written in the file; reference"
          + " the whole URL with ${env:VARIABLE} or ${file:/path}");
      return Optional.empty();
    }
    Optional<Secret> resolved = secrets.read(urlNode, urlReference);
    if (resolved.isEmpty()) {
      return Optional.empty();
    }
    String urlText = resolved.get().reveal();
    String shown = referenced ? "the referenced value" : "\"" + Credentials.redact(urlText) + "\"";
    try {
      URI url = new URI(urlText);
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
          || url.getHost() == null) {
        throw new URISyntaxException(urlText, "not an http(s) URL with a host");
      }
      return Optional.of(
          new TraefikTarget(name, url, interval, window, timeout, services, backends));
    } catch (URISyntaxException e) {
      urlNode.problem("got " + shown
          + "; expected an http(s) URL such as http://traefik.example:8080/metrics");
      return Optional.empty();
    }
  }

  private Optional<OdooHttpTarget> readOdooHttp(YamlNode item, Set<String> names) {
    item.allowOnly("name", "tenant", "url", "interval", "timeout", "endpoint", "check_database");
    String name = uniqueName(item, names, "acme-web");
    String tenant = item.string("tenant").orElse(name);
    String urlText = item.requiredString("url", "http://odoo-acme-web:8069");
    Duration interval = ConfigLoader.interval(item);
    Duration timeout = item.positiveDuration("timeout", Duration.ofSeconds(5));
    OdooHttpTarget.Endpoint endpoint = RuleFileReader.readEnum(item, "endpoint",
        OdooHttpTarget.Endpoint.values(), OdooHttpTarget.Endpoint.HEALTH,
        OdooHttpTarget.Endpoint::yamlName);
    boolean checkDatabase = item.bool("check_database", true);

    if (timeout.compareTo(interval) >= 0) {
      item.get("timeout").ifPresent(n -> n.problem("got " + Durations.format(timeout)
          + "; the timeout must be shorter than the interval (" + Durations.format(interval)
          + ") so that one probe ends before the next starts"));
    }
    if (urlText.isEmpty()) {
      return Optional.empty();
    }

    YamlNode urlNode = item.get("url").orElse(item);
    Optional<String> credential = Credentials.findInUrl(urlText);
    if (credential.isPresent()) {
      urlNode.problem("the URL contains " + credential.get() + "; /web/health needs no login,"
          + " so remove it, e.g. http://odoo-acme-web:8069");
      return Optional.empty();
    }
    try {
      URI url = new URI(urlText);
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
          || url.getHost() == null || url.getRawQuery() != null) {
        throw new URISyntaxException(urlText, "not an http(s) base URL with a host");
      }
      return Optional.of(new OdooHttpTarget(name, tenant, url, interval, timeout, endpoint,
          checkDatabase));
    } catch (URISyntaxException e) {
      urlNode.problem("got \"" + urlText + "\"; expected Odoo's http(s) base URL without a"
          + " query, e.g. http://odoo-acme-web:8069");
      return Optional.empty();
    }
  }

  private static List<TraefikTarget.Backend> readBackends(YamlNode item) {
    List<TraefikTarget.Backend> backends = new ArrayList<>();
    Set<String> addresses = new HashSet<>();
    for (YamlNode backend : item.list("backends")) {
      backend.allowOnly("application", "addresses");
      String application = backend.requiredString("application", "odoo-tenant42");
      List<String> valid = new ArrayList<>();
      for (YamlNode address : backend.list("addresses")) {
        String text = address.asString().orElse("");
        if (!text.matches("[^\\s/:]+:\\d{1,5}") && !text.matches("\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
          address.problem("got \"" + text + "\"; expected host:port such as 10.0.1.21:8069");
        } else if (!addresses.add(text)) {
          address.problem("got \"" + text + "\"; this address is listed twice; give each"
              + " address one application");
        } else {
          valid.add(text);
        }
      }
      if (backend.get("addresses").isEmpty()) {
        backend.problem("missing addresses; e.g. addresses: [\"10.0.1.21:8069\"]");
      }
      if (!application.isEmpty()) {
        backends.add(new TraefikTarget.Backend(application, valid));
      }
    }
    return backends;
  }

  private static String uniqueName(YamlNode item, Set<String> names, String example) {
    String name = item.requiredString("name", example);
    if (!name.isEmpty() && !names.add(name)) {
      item.get("name").ifPresent(n -> n.problem("got \"" + name
          + "\"; another target of this kind already has this name; names must be unique"));
    }
    return name;
  }

  private Optional<Secret> optionalSecret(YamlNode item, String key) {
    Optional<YamlNode> node = item.get(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> text = node.get().asString();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (!SecretReader.isReference(text.get())) {
      node.get().problem("<redacted> is written in the file; secrets must come from the"
          + " environment or a file: use " + key + ": ${env:VARIABLE} or ${file:/path}");
      return Optional.empty();
    }
    return secrets.read(node.get(), text.get());
  }

  /** Parses a server URL; a password written literally in the file is rejected. */
  private static Optional<ParsedUrl> parseUrl(YamlNode node, Secret text, boolean referenced,
      Set<String> schemes, int defaultPort, String example) {
    String shown = referenced ? "the referenced value"
        : "\"" + Credentials.redact(text.reveal()) + "\"";
    if (!referenced) {
      Optional<String> credential = Credentials.findInUrl(text.reveal());
      if (credential.isPresent()) {
        node.problem("the URL contains " + credential.get() + " written in the file; remove it"
            + " from the URL and set password: ${env:VARIABLE} or ${file:/path} instead, or"
            + " reference the whole URL");
        return Optional.empty();
      }
    }
    URI uri;
    try {
      uri = new URI(text.reveal());
    } catch (URISyntaxException e) {
      node.problem("got " + shown + "; not a valid URL (" + e.getReason()
          + "); expected e.g. " + example);
      return Optional.empty();
    }
    if (uri.getScheme() == null || !schemes.contains(uri.getScheme()) || uri.getHost() == null) {
      node.problem("got " + shown + "; expected a URL such as " + example);
      return Optional.empty();
    }
    String user = "";
    Secret password = Secret.NONE;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      if (parts.length == 2) {
        if (!referenced) {
          node.problem("the URL contains a password written in the file; remove it from the URL"
              + " and set password: ${env:VARIABLE} or ${file:/path} instead");
          return Optional.empty();
        }
        password = new Secret(decode(parts[1]), text.source());
      }
    }
    int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
    // java.net.URI does not check the port range, so 0 or 99999 would reach the driver.
    if (port < 1 || port > 65535) {
      node.problem("got " + shown + "; port " + port + " is out of range; expected a port from 1"
          + " to 65535, e.g. " + example);
      return Optional.empty();
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (!pair.isEmpty()) {
          String[] kv = pair.split("=", 2);
          query.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
        }
      }
    }
    return Optional.of(new ParsedUrl(uri.getScheme(), user, password, uri.getHost(), port, path,
        query));
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private record ParsedUrl(String scheme, String user, Secret password, String host, int port,
      String path, Map<String, String> query) {}
}
