package io.freightwatch.notify.teams;

import io.freightwatch.config.ReceiverConfig;
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

/**
 * Posts one Adaptive Card message per group notification to a Microsoft Teams Workflows webhook.
 * The webhook URL carries its signature, so it is a secret: it appears in no log or reason.
 */
public final class TeamsReceiver implements Receiver {

  private final ReceiverConfig config;
  private final WebClient client;
  private final Clock clock;

  public TeamsReceiver(ReceiverConfig config, WebClient client, Clock clock) {
    this.config = config;
    this.client = client;
    this.clock = clock;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public Future<DeliveryResult> deliver(Notification notification) {
    String body = AdaptiveCardMessage.build(notification, clock.instant());
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
        .map(response -> HttpResults.classify(response, clock.instant()))
        .otherwise(
            error -> {
              DeliveryResult.Retry retry = (DeliveryResult.Retry) HttpResults.failure(error);
              return new DeliveryResult.Retry(
                  HttpResults.redact(retry.reason(), config.url().reveal()), retry.retryAfter());
            });
  }
}
