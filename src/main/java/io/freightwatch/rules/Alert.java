package io.freightwatch.rules;

import io.freightwatch.store.Labels;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable snapshot of one alert.
 *
 * @param fingerprint deterministic identity from the alert's labels; the dedup key everywhere
 * @param rule name of the rule that produced it
 * @param labels identifying labels: the series labels, the rule's labels, {@code alertname},
 *     {@code severity}, {@code domain}, {@code owner} and {@code customer_facing}
 * @param annotations descriptive fields: {@code summary} (rendered with live values), {@code
 *     runbook}, {@code dashboard}, {@code process}, and {@value #WORST_SUMMARY} while the worst
 *     value differs from the latest
 * @param state current state
 * @param value the latest value compared with the threshold
 * @param activeSince when the condition started to hold
 * @param firingSince when the alert started firing, if it did
 * @param resolvedAt when the alert resolved, if it did
 */
public record Alert(
    String fingerprint,
    String rule,
    Labels labels,
    Map<String, String> annotations,
    AlertState state,
    double value,
    Instant activeSince,
    Optional<Instant> firingSince,
    Optional<Instant> resolvedAt) {

  public Alert {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(labels, "labels");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(activeSince, "activeSince");
    Objects.requireNonNull(firingSince, "firingSince");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
  }

  /**
   * Annotation with the summary rendered with the alert's worst value since it started firing,
   * when that differs from the latest summary: the highest value for a {@code >} threshold, the
   * lowest for a {@code <} one.
   */
  public static final String WORST_SUMMARY = "worst_summary";

  public String summary() {
    return annotations.getOrDefault("summary", "");
  }

  public String severity() {
    return labels.get("severity");
  }
}
