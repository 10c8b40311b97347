package io.freightwatch.notify.webhook;

import io.freightwatch.config.ReceiverConfig;
import io.freightwatch.config.Secret;
import io.freightwatch.notify.DeliveryResult;
import io.freightwatch.notify.Notification;
import io.freightwatch.notify.Receiver;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Posts Alertmanager webhook payloads (version 4) to one URL. */
public final class WebhookReceiver implements Receiver {

  private static final int MAX_BODY_IN_LOG = 200;

  private final ReceiverConfig config;
  private final WebClient client;
  private final String externalUrl;

  public WebhookReceiver(ReceiverConfig config, WebClient client, String externalUrl) {
    this.config = config;
    this.client = client;
    this.externalUrl = externalUrl;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public Future<DeliveryResult> deliver(Notification notification) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(config.url().reveal())
        .setTimeout(config.timeout().toMillis());
    var request = client.request(HttpMethod.POST, options)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "freightwatch");
    for (Map.Entry<String, Secret> header : config.headers().entrySet()) {
      request.putHeader(header.getKey(), header.getValue().reveal());
    }
    String body = WebhookPayload.build(notification, externalUrl);
    return request.sendBuffer(Buffer.buffer(body))
        .map(WebhookReceiver::classify)
        .otherwise(error -> new DeliveryResult.Retry(redact(describe(error)), Optional.empty()));
  }

  /** Removes the URL's path and query, which may carry a token, from a client error message. */
  private String redact(String message) {
    java.net.URI uri = java.net.URI.create(config.url().reveal());
    String result = message;
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      result = result.replace(uri.getRawQuery(), "<redacted>");
    }
    if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
      result = result.replace(uri.getRawPath(), "/<redacted>");
    }
    return result;
  }

  static DeliveryResult classify(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new DeliveryResult.Delivered();
    }
    String reason = "HTTP " + status + " " + cut(response.bodyAsString());
    if (status == 408 || status == 429 || status >= 500) {
      return new DeliveryResult.Retry(reason, retryAfter(response.getHeader("Retry-After")));
    }
    return new DeliveryResult.Rejected(reason);
  }

  /** Parses a Retry-After header given in seconds; the HTTP-date form is ignored. */
  static Optional<Duration> retryAfter(String header) {
    if (header == null) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String cut(String body) {
    if (body == null) {
      return "";
    }
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_BODY_IN_LOG ? oneLine : oneLine.substring(0, MAX_BODY_IN_LOG) + "…";
  }
}
