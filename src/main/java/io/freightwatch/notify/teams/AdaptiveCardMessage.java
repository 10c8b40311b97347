package io.freightwatch.notify.teams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.config.Durations;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.notify.HttpResults;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.NotificationText;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the message a Teams Workflows webhook accepts: {@code type: message} with one Adaptive
 * Card 1.4 attachment. Each alert shows its status, severity, tenant, impact, value, time to the
 * business cutoff when the alert has one, and a runbook button. Teams rejects messages over 28 KB,
 * so the card is shortened step by step until it fits: long texts are cut first, then alerts are
 * left out with a line that counts them.
 */
public final class AdaptiveCardMessage {

  /** Teams' limit for one message, in bytes. */
  public static final int MAX_MESSAGE_BYTES = 28 * 1024;

  /** Annotation holding the instant of the business cutoff (ISO-8601), set by calendar rules. */
  public static final String CUTOFF_ANNOTATION = "cutoff_at";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] TEXT_LIMITS = {4000, 1000, 300, 100};

  private AdaptiveCardMessage() {}

  /** Returns the message JSON, at most {@link #MAX_MESSAGE_BYTES} bytes long in UTF-8. */
  public static String build(Notification notification, Instant now) {
    List<AlertEvent> events = notification.events();
    for (int limit : TEXT_LIMITS) {
      String message = message(notification, events, events.size(), limit, now);
      if (fits(message)) {
        return message;
      }
    }
    int shownCount = events.size();
    while (shownCount > 1) {
      shownCount--;
      String message =
          message(notification, events, shownCount, TEXT_LIMITS[TEXT_LIMITS.length - 1], now);
      if (fits(message)) {
        return message;
      }
    }
    // One alert whose labels alone exceed the limit: show the bare minimum.
    return message(notification, List.of(bare(events.get(0))), 1, 100, now);
  }

  private static boolean fits(String message) {
    return message.getBytes(StandardCharsets.UTF_8).length <= MAX_MESSAGE_BYTES;
  }

  private static String message(
      Notification notification,
      List<AlertEvent> events,
      int shownCount,
      int textLimit,
      Instant now) {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.putNull("contentUrl");
    ObjectNode card = attachment.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    ArrayNode body = card.putArray("body");
    long firing = events.stream().filter(e -> e.kind() == AlertEvent.Kind.FIRING).count();
    text(
        body,
        firing > 0
            ? firing + " alert(s) firing, " + (events.size() - firing) + " resolved"
            : events.size() + " alert(s) resolved",
        "Large",
        "Bolder",
        "Default");
    ArrayNode actions = card.putArray("actions");
    List<String> runbooks = new ArrayList<>();
    for (AlertEvent event : events.subList(0, shownCount)) {
      alert(body, event, textLimit, now);
      String runbook = event.alert().annotations().getOrDefault("runbook", "");
      if (isUrl(runbook) && !runbooks.contains(runbook) && runbooks.size() < 5) {
        runbooks.add(runbook);
        ObjectNode action = actions.addObject();
        action.put("type", "Action.OpenUrl");
        action.put("title", HttpResults.truncate("Runbook: " + event.alert().rule(), 80));
        action.put("url", runbook);
      }
    }
    if (shownCount < events.size()) {
      text(
          body,
          (events.size() - shownCount)
              + " more alert(s) not shown to stay under Teams' 28 KB"
              + " message limit; see the agent's /api/v1/alerts.",
          "Default",
          "Default",
          "Attention");
    }
    return root.toString();
  }

  private static void alert(ArrayNode body, AlertEvent event, int textLimit, Instant now) {
    Alert alert = event.alert();
    boolean resolved = event.kind() == AlertEvent.Kind.RESOLVED;
    String color =
        resolved
            ? "Good"
            : switch (alert.severity()) {
              case "critical", "error" -> "Attention";
              case "warning" -> "Warning";
              default -> "Default";
            };

    ObjectNode container = body.addObject();
    container.put("type", "Container");
    container.put("separator", true);
    ArrayNode items = container.putArray("items");
    text(
        items,
        (resolved ? "RESOLVED" : "FIRING") + " · " + alert.rule(),
        "Medium",
        "Bolder",
        color);
    text(items, HttpResults.truncate(NotificationText.summary(event), textLimit), "Default",
        "Default", "Default");

    ObjectNode facts = items.addObject();
    facts.put("type", "FactSet");
    ArrayNode list = facts.putArray("facts");
    fact(list, "Severity", alert.severity());
    fact(list, "Tenant", alert.labels().get("tenant"));
    fact(list, "Impact", impact(alert));
    if (Double.isFinite(alert.value())) {
      fact(list, resolved ? "Last value" : "Value", SummaryTemplate.formatNumber(alert.value()));
    }
    cutoff(alert, now).ifPresent(text -> fact(list, "Time to cutoff", text));
    fact(
        list,
        "Since",
        DateTimeFormatter.ISO_INSTANT.format(alert.firingSince().orElse(alert.activeSince())));
    if (resolved) {
      alert
          .resolvedAt()
          .ifPresent(t -> fact(list, "Resolved", DateTimeFormatter.ISO_INSTANT.format(t)));
    }
    String runbook = alert.annotations().getOrDefault("runbook", "");
    if (!runbook.isEmpty() && !isUrl(runbook)) {
      fact(list, "Runbook", runbook);
    }

    for (var node : list) {
      ((ObjectNode) node).put("value", HttpResults.truncate(node.get("value").asText(), textLimit));
    }
  }

  private static String impact(Alert alert) {
    List<String> parts = new ArrayList<>();
    String process = alert.annotations().getOrDefault("process", "");
    if (!process.isEmpty()) {
      parts.add(process);
    }
    if (alert.labels().has("domain")) {
      parts.add("domain " + alert.labels().get("domain"));
    }
    if (alert.labels().get("customer_facing").equals("true")) {
      parts.add("customer-facing");
    }
    return String.join(", ", parts);
  }

  /** Returns the time left to the alert's cutoff, or "passed", when the alert names one. */
  private static java.util.Optional<String> cutoff(Alert alert, Instant now) {
    String text = alert.annotations().getOrDefault(CUTOFF_ANNOTATION, "");
    if (text.isEmpty()) {
      return java.util.Optional.empty();
    }
    try {
      Instant cutoff = Instant.parse(text);
      Duration left = Duration.between(now, cutoff);
      return java.util.Optional.of(
          left.isNegative()
              ? "passed at " + text
              : Durations.format(left.withNanos(0)) + " (at " + text + ")");
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.of(text);
    }
  }

  private static AlertEvent bare(AlertEvent event) {
    Alert alert = event.alert();
    Alert minimal =
        new Alert(
            alert.fingerprint(),
            alert.rule(),
            io.freightwatch.store.Labels.of(
                "alertname", alert.rule(), "severity", alert.severity()),
            java.util.Map.of("summary", HttpResults.truncate(alert.summary(), 100)),
            alert.state(),
            alert.value(),
            alert.activeSince(),
            alert.firingSince(),
            alert.resolvedAt());
    return new AlertEvent(event.kind(), minimal);
  }

  private static void text(ArrayNode body, String text, String size, String weight, String color) {
    ObjectNode block = body.addObject();
    block.put("type", "TextBlock");
    block.put("text", text);
    block.put("wrap", true);
    if (!size.equals("Default")) {
      block.put("size", size);
    }
    if (!weight.equals("Default")) {
      block.put("weight", weight);
    }
    if (!color.equals("Default")) {
      block.put("color", color);
    }
  }

  private static void fact(ArrayNode facts, String title, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    ObjectNode fact = facts.addObject();
    fact.put("title", title);
    fact.put("value", value);
  }

  private static boolean isUrl(String text) {
    return text.startsWith("https://") || text.startsWith("http://");
  }
}
