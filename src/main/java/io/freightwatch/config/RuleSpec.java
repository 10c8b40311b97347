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
 * @param condition what must hold for the alert to be active. For rules in the original form the
 *     single-signal fields above describe the same condition; for the others they describe the
 *     first compared signal
 * @param keepFiringFor how long a firing alert keeps firing after its condition stops holding
 * @param overrides per-tenant (or any label) changes of threshold, {@code for} or severity, the
 *     first matching one applies
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
    Impact impact,
    RuleCondition condition,
    Duration keepFiringFor,
    List<Override> overrides) {

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
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(keepFiringFor, "keepFiringFor");
    overrides = List.copyOf(overrides);
  }

  /** Creates a rule in the original single-signal form, without overrides. */
  public RuleSpec(
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
    this(name, location, signal, matchers, function, window, comparison, threshold, forDuration,
        labels, impact,
        new RuleCondition.Threshold(
            new RuleCondition.Selector(signal, matchers, function, window), comparison, threshold),
        Duration.ZERO, List.of());
  }

  /** Returns a copy with another {@code for} duration; tests use it to shorten waits. */
  public RuleSpec withFor(Duration newFor) {
    return new RuleSpec(name, location, signal, matchers, function, window, comparison, threshold,
        newFor, labels, impact, condition, keepFiringFor, overrides);
  }

  /**
   * Returns a copy with another threshold, applied to the rule's single comparison.
   *
   * @throws IllegalStateException for {@code all}/{@code any} rules, which have several
   */
  public RuleSpec withThreshold(double newThreshold) {
    RuleCondition changed;
    if (condition instanceof RuleCondition.Threshold t) {
      changed = new RuleCondition.Threshold(t.selector(), t.comparison(), newThreshold);
    } else if (condition instanceof RuleCondition.Ratio r) {
      changed = new RuleCondition.Ratio(r.numerator(), r.denominator(), r.by(), r.comparison(),
          newThreshold, r.minDenominator());
    } else if (condition instanceof RuleCondition.Growth g) {
      changed = new RuleCondition.Growth(g.signal(), g.matchers(), g.window(), g.comparison(),
          newThreshold);
    } else {
      throw new IllegalStateException("rule " + name + " has no single threshold; change the"
          + " thresholds of its conditions in its file");
    }
    return new RuleSpec(name, location, signal, matchers, function, window, comparison,
        newThreshold, forDuration, labels, impact, changed, keepFiringFor, overrides);
  }

  /**
   * Returns a text that is equal for two rules exactly when they differ at most in their file
   * location. A reload keeps the alert state of rules whose signature did not change. Records
   * cannot compare compiled patterns, so the text form is used.
   */
  public String signature() {
    return new RuleSpec(name, "", signal, matchers, function, window, comparison, threshold,
        forDuration, labels, impact, condition, keepFiringFor, overrides).toString();
  }

  /** Returns whether the rule has one threshold, the one that overrides may change. */
  public boolean hasSingleThreshold() {
    return condition instanceof RuleCondition.Threshold
        || condition instanceof RuleCondition.Ratio
        || condition instanceof RuleCondition.Growth;
  }

  /** Returns the first override whose matchers all match {@code labels}. */
  public java.util.Optional<Override> overrideFor(io.freightwatch.store.Labels labels) {
    for (Override override : overrides) {
      if (override.matchers().stream().allMatch(m -> m.matches(labels))) {
        return java.util.Optional.of(override);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * A change of the rule for the series that match, for example a higher backlog threshold for a
   * tenant that ships more parcels.
   *
   * @param matchers series the override applies to
   * @param threshold replacement threshold, or NaN to keep the rule's
   * @param forDuration replacement {@code for}, or empty to keep the rule's
   * @param severity replacement severity, or empty to keep the rule's
   * @param disabled whether the rule does not apply to these series at all
   */
  public record Override(
      List<LabelMatcher> matchers,
      double threshold,
      java.util.Optional<Duration> forDuration,
      java.util.Optional<Severity> severity,
      boolean disabled) {
    public Override {
      matchers = List.copyOf(matchers);
      Objects.requireNonNull(forDuration, "forDuration");
      Objects.requireNonNull(severity, "severity");
    }
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

  /** Alert severities, mapped one to one onto PagerDuty's, most severe first. */
  public enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    public String yamlName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns whether this severity is more severe than {@code other}. */
    public boolean isAbove(Severity other) {
      return ordinal() < other.ordinal();
    }
  }

  /**
   * Kinds of infrastructure a dependency map knows, with the alert label that names the component
   * when the alert has it.
   */
  public enum Component {
    /** A PostgreSQL cluster, named by {@code cluster} (or a server by {@code instance}). */
    POSTGRES("cluster"),
    /** A Redis server, named by {@code instance}. */
    REDIS("instance"),
    /** A Traefik service, named by {@code service}. */
    TRAEFIK("service"),
    /** A partner integration (carrier API, EDI hub), named by {@code integration}. */
    INTEGRATION("integration");

    private final String label;

    Component(String label) {
      this.label = label;
    }

    /** Label whose value names the component. */
    public String label() {
      return label;
    }

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
   * @param component the kind of infrastructure the rule watches, for infrastructure rules; their
   *     alerts group the business alerts of the tenants that depend on the component
   */
  public record Impact(
      Domain domain,
      String process,
      SummaryTemplate summary,
      Severity severity,
      String owner,
      String runbook,
      String dashboard,
      boolean customerFacing,
      java.util.Optional<Component> component) {

    /** Creates the impact of a business rule, one that is about no infrastructure component. */
    public Impact(Domain domain, String process, SummaryTemplate summary, Severity severity,
        String owner, String runbook, String dashboard, boolean customerFacing) {
      this(domain, process, summary, severity, owner, runbook, dashboard, customerFacing,
          java.util.Optional.empty());
    }

    public Impact {
      Objects.requireNonNull(component, "component");
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
