package io.freightwatch.notify;

import java.time.Duration;
import java.util.Optional;

/** Outcome of one delivery attempt. */
public sealed interface DeliveryResult {

  /** The receiver accepted the notification. */
  record Delivered() implements DeliveryResult {}

  /**
   * The attempt failed in a way that may pass later (network error, timeout, 5xx, 429).
   *
   * @param reason what failed, for logs
   * @param retryAfter how long the receiver asked us to wait, if it did
   */
  record Retry(String reason, Optional<Duration> retryAfter) implements DeliveryResult {}

  /**
   * The receiver rejected the notification itself (4xx other than 408 and 429); retrying would
   * fail the same way.
   *
   * @param reason the receiver's status and response body
   */
  record Rejected(String reason) implements DeliveryResult {}
}
