package io.freightwatch.notify.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.notify.Notification;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Builds the JSON body Alertmanager posts to webhook receivers (payload version 4), for a group
 * of one alert so that each alert change is one message.
 */
public final class WebhookPayload {

  /** Alertmanager's value of {@code endsAt} for an alert that has not ended. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookPayload() {}

  public static String build(Notification notification, String externalUrl) {
    AlertEvent event = notification.event();
    Alert alert = event.alert();
    String status = event.kind() == AlertEvent.Kind.FIRING ? "firing" : "resolved";

    ObjectNode root = JSON.createObjectNode();
    root.put("version", "4");
    root.put("groupKey", "{}:{alertname=\"" + alert.rule() + "\",fingerprint=\""
        + alert.fingerprint() + "\"}");
    root.put("truncatedAlerts", 0);
    root.put("status", status);
    root.put("receiver", notification.receiver());
    ObjectNode groupLabels = root.putObject("groupLabels");
    groupLabels.put("alertname", alert.rule());
    putAll(root.putObject("commonLabels"), alert.labels().asMap());
    putAll(root.putObject("commonAnnotations"), alert.annotations());
    root.put("externalURL", externalUrl);

    ArrayNode alerts = root.putArray("alerts");
    ObjectNode item = alerts.addObject();
    item.put("status", status);
    putAll(item.putObject("labels"), alert.labels().asMap());
    putAll(item.putObject("annotations"), alert.annotations());
    item.put("startsAt", format(alert.firingSince().orElse(alert.activeSince())));
    item.put("endsAt", event.kind() == AlertEvent.Kind.RESOLVED
        ? format(alert.resolvedAt().orElse(notification.createdAt())) : ZERO_TIME);
    item.put("generatorURL", externalUrl.isEmpty() ? "" : externalUrl + "/api/v1/alerts");
    item.put("fingerprint", alert.fingerprint());
    return root.toString();
  }

  private static void putAll(ObjectNode node, Map<String, String> values) {
    values.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(entry -> node.put(entry.getKey(), entry.getValue()));
  }

  private static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }
}
