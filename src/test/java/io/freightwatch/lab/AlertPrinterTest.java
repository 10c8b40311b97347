package io.freightwatch.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertPrinterTest {

  private static final String PAYLOAD =
      """
      {"version": "4", "status": "firing", "receiver": "ops", "groupKey": "{}:{}",
       "alerts": [
        {"status": "firing",
         "labels": {"alertname": "CarrierLabelBacklog", "severity": "critical", "tenant": "acme"},
         "annotations": {"summary": "Label jobs for DHL Express are failing"},
         "startsAt": "2026-12-04T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"},
        {"status": "resolved",
         "labels": {"alertname": "ReplicaLagHigh", "severity": "warning"},
         "annotations": {},
         "startsAt": "2026-12-04T09:00:00Z", "endsAt": "2026-12-04T09:30:00Z"}
       ]}
      """;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    Lab.await(vertx.close(), "closing Vert.x");
  }

  @Test
  void printsOneLinePerAlert() {
    List<String> lines = AlertPrinter.format(new JsonObject(PAYLOAD));

    assertThat(lines)
        .containsExactly(
            "FIRING    critical  CarrierLabelBacklog              acme       Label jobs for DHL"
                + " Express are failing",
            "RESOLVED  warning   ReplicaLagHigh                   -          -");
  }

  @Test
  void rejectsPayloadWithoutAlerts() {
    assertThatThrownBy(() -> AlertPrinter.format(new JsonObject("{\"version\": \"4\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("payload: missing the alerts array");
  }

  @Test
  void receivesWebhookPosts() throws Exception {
    List<String> printed = new CopyOnWriteArrayList<>();
    AlertPrinter printer = Lab.await(AlertPrinter.start(vertx, 0, printed::add), "starting");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> valid =
        http.send(post(printer, PAYLOAD), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> invalid =
        http.send(post(printer, "not json"), HttpResponse.BodyHandlers.ofString());

    assertThat(valid.statusCode()).isEqualTo(200);
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(printed).hasSize(2);
    assertThat(printed.get(0)).startsWith("FIRING    critical  CarrierLabelBacklog");
  }

  private static HttpRequest post(AlertPrinter printer, String body) {
    return HttpRequest.newBuilder(URI.create(printer.url()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(5))
        .build();
  }
}
