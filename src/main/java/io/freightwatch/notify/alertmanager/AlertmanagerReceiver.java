package io.freightwatch.notify.alertmanager;

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
 * Posts alerts to Alertmanager's API v2 ({@code POST /api/v2/alerts}), one alert per request. The
 * dispatcher posts every firing alert again each {@code resend_interval}, and each post extends the
 * alert's lease to four intervals, so a few failed posts do not resolve it.
 */
public final class AlertmanagerReceiver implements Receiver {

  private final ReceiverConfig config;
  private final WebClient client;
  private final String externalUrl;
  private final Clock clock;

  public AlertmanagerReceiver(
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
    return Mode.LEASE;
  }

  @Override
  public Future<DeliveryResult> deliver(Notification notification) {
    String base = config.url().reveal();
    String url =
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts";
    String body =
        AlertmanagerPost.build(
            notification.event(),
            notification.createdAt(),
            config.alertmanagerLease(),
            externalUrl.isEmpty() ? "" : externalUrl + "/api/v1/alerts");
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .setTimeout(config.timeout().toMillis());
    var request =
        client
            .request(HttpMethod.POST, options)
            .putHeader("Content-Type", "application/json")
            .putHeader("User-Agent", "freightwatch");
    for (Map.Entry<String, Secret> header : config.headers().entrySet()) {
      request.putHeader(header.getKey(), header.getValue().reveal());
    }
    return request
        .sendBuffer(Buffer.buffer(body))
        .map(response -> HttpResults.classify(response, clock.instant()))
        .otherwise(HttpResults::failure);
  }
}
