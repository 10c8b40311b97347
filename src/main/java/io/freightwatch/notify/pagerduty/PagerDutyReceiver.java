package io.freightwatch.notify.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.notify.DeliveryResult;
import io.freightwatch.notify.HttpResults;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.Receiver;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;

/**
 * Sends PagerDuty Events API v2 events, one per alert change. 202 (any 2xx) means accepted. 400
 * means PagerDuty rejected the event itself; it is not retried and its {@code errors} are logged.
 * 429 and 5xx are retried, honouring Retry-After.
 */
public final class PagerDutyReceiver implements Receiver {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ReceiverConfig config;
  private final WebClient client;
  private final String externalUrl;
  private final Clock clock;

  public PagerDutyReceiver(
      ReceiverConfig config, WebClient client, String externalUrl, Clock clock) {
    this.config = config;
    this.client = client;
    this.externalUrl = externalUrl;
    this.clock = clock;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public Mode mode() {
    return Mode.EVENTS;
  }

  @Override
  public Future<DeliveryResult> deliver(Notification notification) {
    String body =
        PagerDutyEvent.build(notification.event(), config.routingKey().reveal(), externalUrl);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(config.url().reveal())
            .setTimeout(config.timeout().toMillis());
    return client
        .request(HttpMethod.POST, options)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "freightwatch")
        .sendBuffer(Buffer.buffer(body))
        .map(this::classify)
        .otherwise(HttpResults::failure);
  }

  private DeliveryResult classify(HttpResponse<Buffer> response) {
    DeliveryResult result = HttpResults.classify(response, clock.instant());
    if (result instanceof DeliveryResult.Rejected) {
      return new DeliveryResult.Rejected(
          "HTTP " + response.statusCode() + " " + errors(response.bodyAsString()));
    }
    return result;
  }

  /** Returns PagerDuty's {@code status} and {@code errors} from an error body, or the body cut. */
  static String errors(String body) {
    if (body == null) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node.has("errors")) {
        return HttpResults.cut(node.path("status").asText() + ": " + node.get("errors"));
      }
    } catch (java.io.IOException e) {
      // Not JSON: fall through to the raw body.
    }
    return HttpResults.cut(body);
  }
}
