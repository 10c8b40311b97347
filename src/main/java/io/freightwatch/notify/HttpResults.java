package io.freightwatch.notify;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Turns HTTP responses and client errors into {@link DeliveryResult}s, the same for every receiver.
 */
public final class HttpResults {

  /** Characters of a response body kept in a result's reason. */
  public static final int MAX_BODY_IN_REASON = 300;

  private HttpResults() {}

  /**
   * Classifies a response: 2xx is delivered; 408, 429 and 5xx are retried, honouring Retry-After;
   * any other status is a rejection, which retrying unchanged would repeat.
   */
  public static DeliveryResult classify(HttpResponse<Buffer> response, Instant now) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new DeliveryResult.Delivered();
    }
    String reason = "HTTP " + status + " " + cut(response.bodyAsString());
    if (status == 408 || status == 429 || status >= 500) {
      return new DeliveryResult.Retry(reason, retryAfter(response.getHeader("Retry-After"), now));
    }
    return new DeliveryResult.Rejected(reason);
  }

  /** Returns a retry for a client error (connection refused, timeout), with no Retry-After. */
  public static DeliveryResult failure(Throwable error) {
    String message = error.getMessage();
    return new DeliveryResult.Retry(
        error.getClass().getSimpleName() + (message == null ? "" : ": " + message),
        Optional.empty());
  }

  /**
   * Parses a Retry-After header in either of its forms: delay seconds or an HTTP date. Returns
   * empty for a missing or invalid header, and zero for a date in the past.
   */
  public static Optional<Duration> retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String text = header.trim();
    try {
      long seconds = Long.parseLong(text);
      return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    } catch (NumberFormatException e) {
      // Not delay seconds: try the HTTP-date form.
    }
    try {
      Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Returns {@code body} on one line, cut to {@link #MAX_BODY_IN_REASON} characters. */
  public static String cut(String body) {
    if (body == null) {
      return "";
    }
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_BODY_IN_REASON
        ? oneLine
        : oneLine.substring(0, MAX_BODY_IN_REASON) + "…";
  }

  /**
   * Removes a secret URL's path and query from a client error message, because webhook URLs carry
   * their token there.
   */
  public static String redact(String message, String secretUrl) {
    java.net.URI uri;
    try {
      uri = java.net.URI.create(secretUrl);
    } catch (IllegalArgumentException e) {
      return message.replace(secretUrl, "<redacted>");
    }
    String result = message.replace(secretUrl, "<redacted>");
    if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
      result = result.replace(uri.getRawQuery(), "<redacted>");
    }
    if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
      result = result.replace(uri.getRawPath(), "/<redacted>");
    }
    return result;
  }

  /**
   * Cuts {@code text} to at most {@code maxChars} UTF-16 characters, ending with an ellipsis when
   * it was cut, and never splitting a surrogate pair.
   */
  public static String truncate(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }
}
