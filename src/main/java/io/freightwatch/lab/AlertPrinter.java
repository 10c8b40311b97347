package io.freightwatch.lab;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A webhook receiver for the demo: accepts Alertmanager webhook POSTs (payload version 4) on any
 * path of 127.0.0.1 and prints one line per alert, for example {@code FIRING critical
 * CarrierLabelBacklog acme Label jobs for DHL Express are failing}. Labels that an alert lacks are
 * printed as {@code -}. Responds 200 to a valid payload and 400 otherwise.
 */
public final class AlertPrinter {

  /** Port of the alert printer in the demo. */
  public static final int DEMO_PORT = 28082;

  private static final Logger LOG = LoggerFactory.getLogger(AlertPrinter.class);
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Consumer<String> output;
  private HttpServer server;

  private AlertPrinter(Consumer<String> output) {
    this.output = output;
  }

  /**
   * Starts the receiver.
   *
   * @param port TCP port on 127.0.0.1, 0 for a free one
   * @param output receives each printed line, e.g. {@code System.out::println}; called on a Vert.x
   *     event loop, so it must not block for long
   */
  public static Future<AlertPrinter> start(Vertx vertx, int port, Consumer<String> output) {
    AlertPrinter printer = new AlertPrinter(output);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(LabPostgres.HOST).setPort(port))
        .requestHandler(printer::handle)
        .listen()
        .map(
            server -> {
              printer.server = server;
              LOG.info("event=alert_printer_listening port={}", server.actualPort());
              return printer;
            });
  }

  public int port() {
    return server.actualPort();
  }

  /** URL to give the agent as webhook receiver, e.g. {@code http://127.0.0.1:28082/alerts}. */
  public String url() {
    return "http://" + LabPostgres.HOST + ":" + port() + "/alerts";
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Formats the alerts of one webhook payload, one line each.
   *
   * @throws IllegalArgumentException when the payload has no {@code alerts} array
   */
  public static List<String> format(JsonObject payload) {
    JsonArray alerts = payload.getJsonArray("alerts");
    if (alerts == null) {
      throw new IllegalArgumentException("payload: missing the alerts array");
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject alert = alerts.getJsonObject(i);
      JsonObject labels = alert.getJsonObject("labels", new JsonObject());
      JsonObject annotations = alert.getJsonObject("annotations", new JsonObject());
      String status =
          alert.getString("status", payload.getString("status", "firing")).toUpperCase(Locale.ROOT);
      lines.add(
          String.format(
              Locale.ROOT,
              "%-9s %-9s %-32s %-10s %s",
              status,
              labels.getString("severity", "-"),
              labels.getString("alertname", "-"),
              labels.getString("tenant", "-"),
              annotations.getString("summary", "-")));
    }
    return lines;
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) {
      request.response().setStatusCode(405).putHeader("Allow", "POST").end();
      return;
    }
    request
        .body()
        .onSuccess(
            body -> {
              if (body.length() > MAX_BODY_BYTES) {
                request.response().setStatusCode(413).end();
                return;
              }
              try {
                format(body.toJsonObject()).forEach(output);
                request.response().setStatusCode(200).end();
              } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
                LOG.warn("event=alert_payload_rejected error={}", e.getMessage());
                request
                    .response()
                    .setStatusCode(400)
                    .end("invalid webhook payload: " + e.getMessage());
              }
            })
        .onFailure(error -> request.response().setStatusCode(400).end());
  }
}
