package io.freightwatch.notify.alertmanager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.freightwatch.notify.NotificationText;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Builds the body of {@code POST /api/v2/alerts}: a list of postable alerts. Alertmanager
 * identifies an alert by its full label set, so the labels are the alert's identifying labels only,
 * the same in every post. Live values and texts go into annotations. {@code startsAt} is when the
 * alert started firing, in every post. A firing alert's {@code endsAt} is a lease (post time plus
 * the lease) that the next post renews. A resolved alert's {@code endsAt} is when it resolved,
 * which ends it at once.
 */
public final class AlertmanagerPost {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertmanagerPost() {}

  /**
   * @param postedAt when the notification was created; the lease counts from here
   * @param lease how long a firing alert stays active without another post
   * @param generatorUrl link back to the agent; may be empty
   */
  public static String build(
      AlertEvent event, Instant postedAt, Duration lease, String generatorUrl) {
    Alert alert = event.alert();
    ArrayNode root = JSON.createArrayNode();
    ObjectNode item = root.addObject();
    ObjectNode labels = item.putObject("labels");
    alert.labels().asMap().forEach(labels::put);
    // An alert escalated before a cutoff keeps its base severity as a label, because
    // Alertmanager identifies an alert by its whole label set: a changed severity label would
    // open a second alert next to the first. The escalated severity goes in an annotation.
    String baseSeverity = alert.annotations().get("escalated_from");
    if (baseSeverity != null) {
      labels.put("severity", baseSeverity);
    }
    ObjectNode annotations = item.putObject("annotations");
    NotificationText.annotations(event).entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> annotations.put(e.getKey(), e.getValue()));
    if (baseSeverity != null) {
      annotations.put("escalated_severity", alert.labels().get("severity"));
    }
    if (Double.isFinite(alert.value())) {
      annotations.put("value", io.freightwatch.config.SummaryTemplate.formatNumber(alert.value()));
    }
    item.put("startsAt", format(alert.firingSince().orElse(alert.activeSince())));
    Instant endsAt =
        event.kind() == AlertEvent.Kind.RESOLVED
            ? alert.resolvedAt().orElse(postedAt)
            : postedAt.plus(lease);
    item.put("endsAt", format(endsAt));
    if (!generatorUrl.isEmpty()) {
      item.put("generatorURL", generatorUrl);
    }
    return root.toString();
  }

  private static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }
}
