package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One alert rule as written in a rule file.
 *
 * @param name rule name, used as the {@code alertname} label; unique across all rule files
 * @param location file and line where the rule starts, for messages
 * @param signal metric name the condition reads
 * @param matchers conditions on the series' labels
 * @param function how a series' samples become the compared value
 * @param window span of samples that {@code rate} and {@code increase} read
 * @param comparison operator between the value and the threshold
 * @param threshold the bound the value is compared with
 * @param forDuration how long the condition must hold before the alert fires
 * @param labels labels added to every alert of this rule, such as {@code severity}
 * @param impact what the alert means for the logistics operation
 */
public record RuleSpec(
    String name,
    String location,
    String signal,
    List<LabelMatcher> matchers,
    ValueFunction function,
    Duration window,
    Comparison comparison,
    double threshold,
    Duration forDuration,
    Map<String, String> labels,
    Impact impact) {

  public RuleSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(signal, "signal");
    matchers = List.copyOf(matchers);
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(comparison, "comparison");
    Objects.requireNonNull(forDuration, "forDuration");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(impact, "impact");
  }

  /** Returns a copy with another {@code for} duration; tests use it to shorten waits. */
  public RuleSpec withFor(Duration newFor) {
    return new RuleSpec(name, location, signal, matchers, function, window, comparison, threshold,
        newFor, labels, impact);
  }

  /** Returns a copy with another threshold. */
  public RuleSpec withThreshold(double newThreshold) {
    return new RuleSpec(name, location, signal, matchers, function, window, comparison,
        newThreshold, forDuration, labels, impact);
  }

  /** Function that turns a series' samples into the value compared with the threshold. */
  public enum ValueFunction {
    /** The latest sample. */
    VALUE("value"),
    /** Increase of a counter over the window, resets handled. */
    INCREASE("increase"),
    /** Increase of a counter over the window divided by the window's seconds. */
    RATE("rate");

    private final String yamlName;

    ValueFunction(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /** Comparison operators as written in rule files. */
  public enum Comparison {
    GREATER(">"),
    GREATER_OR_EQUAL(">="),
    LESS("<"),
    LESS_OR_EQUAL("<="),
    EQUAL("=="),
    NOT_EQUAL("!=");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean test(double value, double threshold) {
      return switch (this) {
        case GREATER -> value > threshold;
        case GREATER_OR_EQUAL -> value >= threshold;
        case LESS -> value < threshold;
        case LESS_OR_EQUAL -> value <= threshold;
        case EQUAL -> value == threshold;
        case NOT_EQUAL -> value != threshold;
      };
    }
  }

  /** Business domains an alert can belong to. */
  public enum Domain {
    ORDERS,
    WAREHOUSE,
    TRANSPORT,
    INTEGRATIONS,
    FINANCE,
    PLATFORM;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Alert severities, mapped one to one onto PagerDuty's. */
  public enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The logistics impact of a rule's alerts.
   *
   * @param domain business domain
   * @param process business process affected, such as "carrier label printing"
   * @param summary template filled with live values; see the rules package for its syntax
   * @param severity severity of the alert
   * @param owner team that owns the response
   * @param runbook link or repository path of the runbook
   * @param dashboard link of the dashboard, or empty
   * @param customerFacing whether customers notice the problem directly
   */
  public record Impact(
      Domain domain,
      String process,
      SummaryTemplate summary,
      Severity severity,
      String owner,
      String runbook,
      String dashboard,
      boolean customerFacing) {

    public Impact {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(process, "process");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(runbook, "runbook");
      Objects.requireNonNull(dashboard, "dashboard");
    }
  }
}
