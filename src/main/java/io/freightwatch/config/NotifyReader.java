package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code notify} section: the receivers, the routing tree and the fallback receiver.
 * Receiver names that the route or the fallback mention must exist.
 */
final class NotifyReader {

  /** Calendar intervals that can mute a route; the operational calendar defines when each holds. */
  static final List<String> MUTE_INTERVALS =
      List.of("outside_operating_hours", "maintenance", "holiday", "peak", "release_freeze");
  private static final java.util.regex.Pattern LABEL_NAME =
      java.util.regex.Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final Set<String> RECEIVER_TYPES =
      Set.of("webhook", "pagerduty", "teams", "alertmanager", "azure_monitor");
  private static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
  private static final String GROUP_BY_ALL = "...";

  private final SecretReader secrets;
  private final List<ReceiverConfig> receivers = new ArrayList<>();
  private NotifyConfig notify = new NotifyConfig(RouteConfig.perReceiver(List.of()), "");

  NotifyReader(SecretReader secrets) {
    this.secrets = secrets;
  }

  void read(YamlNode node) {
    node.allowOnly("receivers", "route", "fallback_receiver");
    Set<String> names = new HashSet<>();
    for (YamlNode item : node.list("receivers")) {
      readReceiver(item, names).ifPresent(receivers::add);
    }
    String fallback = node.string("fallback_receiver").orElse("");
    node.get("fallback_receiver").ifPresent(n -> checkReceiver(n, fallback, names));
    Optional<YamlNode> routeNode = node.get("route");
    RouteConfig route;
    if (routeNode.isPresent()) {
      RouteConfig defaults =
          new RouteConfig(
              "",
              List.of(),
              false,
              List.of(),
              false,
              RouteConfig.DEFAULT_GROUP_WAIT,
              RouteConfig.DEFAULT_GROUP_INTERVAL,
              RouteConfig.DEFAULT_REPEAT_INTERVAL,
              List.of(),
              List.of());
      route = readRoute(routeNode.get(), defaults, names, true);
    } else {
      route = RouteConfig.perReceiver(receivers);
    }
    notify = new NotifyConfig(route, fallback);
  }

  List<ReceiverConfig> receivers() {
    return receivers;
  }

  NotifyConfig notifyConfig() {
    return notify;
  }

  private Optional<ReceiverConfig> readReceiver(YamlNode item, Set<String> names) {
    item.allowOnly(
        "name",
        "type",
        "url",
        "headers",
        "matchers",
        "send_resolved",
        "timeout",
        "initial_backoff",
        "max_backoff",
        "max_age",
        "routing_key",
        "rate_limit",
        "circuit_breaker",
        "resend_interval",
        "rule_id",
        "stream");
    String name = item.requiredString("name", "ops-webhook");
    if (!name.isEmpty() && !names.add(name)) {
      item.get("name")
          .ifPresent(
              n ->
                  n.problem(
                      "got \""
                          + name
                          + "\"; another receiver already has this name; names must be unique"));
    }
    String type = item.string("type").orElse("webhook");
    if (!RECEIVER_TYPES.contains(type)) {
      item.get("type")
          .ifPresent(
              n ->
                  n.problem(
                      "got \""
                          + type
                          + "\"; expected one of "
                          + String.join(", ", RECEIVER_TYPES.stream().sorted().toList())));
    }
    Secret url = readUrl(item, type);
    Map<String, Secret> headers = secrets.headers(item, "headers");
    List<LabelMatcher> matchers = ConfigLoader.readMatchers(item, "matchers");
    Duration timeout = item.positiveDuration("timeout", Duration.ofSeconds(10));
    Duration initialBackoff = item.positiveDuration("initial_backoff", Duration.ofSeconds(1));
    Duration maxBackoff = item.positiveDuration("max_backoff", Duration.ofMinutes(5));
    if (initialBackoff.compareTo(maxBackoff) > 0) {
      item.get("initial_backoff").ifPresent(n -> n.problem("got "
          + Durations.format(initialBackoff) + ", more than max_backoff ("
          + Durations.format(maxBackoff) + "); lower it or raise max_backoff"));
    }
    Duration maxAge = item.positiveDuration("max_age", Duration.ofHours(24));
    boolean sendResolved = item.bool("send_resolved", true);
    Secret routingKey = readRoutingKey(item, type);
    RateLimit rateLimit = readRateLimit(item);
    YamlNode breaker = item.section("circuit_breaker");
    breaker.allowOnly("failures", "cooldown");
    int breakerFailures =
        breaker.integer("failures", ReceiverConfig.DEFAULT_BREAKER_FAILURES, 1, 1000);
    Duration breakerCooldown =
        breaker.positiveDuration("cooldown", ReceiverConfig.DEFAULT_BREAKER_COOLDOWN);
    Duration resendInterval =
        item.positiveDuration("resend_interval", ReceiverConfig.DEFAULT_RESEND_INTERVAL);
    String ruleId = "";
    String stream = "";
    if (type.equals("azure_monitor")) {
      ruleId = item.requiredString("rule_id", "dcr-00000000000000000000000000000000");
      stream = item.requiredString("stream", "Custom-FreightwatchAlerts");
    } else {
      onlyFor(item, type, "azure_monitor", "rule_id", "stream");
    }
    if (!type.equals("alertmanager")) {
      onlyFor(item, type, "alertmanager", "resend_interval");
    }
    return Optional.of(
        new ReceiverConfig(
            name,
            type,
            url,
            headers,
            matchers,
            sendResolved,
            timeout,
            initialBackoff,
            maxBackoff,
            maxAge,
            routingKey,
            rateLimit,
            breakerFailures,
            breakerCooldown,
            resendInterval,
            ruleId,
            stream));
  }

  private Secret readUrl(YamlNode item, String type) {
    if (type.equals("pagerduty") && item.get("url").isEmpty()) {
      return new Secret(PAGERDUTY_EVENTS_URL, "default");
    }
    String example =
        switch (type) {
          case "teams" -> "${env:TEAMS_WORKFLOW_URL}";
          case "alertmanager" -> "http://alertmanager.monitoring:9093";
          case "azure_monitor" -> "https://my-dce.westeurope-1.ingest.monitor.azure.com";
          default -> "https://alerts.example.com/hook";
        };
    String text = item.requiredString("url", example);
    if (text.isEmpty()) {
      return Secret.NONE;
    }
    YamlNode urlNode = item.get("url").orElse(item);
    if (type.equals("teams") && !SecretReader.isReference(text)) {
      // A Workflows URL carries its signature in the query string: whoever has it can post.
      urlNode.problem(
          "<redacted> is written in the file; a Teams workflow URL is a secret:"
              + " use url: ${env:VARIABLE} or ${file:/path}");
      return Secret.NONE;
    }
    boolean referenced = SecretReader.isReference(text);
    Optional<String> credential = Credentials.findInUrl(text);
    if (!referenced && credential.isPresent()) {
      urlNode.problem("the URL contains " + credential.get() + " written in the file; webhook"
          + " URLs with tokens are secrets: reference it with ${env:VARIABLE} or ${file:/path}");
      return Secret.NONE;
    }
    Secret url = secrets.read(urlNode, text).orElse(Secret.NONE);
    String value = url.reveal();
    if (!url.isEmpty() && !(value.startsWith("http://") || value.startsWith("https://"))) {
      urlNode.problem(
          "expected an http:// or https:// URL"
              + (referenced ? " in the referenced value" : ", got \"" + Credentials.redact(text)
                  + "\""));
    }
    return url;
  }

  private Secret readRoutingKey(YamlNode item, String type) {
    if (!type.equals("pagerduty")) {
      onlyFor(item, type, "pagerduty", "routing_key");
      return Secret.NONE;
    }
    String text = item.requiredString("routing_key", "${env:PAGERDUTY_ROUTING_KEY}");
    if (text.isEmpty()) {
      return Secret.NONE;
    }
    YamlNode node = item.get("routing_key").orElse(item);
    if (!SecretReader.isReference(text)) {
      node.problem(
          "<redacted> is written in the file; the routing key is a secret: use"
              + " routing_key: ${env:VARIABLE} or ${file:/path}");
      return Secret.NONE;
    }
    return secrets.read(node, text).orElse(Secret.NONE);
  }

  private static RateLimit readRateLimit(YamlNode item) {
    Optional<YamlNode> node = item.get("rate_limit");
    if (node.isEmpty()) {
      return RateLimit.NONE;
    }
    node.get().allowOnly("count", "per");
    int count = node.get().integer("count", 0, 0, 1_000_000);
    Duration per = node.get().positiveDuration("per", Duration.ofMinutes(1));
    return new RateLimit(count, per);
  }

  private static void onlyFor(YamlNode item, String type, String owner, String... keys) {
    for (String key : keys) {
      item.get(key)
          .ifPresent(
              n ->
                  n.problem(
                      "is a setting of type "
                          + owner
                          + " receivers,"
                          + " not of type "
                          + type
                          + "; remove it or change the type"));
    }
  }

  private RouteConfig readRoute(
      YamlNode node, RouteConfig parent, Set<String> names, boolean root) {
    node.allowOnly(
        "receiver",
        "matchers",
        "continue",
        "group_by",
        "group_wait",
        "group_interval",
        "repeat_interval",
        "mute_time_intervals",
        "routes");
    String receiver;
    if (root) {
      receiver = node.requiredString("receiver", "ops");
    } else {
      receiver = node.string("receiver").orElse(parent.receiver());
    }
    if (!receiver.isEmpty()) {
      checkReceiver(node.get("receiver").orElse(node), receiver, names);
    }
    if (root) {
      node.get("matchers")
          .ifPresent(
              n ->
                  n.problem(
                      "the root route accepts every alert; put matchers on its child routes"));
      node.get("continue")
          .ifPresent(n -> n.problem("the root route has no siblings; remove continue"));
    }
    List<LabelMatcher> matchers = ConfigLoader.readMatchers(node, "matchers");
    boolean continueMatching = node.bool("continue", false);
    List<String> groupBy = parent.groupBy();
    boolean groupByAll = parent.groupByAll();
    if (node.get("group_by").isPresent()) {
      groupBy = new ArrayList<>();
      for (YamlNode label : node.list("group_by")) {
        Optional<String> name = label.asString();
        if (name.isPresent() && !name.get().equals(GROUP_BY_ALL)
            && !LABEL_NAME.matcher(name.get()).matches()) {
          label.problem("got \"" + name.get() + "\"; a label name has letters, digits and _ and"
              + " does not start with a digit, e.g. tenant");
        } else {
          name.ifPresent(groupBy::add);
        }
      }
      groupByAll = groupBy.contains(GROUP_BY_ALL);
      if (groupByAll && groupBy.size() > 1) {
        node.get("group_by")
            .ifPresent(
                n ->
                    n.problem(
                        "'...' groups by every label, so other"
                            + " names beside it have no effect; use ['...'] alone"));
      }
      if (groupByAll) {
        groupBy = List.of();
      }
    }
    Duration groupWait = nonNegative(node, "group_wait", parent.groupWait());
    Duration groupInterval = nonNegative(node, "group_interval", parent.groupInterval());
    Duration repeatInterval = node.positiveDuration("repeat_interval", parent.repeatInterval());
    List<String> mutes = new ArrayList<>(parent.muteTimeIntervals());
    for (YamlNode interval : node.list("mute_time_intervals")) {
      Optional<String> name = interval.asString();
      if (name.isPresent() && !MUTE_INTERVALS.contains(name.get())) {
        interval.problem("got \"" + name.get() + "\"; a route is muted by the calendar intervals "
            + String.join(", ", MUTE_INTERVALS));
      } else {
        name.filter(n -> !mutes.contains(n)).ifPresent(mutes::add);
      }
    }
    RouteConfig self =
        new RouteConfig(
            receiver,
            matchers,
            continueMatching,
            groupBy,
            groupByAll,
            groupWait,
            groupInterval,
            repeatInterval,
            mutes,
            List.of());
    List<RouteConfig> children = new ArrayList<>();
    for (YamlNode child : node.list("routes")) {
      children.add(readRoute(child, self, names, false));
    }
    return new RouteConfig(
        receiver,
        matchers,
        continueMatching,
        groupBy,
        groupByAll,
        groupWait,
        groupInterval,
        repeatInterval,
        mutes,
        children);
  }

  private static Duration nonNegative(YamlNode node, String key, Duration fallback) {
    Duration value = node.duration(key, fallback);
    if (value.isNegative()) {
      node.get(key).ifPresent(n -> n.problem("got a negative duration; expected 0s or more"));
      return fallback;
    }
    return value;
  }

  private static void checkReceiver(YamlNode node, String name, Set<String> names) {
    if (!name.isEmpty() && !names.contains(name)) {
      node.problem(
          "got \""
              + name
              + "\"; no receiver has this name; define it under"
              + " notify.receivers or use one of "
              + names.stream().sorted().toList());
    }
  }
}
