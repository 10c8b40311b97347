package io.freightwatch.config;

import io.freightwatch.config.IntegrationsConfig.EdiMatch;
import io.freightwatch.config.IntegrationsConfig.Integration;
import io.freightwatch.config.IntegrationsConfig.QueueJobMatch;
import io.freightwatch.config.IntegrationsConfig.RouterMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the {@code integrations} section: failure ratio windows and partner match rules. */
final class IntegrationsReader {

  static final Duration MIN_WINDOW = Duration.ofSeconds(30);
  static final Duration MAX_WINDOW = Duration.ofDays(1);

  IntegrationsConfig read(YamlNode node, DependencyMap dependencies) {
    node.allowOnly("windows", "partners");
    List<Duration> windows = readWindows(node);
    Set<String> known = new TreeSet<>();
    dependencies.dependencies().stream()
        .filter(d -> d.kind() == RuleSpec.Component.INTEGRATION)
        .forEach(d -> known.add(d.name()));
    List<Integration> partners = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode item : node.list("partners")) {
      readPartner(item, names, known).ifPresent(partners::add);
    }
    return new IntegrationsConfig(windows, partners);
  }

  private static List<Duration> readWindows(YamlNode node) {
    if (node.get("windows").isEmpty()) {
      return IntegrationsConfig.DEFAULT_WINDOWS;
    }
    List<Duration> windows = new ArrayList<>();
    for (YamlNode item : node.list("windows")) {
      String text = item.asString().orElse("");
      Optional<Duration> window = Durations.parse(text);
      if (window.isEmpty()) {
        item.problem("got \"" + text + "\"; expected a duration such as 5m or 1h");
      } else if (window.get().compareTo(MIN_WINDOW) < 0
          || window.get().compareTo(MAX_WINDOW) > 0) {
        item.problem("got " + text + "; expected a window from 30s to 1d, e.g. 10m");
      } else if (windows.contains(window.get())) {
        item.problem("got " + text + "; this window is listed twice; list each window once");
      } else {
        windows.add(window.get());
      }
    }
    if (windows.isEmpty()) {
      node.get("windows").ifPresent(n -> n.problem("lists no valid window; use e.g. windows:"
          + " [5m, 10m, 1h, 6h], or remove the key for these defaults"));
    }
    return windows;
  }

  private static Optional<Integration> readPartner(YamlNode item, Set<String> names,
      Set<String> known) {
    item.allowOnly("name", "queue_jobs", "edi", "traefik_routers");
    String name = item.requiredString("name", "dhl");
    if (!name.isEmpty() && !names.add(name)) {
      item.get("name").ifPresent(n -> n.problem("got \"" + name
          + "\"; another integration already has this name; names must be unique"));
    }
    if (!name.isEmpty() && !known.isEmpty() && !known.contains(name)) {
      item.get("name").ifPresent(n -> n.problem("got \"" + name + "\"; dependencies.integrations"
          + " has no entry of this name, so its alerts would not group the tenants that depend"
          + " on it; use one of " + known + " or add it there"));
    }
    List<QueueJobMatch> queueJobs = new ArrayList<>();
    for (YamlNode match : item.list("queue_jobs")) {
      readQueueJobMatch(match).ifPresent(queueJobs::add);
    }
    List<EdiMatch> edi = new ArrayList<>();
    for (YamlNode match : item.list("edi")) {
      match.allowOnly("backend", "exchange_type");
      String backend = match.requiredString("backend", "dhl-edi");
      Optional<String> type = match.string("exchange_type");
      if (!backend.isEmpty()) {
        edi.add(new EdiMatch(backend, type));
      }
    }
    List<RouterMatch> routers = new ArrayList<>();
    for (YamlNode router : item.list("traefik_routers")) {
      router.asString().ifPresent(text -> readRouter(router, text).ifPresent(routers::add));
    }
    if (item.get("queue_jobs").isEmpty() && item.get("edi").isEmpty()
        && item.get("traefik_routers").isEmpty()) {
      item.problem("names no source; add queue_jobs, edi or traefik_routers, e.g."
          + " queue_jobs: [{channel_prefix: root.carrier.dhl}]");
    }
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Integration(name, queueJobs, edi, routers));
  }

  private static Optional<QueueJobMatch> readQueueJobMatch(YamlNode match) {
    match.allowOnly("channel", "channel_prefix", "model", "method");
    Optional<String> channel = match.string("channel");
    Optional<String> prefix = match.string("channel_prefix");
    Optional<String> model = match.string("model");
    Optional<String> method = match.string("method");
    if (channel.isPresent() && prefix.isPresent()) {
      match.problem("sets both channel and channel_prefix; keep channel for one channel or"
          + " channel_prefix for a channel and its sub-channels");
      return Optional.empty();
    }
    if (channel.isEmpty() && prefix.isEmpty() && model.isEmpty() && method.isEmpty()) {
      match.problem("matches every job; set channel, channel_prefix, model or method, e.g."
          + " {channel_prefix: root.carrier.dhl}");
      return Optional.empty();
    }
    return Optional.of(new QueueJobMatch(channel, prefix, model, method));
  }

  private static Optional<RouterMatch> readRouter(YamlNode node, String text) {
    try {
      return Optional.of(new RouterMatch(java.util.regex.Pattern.compile(text)));
    } catch (java.util.regex.PatternSyntaxException e) {
      node.problem("got \"" + text + "\"; not a valid regular expression: " + e.getDescription()
          + "; e.g. \"dhl-webhook-(?<tenant>[a-z0-9]+)@kubernetes\"");
      return Optional.empty();
    }
  }
}
