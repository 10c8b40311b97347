package io.freightwatch.notify.webhook;

import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.notify.DeliveryResult;
import io.freightwatch.notify.HttpResults;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.Receiver;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.Map;

/**
 * Posts Alertmanager webhook payloads (version 4) to one URL. Each request carries {@link
 * Notification#idempotencyKey()} in an {@code Idempotency-Key} header, so a receiver can drop the
 * copy sent again after a crash that hit between its response and the outbox update.
 */
public final class WebhookReceiver implements Receiver {

  private final ReceiverConfig config;
  private final WebClient client;
  private final String externalUrl;
  private final Clock clock;

  public WebhookReceiver(ReceiverConfig config, WebClient client, String externalUrl, Clock clock) {
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
  public Future<DeliveryResult> deliver(Notification notification) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(config.url().reveal())
            .setTimeout(config.timeout().toMillis());
    var request =
        client
            .request(HttpMethod.POST, options)
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", "freightwatch")
            .putHeader("Idempotency-Key", notification.idempotencyKey());
    for (Map.Entry<String, Secret> header : config.headers().entrySet()) {
      request.putHeader(header.getKey(), header.getValue().reveal());
    }
    String body = WebhookPayload.build(notification, externalUrl);
    return request
        .sendBuffer(Buffer.buffer(body))
        .map(response -> HttpResults.classify(response, clock.instant()))
        .otherwise(error -> redacted(HttpResults.failure(error)));
  }

  private DeliveryResult redacted(DeliveryResult result) {
    if (result instanceof DeliveryResult.Retry retry) {
      return new DeliveryResult.Retry(
          HttpResults.redact(retry.reason(), config.url().reveal()), retry.retryAfter());
    }
    return result;
  }
}
