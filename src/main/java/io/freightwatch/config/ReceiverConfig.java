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
 * @param type receiver kind; {@code webhook} posts Alertmanager webhook payloads (version 4)
 * @param url where to post; treated as a secret because webhook URLs often carry tokens
 * @param headers extra HTTP headers, such as an Authorization header; values are secrets
 * @param matchers only alerts whose labels match all of these are sent here; empty means all
 * @param sendResolved whether to send a message when an alert resolves
 * @param timeout limit of one HTTP request
 * @param initialBackoff wait before the first retry; doubled after each failure
 * @param maxBackoff upper bound of the wait between retries
 * @param maxAge how long a notification is retried before it is given up
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
    Duration maxAge) {

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
  }
}
