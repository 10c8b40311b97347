package io.freightwatch.rules;

import io.freightwatch.config.RuleSpec;
import io.freightwatch.store.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One alert: a rule (or SLO tier) applied to one label set, with its state machine and what the
 * last evaluation learned about it from the calendar, silences and dependency map. Owned by the
 * agent's event loop.
 */
final class AlertInstance {

  final String rule;
  final Labels resultLabels;
  /** Labels that identify the alert; the fingerprint is computed from them alone. */
  final Labels identityLabels;
  final String fingerprint;
  final RuleSpec.Impact impact;
  final RuleSpec.Severity baseSeverity;
  final AlertStateMachine machine;
  /** Whether the alert started outside its site's operating hours and is not customer-facing. */
  final boolean quiet;

  double value = Double.NaN;
  String summary = "";
  /** The worst value since the alert started firing, and the summary rendered with it. */
  double worstValue = Double.NaN;
  String worstSummary = "";
  AlertStateMachine.Transition lastTransition = AlertStateMachine.Transition.NONE;
  RuleSpec.Severity severity;
  boolean escalated;
  final Map<String, String> context = new LinkedHashMap<>();
  String summaryPrefix = "";
  String summarySuffix = "";
  Optional<String> mutedBy = Optional.empty();
  boolean notified;
  RuleSpec.Severity notifiedSeverity;
  private Labels labels;
  private RuleSpec.Severity labelsSeverity;
  private double renderedValue = Double.NaN;
  private String renderedContext;

  AlertInstance(String rule, Labels resultLabels, Labels identityLabels, RuleSpec.Impact impact,
      RuleSpec.Severity baseSeverity, Duration forDuration, Duration keepFiringFor,
      boolean quiet) {
    this.rule = rule;
    this.resultLabels = resultLabels;
    this.identityLabels = identityLabels;
    this.fingerprint = Fingerprints.of(identityLabels);
    this.impact = impact;
    this.baseSeverity = baseSeverity;
    this.severity = baseSeverity;
    this.machine = new AlertStateMachine(forDuration, keepFiringFor);
    this.quiet = quiet;
  }

  /**
   * Returns whether the summary must be rendered again: always when it reads other series,
   * otherwise only when the value or the calendar and grouping text changed.
   */
  boolean needsRender(boolean readsOtherSignals) {
    String renderContext = summaryPrefix + '\n' + summarySuffix + '\n' + severity;
    if (!readsOtherSignals && Double.compare(value, renderedValue) == 0
        && renderContext.equals(renderedContext)) {
      return false;
    }
    renderedValue = value;
    renderedContext = renderContext;
    return true;
  }

  boolean isActive() {
    return machine.state().filter(s -> s != AlertState.RESOLVED).isPresent();
  }

  boolean isFiring() {
    return machine.state().filter(s -> s == AlertState.FIRING).isPresent();
  }

  boolean isExpired(Instant now) {
    Optional<AlertState> state = machine.state();
    if (state.isEmpty()) {
      return true;
    }
    return state.get() == AlertState.RESOLVED
        && machine.resolvedAt().orElseThrow().plus(RuleEngine.RESOLVED_RETENTION).isBefore(now);
  }

  /** Labels as sent: the identity labels with the current severity and the quiet flag. */
  Labels labels() {
    if (labels == null || labelsSeverity != severity) {
      Labels built = identityLabels.with("severity", severity.yamlName());
      labels = quiet ? built.with("quiet", "true") : built;
      labelsSeverity = severity;
    }
    return labels;
  }

  /**
   * Keeps the value and summary of this evaluation when the alert has just started firing, or
   * when it fires and the value is worse than the worst so far in {@code direction} (1: higher is
   * worse, -1: lower is worse, 0: nothing is tracked).
   */
  void trackWorst(int direction) {
    if (direction == 0 || Double.isNaN(value)) {
      return;
    }
    if (lastTransition == AlertStateMachine.Transition.FIRED || Double.isNaN(worstValue)) {
      if (isFiring()) {
        worstValue = value;
        worstSummary = summary;
      }
    } else if (isFiring() && (value - worstValue) * direction > 0) {
      worstValue = value;
      worstSummary = summary;
    }
  }

  Optional<Alert> snapshot() {
    return machine.state().map(state -> {
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put("summary", summary);
      annotations.put("runbook", impact.runbook());
      if (!impact.dashboard().isEmpty()) {
        annotations.put("dashboard", impact.dashboard());
      }
      if (!impact.process().isEmpty()) {
        annotations.put("process", impact.process());
      }
      annotations.putAll(context);
      mutedBy.ifPresent(reason -> annotations.put("muted_by", reason));
      if (!worstSummary.isEmpty() && !worstSummary.equals(summary)) {
        annotations.put(Alert.WORST_SUMMARY, worstSummary);
      }
      return new Alert(fingerprint, rule, labels(), annotations, state, value,
          machine.activeSince(), machine.firingSince(), machine.resolvedAt());
    });
  }
}
