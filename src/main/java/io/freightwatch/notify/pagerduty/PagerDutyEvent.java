package io.freightwatch.notify.pagerduty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.notify.HttpResults;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.store.Labels;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds PagerDuty Events API v2 events: {@code trigger} for a firing alert and {@code resolve} for
 * a resolved one, both with the alert's {@link DedupKeys dedup key}. The summary is cut to
 * PagerDuty's limit of 1,024 characters; the full text stays in {@code custom_details}.
 */
public final class PagerDutyEvent {

  /** PagerDuty's maximum length of {@code payload.summary}. */
  public static final int MAX_SUMMARY = 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
  private static final List<String> SOURCE_LABELS = List.of("instance", "target", "tenant");
  private static final List<String> COMPONENT_LABELS =
      List.of("service", "channel", "app", "domain");
  private static final List<String> GROUP_LABELS = List.of("tenant", "cluster", "domain");

  private PagerDutyEvent() {}

  /**
   * Returns the JSON event for one alert change.
   *
   * @param routingKey the integration key; goes into the body and nowhere else
   * @param externalUrl the agent's URL for {@code client_url}; may be empty
   */
  public static String build(AlertEvent event, String routingKey, String externalUrl) {
    Alert alert = event.alert();
    ObjectNode root = JSON.createObjectNode();
    root.put("routing_key", routingKey);
    root.put("dedup_key", DedupKeys.of(alert.labels()));
    if (event.kind() == AlertEvent.Kind.RESOLVED) {
      root.put("event_action", "resolve");
      return root.toString();
    }
    root.put("event_action", "trigger");
    root.put("client", "Freightwatch");
    if (!externalUrl.isEmpty()) {
      root.put("client_url", externalUrl + "/api/v1/alerts");
    }
    ObjectNode payload = root.putObject("payload");
    String summary =
        alert.summary().isBlank() ? alert.rule() + " " + alert.labels() : alert.summary();
    payload.put("summary", HttpResults.truncate(summary, MAX_SUMMARY));
    payload.put("source", first(alert.labels(), SOURCE_LABELS, "freightwatch"));
    payload.put("severity", severity(alert.severity()));
    payload.put(
        "timestamp",
        DateTimeFormatter.ISO_INSTANT.format(alert.firingSince().orElse(alert.activeSince())));
    payload.put("component", first(alert.labels(), COMPONENT_LABELS, alert.rule()));
    payload.put("group", first(alert.labels(), GROUP_LABELS, "freightwatch"));
    payload.put("class", alert.rule());
    payload.set("custom_details", details(alert, summary));
    ArrayNode links = root.putArray("links");
    link(links, alert.annotations().get("runbook"), "Runbook");
    link(links, alert.annotations().get("dashboard"), "Dashboard");
    return root.toString();
  }

  /** Maps the alert's severity onto PagerDuty's four; anything else becomes warning. */
  static String severity(String severity) {
    String lower = severity.toLowerCase(Locale.ROOT);
    return SEVERITIES.contains(lower) ? lower : "warning";
  }

  private static ObjectNode details(Alert alert, String summary) {
    ObjectNode details = JSON.createObjectNode();
    details.put("summary", summary);
    if (Double.isFinite(alert.value())) {
      details.put("value", alert.value());
    }
    ObjectNode impact = details.putObject("impact");
    for (String key : List.of("domain", "owner", "customer_facing")) {
      if (alert.labels().has(key)) {
        impact.put(key, alert.labels().get(key));
      }
    }
    if (alert.annotations().containsKey("process")) {
      impact.put("process", alert.annotations().get("process"));
    }
    ObjectNode labels = details.putObject("labels");
    alert.labels().asMap().forEach(labels::put);
    ObjectNode annotations = details.putObject("annotations");
    alert.annotations().entrySet().stream()
        .filter(e -> !e.getKey().equals("summary"))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> annotations.put(e.getKey(), e.getValue()));
    details.put("fingerprint", alert.fingerprint());
    alert.firingSince().ifPresent(t -> details.put("firing_since", t.toString()));
    return details;
  }

  /** Adds a link when {@code href} is an absolute URL; PagerDuty shows nothing useful otherwise. */
  private static void link(ArrayNode links, String href, String text) {
    if (href != null && (href.startsWith("https://") || href.startsWith("http://"))) {
      ObjectNode link = links.addObject();
      link.put("href", href);
      link.put("text", text);
    }
  }

  private static String first(Labels labels, List<String> names, String fallback) {
    for (String name : names) {
      if (labels.has(name)) {
        return labels.get(name);
      }
    }
    return fallback;
  }
}
