package io.freightwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on a loopback port that records every Alertmanager webhook payload it
 * receives and answers 200, or 400 for a body that is not JSON.
 */
public final class WebhookCapture implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonNode> payloads = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public WebhookCapture() {
    try {
      server = vertx.createHttpServer()
          .requestHandler(request -> request.body().onSuccess(body -> {
            try {
              payloads.add(JSON.readTree(body.toString()));
              request.response().setStatusCode(200).end();
            } catch (Exception e) {
              request.response().setStatusCode(400).end("not JSON");
            }
          }))
          .listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("webhook capture server did not start", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/alerts";
  }

  /** Returns every (status, alert) pair received for {@code alertname}, in arrival order. */
  public List<Received> received(String alertname) {
    List<Received> result = new ArrayList<>();
    for (JsonNode payload : payloads) {
      for (JsonNode alert : payload.get("alerts")) {
        if (alertname.equals(alert.get("labels").path("alertname").asText())) {
          result.add(new Received(alert.get("status").asText(), alert));
        }
      }
    }
    return result;
  }

  /** One alert out of a received payload. */
  public record Received(String status, JsonNode alert) {
    public String label(String name) {
      return alert.get("labels").path(name).asText();
    }

    public String fingerprint() {
      return alert.get("fingerprint").asText();
    }

    public String summary() {
      return alert.get("annotations").path("summary").asText();
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("webhook capture server did not stop", e);
    }
  }
}
