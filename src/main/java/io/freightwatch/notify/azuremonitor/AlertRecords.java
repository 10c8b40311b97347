package io.freightwatch.notify.azuremonitor;

import io.freightwatch.notify.NotificationText;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows of the {@code FreightwatchAlerts_CL} table: one per alert change. The column names match
 * {@code agent/azure/tables.json} and the stream declaration in {@code agent/azure/dcr.json}.
 */
public final class AlertRecords {

  private AlertRecords() {}

  public static Map<String, Object> of(AlertEvent event, Instant createdAt) {
    Alert alert = event.alert();
    boolean resolved = event.kind() == AlertEvent.Kind.RESOLVED;
    Map<String, Object> record = new LinkedHashMap<>();
    record.put(
        "TimeGenerated", (resolved ? alert.resolvedAt().orElse(createdAt) : createdAt).toString());
    record.put("AlertName", alert.rule());
    record.put("Fingerprint", alert.fingerprint());
    record.put("Status", resolved ? "resolved" : "firing");
    record.put("Severity", alert.severity());
    record.put("Tenant", alert.labels().get("tenant"));
    record.put("Domain", alert.labels().get("domain"));
    record.put("Owner", alert.labels().get("owner"));
    record.put("CustomerFacing", alert.labels().get("customer_facing").equals("true"));
    record.put("Summary", NotificationText.summary(event));
    if (Double.isFinite(alert.value())) {
      record.put("Value", alert.value());
    }
    record.put("StartsAt", alert.firingSince().orElse(alert.activeSince()).toString());
    alert.resolvedAt().ifPresent(t -> record.put("EndsAt", t.toString()));
    record.put("Labels", new LinkedHashMap<>(alert.labels().asMap()));
    record.put("Annotations", new LinkedHashMap<>(NotificationText.annotations(event)));
    return record;
  }
}
