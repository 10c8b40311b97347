package io.freightwatch.notify.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.NotificationText;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON body Alertmanager posts to webhook receivers (payload version 4) for one group
 * notification: every firing alert of the group and those that resolved since the last message.
 */
public final class WebhookPayload {

  /** Alertmanager's value of {@code endsAt} for an alert that has not ended. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookPayload() {}

  public static String build(Notification notification, String externalUrl) {
    List<AlertEvent> events = notification.events();
    String status = notification.hasFiring() ? "firing" : "resolved";

    ObjectNode root = JSON.createObjectNode();
    root.put("version", "4");
    root.put("groupKey", notification.groupKey());
    root.put("truncatedAlerts", 0);
    root.put("status", status);
    root.put("receiver", notification.receiver());
    putAll(root.putObject("groupLabels"), notification.groupLabels().asMap());
    putAll(
        root.putObject("commonLabels"),
        common(events.stream().map(e -> e.alert().labels().asMap()).toList()));
    putAll(
        root.putObject("commonAnnotations"),
        common(events.stream().map(NotificationText::annotations).toList()));
    root.put("externalURL", externalUrl);

    ArrayNode alerts = root.putArray("alerts");
    for (AlertEvent event : events) {
      Alert alert = event.alert();
      boolean resolved = event.kind() == AlertEvent.Kind.RESOLVED;
      ObjectNode item = alerts.addObject();
      item.put("status", resolved ? "resolved" : "firing");
      putAll(item.putObject("labels"), alert.labels().asMap());
      putAll(item.putObject("annotations"), NotificationText.annotations(event));
      item.put("startsAt", format(alert.firingSince().orElse(alert.activeSince())));
      item.put(
          "endsAt",
          resolved ? format(alert.resolvedAt().orElse(notification.createdAt())) : ZERO_TIME);
      item.put("generatorURL", externalUrl.isEmpty() ? "" : externalUrl + "/api/v1/alerts");
      item.put("fingerprint", alert.fingerprint());
    }
    return root.toString();
  }

  /** Returns the entries that every map has with the same value. */
  private static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> result = new LinkedHashMap<>(maps.get(0));
    for (Map<String, String> map : maps.subList(1, maps.size())) {
      result.entrySet().removeIf(e -> !e.getValue().equals(map.get(e.getKey())));
    }
    return result;
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
