package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One notification receiver.
 *
 * @param name receiver name, sent as {@code receiver} in webhook payloads
 * @param type receiver kind: {@code webhook} (Alertmanager webhook payload, version 4), {@code
 *     pagerduty} (Events API v2), {@code teams} (Workflows webhook with an Adaptive Card), {@code
 *     alertmanager} (API v2) or {@code azure_monitor} (Logs Ingestion API)
 * @param url where to post; treated as a secret because webhook URLs often carry tokens. For
 *     {@code alertmanager} the base URL, for {@code azure_monitor} the data collection endpoint
 * @param headers extra HTTP headers, such as an Authorization header; values are secrets
 * @param matchers only alerts whose labels match all of these are sent here; empty means all
 * @param sendResolved whether to send a message when an alert resolves
 * @param timeout limit of one HTTP request
 * @param initialBackoff wait before the first retry; doubled after each failure
 * @param maxBackoff upper bound of the wait between retries
 * @param maxAge how long a notification is retried before it is given up
 * @param routingKey PagerDuty integration key; {@link Secret#NONE} for other types
 * @param rateLimit cap on delivery attempts to this receiver
 * @param breakerFailures consecutive failed attempts that open the circuit breaker
 * @param breakerCooldown how long an open breaker waits before one trial attempt
 * @param resendInterval for {@code alertmanager}: how often firing alerts are posted again
 * @param ruleId for {@code azure_monitor}: immutable id of the data collection rule
 * @param stream for {@code azure_monitor}: stream name declared in that rule
 */
public record ReceiverConfig(
    String name,
    String type,
    Secret url,
    Map<String, Secret> headers,
    List<LabelMatcher> matchers,
    boolean sendResolved,
    Duration timeout,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxAge,
    Secret routingKey,
    RateLimit rateLimit,
    int breakerFailures,
    Duration breakerCooldown,
    Duration resendInterval,
    String ruleId,
    String stream) {

  /** Consecutive failures that open the breaker unless configured otherwise. */
  public static final int DEFAULT_BREAKER_FAILURES = 5;

  /** Breaker cool-down unless configured otherwise. */
  public static final Duration DEFAULT_BREAKER_COOLDOWN = Duration.ofSeconds(30);

  /** Alertmanager re-post interval unless configured otherwise; Prometheus also uses 1m. */
  public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);

  public ReceiverConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    matchers = List.copyOf(matchers);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(rateLimit, "rateLimit");
    if (breakerFailures < 1) {
      throw new IllegalArgumentException("breakerFailures must be 1 or more, got "
          + breakerFailures);
    }
    Objects.requireNonNull(breakerCooldown, "breakerCooldown");
    Objects.requireNonNull(resendInterval, "resendInterval");
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(stream, "stream");
  }

  /** Creates a receiver with the defaults for every setting that only some types use. */
  public ReceiverConfig(String name, String type, Secret url, Map<String, Secret> headers,
      List<LabelMatcher> matchers, boolean sendResolved, Duration timeout,
      Duration initialBackoff, Duration maxBackoff, Duration maxAge) {
    this(name, type, url, headers, matchers, sendResolved, timeout, initialBackoff, maxBackoff,
        maxAge, Secret.NONE, RateLimit.NONE, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_COOLDOWN,
        DEFAULT_RESEND_INTERVAL, "", "");
  }

  /**
   * Returns the time by which Alertmanager ends a posted firing alert unless it is posted again:
   * four re-post intervals, so that up to three missed posts do not resolve it.
   */
  public Duration alertmanagerLease() {
    return resendInterval.multipliedBy(4);
  }
}
