package io.freightwatch.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import io.freightwatch.rules.AlertState;
import io.freightwatch.store.Labels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON form of notifications and alerts in the durable store. The form is versioned by its field
 * names only: a field added later must be optional when read.
 */
final class NotificationCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private NotificationCodec() {}

  static String encode(Notification notification) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", notification.id());
    root.put("receiver", notification.receiver());
    root.put("groupKey", notification.groupKey());
    root.set("groupLabels", labels(notification.groupLabels()));
    root.put("createdAt", notification.createdAt().toString());
    var events = root.putArray("events");
    for (AlertEvent event : notification.events()) {
      ObjectNode item = events.addObject();
      item.put("kind", event.kind().name());
      item.set("alert", alert(event.alert()));
    }
    return root.toString();
  }

  static Notification decodeNotification(String text) {
    JsonNode root = parse(text);
    List<AlertEvent> events = new ArrayList<>();
    for (JsonNode item : root.get("events")) {
      events.add(
          new AlertEvent(
              AlertEvent.Kind.valueOf(item.get("kind").asText()), alert(item.get("alert"))));
    }
    return new Notification(
        root.get("id").asText(),
        root.get("receiver").asText(),
        root.get("groupKey").asText(),
        labels(root.get("groupLabels")),
        events,
        Instant.parse(root.get("createdAt").asText()));
  }

  /** Returns a dead letter: the notification with why and when it was given up. */
  static String deadLetter(Notification notification, String reason, int attempts, Instant at) {
    ObjectNode root = JSON.createObjectNode();
    root.set("notification", parse(encode(notification)));
    root.put("reason", reason);
    root.put("attempts", attempts);
    root.put("givenUpAt", at.toString());
    return root.toString();
  }

  static String encode(Alert alert) {
    return alert(alert).toString();
  }

  static Alert decodeAlert(String text) {
    return alert(parse(text));
  }

  static ObjectNode alert(Alert alert) {
    ObjectNode node = JSON.createObjectNode();
    node.put("fingerprint", alert.fingerprint());
    node.put("rule", alert.rule());
    node.set("labels", labels(alert.labels()));
    ObjectNode annotations = node.putObject("annotations");
    alert.annotations().forEach(annotations::put);
    node.put("state", alert.state().name());
    if (Double.isFinite(alert.value())) {
      node.put("value", alert.value());
    }
    node.put("activeSince", alert.activeSince().toString());
    alert.firingSince().ifPresent(t -> node.put("firingSince", t.toString()));
    alert.resolvedAt().ifPresent(t -> node.put("resolvedAt", t.toString()));
    return node;
  }

  private static Alert alert(JsonNode node) {
    Map<String, String> annotations = new LinkedHashMap<>();
    node.get("annotations")
        .fields()
        .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    double value = node.has("value") ? node.get("value").asDouble() : Double.NaN;
    return new Alert(
        node.get("fingerprint").asText(),
        node.get("rule").asText(),
        labels(node.get("labels")),
        annotations,
        AlertState.valueOf(node.get("state").asText()),
        value,
        Instant.parse(node.get("activeSince").asText()),
        instant(node, "firingSince"),
        instant(node, "resolvedAt"));
  }

  private static ObjectNode labels(Labels labels) {
    ObjectNode node = JSON.createObjectNode();
    labels.asMap().forEach(node::put);
    return node;
  }

  private static Labels labels(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    return Labels.of(map);
  }

  private static Optional<Instant> instant(JsonNode node, String field) {
    return node.has(field)
        ? Optional.of(Instant.parse(node.get(field).asText()))
        : Optional.empty();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "stored notification is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
