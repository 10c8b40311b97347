package io.freightwatch.rules;

import io.freightwatch.config.Durations;
import io.freightwatch.config.RuleCondition;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.store.LabelMatcher;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the agent's rules and SLO burn-rate alerts as Prometheus rule files, so that a
 * Prometheus scraping the same series raises the same alerts at the same evaluation step.
 *
 * <p>The agent computes {@code increase} and {@code rate} with Prometheus 2.x's extrapolation
 * (see {@link RangeFunctions}), so threshold rules translate one to one. SLO windows sum
 * per-minute counts in the agent and take {@code sum(increase(...))} per series in Prometheus;
 * both read the same samples when scrapes fall on minute boundaries and agree to one scrape
 * interval otherwise. Two differences are known. The agent keeps the state of alerts whose target
 * failed its scrape, where Prometheus sees stale series. And the agent counts a series that
 * appears on a known process from 0, where Prometheus ignores its first sample.
 */
public final class PrometheusExport {

  /** Recording rule name prefix of SLO error ratios; the window follows, e.g. {@code :1h}. */
  public static final String ERROR_RATIO = "freightwatch:slo_error_ratio:";
  /** Recording rule name prefix of SLO event counts over long windows. */
  public static final String EVENTS = "freightwatch:slo_events:";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}");

  private PrometheusExport() {}

  /** Returns a rule file with one alerting rule per rule and override. */
  public static String alertingRules(List<RuleSpec> specs) {
    StringBuilder out = new StringBuilder(header("freightwatch rules export"));
    out.append("groups:\n  - name: freightwatch-rules\n    rules:\n");
    for (RuleSpec spec : specs) {
      for (Part part : ruleExpressions(spec)) {
        appendAlert(out, spec, part.expression(), part.forDuration(), part.severity());
      }
    }
    return out.toString();
  }

  /** Returns a rule file with each SLO's recording rules and burn-rate alerts. */
  public static String sloRules(List<SloSpec> slos) {
    StringBuilder out = new StringBuilder(header("freightwatch rules export"));
    out.append("groups:\n");
    if (slos.isEmpty()) {
      out.append("  []\n");
      return out.toString();
    }
    for (SloSpec slo : slos) {
      out.append("  - name: ").append(quote("slo-" + slo.name())).append("\n    rules:\n");
      appendRecordings(out, slo);
      appendBurnAlerts(out, slo);
    }
    return out.toString();
  }

  /**
   * Returns the alerting rules of one rule: one per enabled override, then the rule itself for
   * every series no override took.
   */
  static List<Part> ruleExpressions(RuleSpec spec) {
    List<Part> parts = new ArrayList<>();
    List<String> taken = new ArrayList<>();
    for (RuleSpec.Override override : spec.overrides()) {
      RuleCondition restricted = restrict(spec.condition(), override.matchers());
      String unless = unless(taken);
      taken.add(value(restricted));
      if (override.disabled()) {
        continue;
      }
      double threshold = Double.isNaN(override.threshold()) ? spec.threshold()
          : override.threshold();
      RuleCondition changed = withThreshold(restricted, threshold);
      parts.add(new Part(override.forDuration().orElse(spec.forDuration()),
          wrap(expression(changed)) + unless,
          override.severity().orElse(spec.impact().severity())));
    }
    parts.add(new Part(spec.forDuration(), wrap(expression(spec.condition())) + unless(taken),
        spec.impact().severity()));
    return parts;
  }

  /** One Prometheus alerting rule of a rule. */
  record Part(Duration forDuration, String expression, RuleSpec.Severity severity) {}

  /** Returns the PromQL expression of a condition. */
  static String expression(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return function(t.selector()) + " " + t.comparison().symbol() + " " + number(t.threshold());
    } else if (condition instanceof RuleCondition.Ratio r) {
      String denominator = sum(r.by(), function(r.denominator()));
      String ratio = "(" + sum(r.by(), function(r.numerator())) + " / " + denominator + ") "
          + r.comparison().symbol() + " " + number(r.threshold());
      return r.minDenominator() > 0
          ? "(" + ratio + ") and (" + denominator + " >= " + number(r.minDenominator()) + ")"
          : ratio;
    } else if (condition instanceof RuleCondition.Absent a) {
      return "absent(" + selector(a.signal(), a.matchers()) + ")";
    } else if (condition instanceof RuleCondition.Growth g) {
      String selector = selector(g.signal(), g.matchers());
      return "(" + selector + " - " + selector + " offset " + Durations.format(g.window()) + ") "
          + g.comparison().symbol() + " " + number(g.threshold());
    }
    RuleCondition.Combination c = (RuleCondition.Combination) condition;
    String on = String.join(", ", c.on());
    List<String> parts = new ArrayList<>();
    for (RuleCondition child : c.conditions()) {
      parts.add("max by (" + on + ") (" + expression(child) + ")");
    }
    return String.join(c.all() ? " and on (" + on + ") " : " or on (" + on + ") ", parts);
  }

  private static void appendAlert(StringBuilder out, RuleSpec spec, String expr,
      Duration forDuration, RuleSpec.Severity severity) {
    out.append("      - alert: ").append(spec.name()).append('\n');
    out.append("        expr: ").append(quote(expr)).append('\n');
    if (!forDuration.isZero()) {
      out.append("        for: ").append(Durations.format(forDuration)).append('\n');
    }
    if (!spec.keepFiringFor().isZero()) {
      out.append("        keep_firing_for: ").append(Durations.format(spec.keepFiringFor()))
          .append('\n');
    }
    Map<String, String> labels = new java.util.TreeMap<>(spec.labels());
    labels.put("severity", severity.yamlName());
    labels.put("domain", spec.impact().domain().yamlName());
    labels.put("owner", spec.impact().owner());
    labels.put("customer_facing", Boolean.toString(spec.impact().customerFacing()));
    appendMap(out, "labels", labels);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", template(spec.impact().summary(), spec.threshold()));
    annotations.put("runbook", spec.impact().runbook());
    if (!spec.impact().dashboard().isEmpty()) {
      annotations.put("dashboard", spec.impact().dashboard());
    }
    if (!spec.impact().process().isEmpty()) {
      annotations.put("process", spec.impact().process());
    }
    appendMap(out, "annotations", annotations);
  }

  private static void appendRecordings(StringBuilder out, SloSpec slo) {
    TreeSet<Duration> windows = new TreeSet<>();
    TreeSet<Duration> longWindows = new TreeSet<>();
    for (SloSpec.BurnTier tier : slo.tiers()) {
      windows.add(tier.longWindow());
      windows.add(tier.shortWindow());
      longWindows.add(tier.longWindow());
    }
    Map<String, String> labels = sloLabels(slo);
    for (Duration window : windows) {
      out.append("      - record: ").append(ERROR_RATIO).append(Durations.format(window))
          .append('\n');
      out.append("        expr: ").append(quote(errorRatio(slo.sli(), window))).append('\n');
      appendMap(out, "labels", labels);
    }
    if (slo.minEvents() > 0 && slo.sli() instanceof SloSpec.EventRatio ratio) {
      for (Duration window : longWindows) {
        out.append("      - record: ").append(EVENTS).append(Durations.format(window))
            .append('\n');
        out.append("        expr: ").append(quote("sum(increase(" + selector(
            ratio.total().signal(), ratio.total().matchers()) + "[" + Durations.format(window)
            + "]))")).append('\n');
        appendMap(out, "labels", labels);
      }
    }
  }

  private static void appendBurnAlerts(StringBuilder out, SloSpec slo) {
    Map<String, List<String>> byTier = new LinkedHashMap<>();
    String match = "{slo=" + quotePromql(slo.name()) + "}";
    for (SloSpec.BurnTier tier : slo.tiers()) {
      String bound = number(tier.factor() * slo.errorBudgetRatio());
      String condition = ERROR_RATIO + Durations.format(tier.longWindow()) + match + " > " + bound
          + " and " + ERROR_RATIO + Durations.format(tier.shortWindow()) + match + " > " + bound;
      if (slo.minEvents() > 0 && slo.sli() instanceof SloSpec.EventRatio) {
        condition += " and " + EVENTS + Durations.format(tier.longWindow()) + match + " >= "
            + number(slo.minEvents());
      }
      byTier.computeIfAbsent(tier.name(), name -> new ArrayList<>()).add("(" + condition + ")");
    }
    byTier.forEach((tier, conditions) -> {
      out.append("      - alert: ").append(SloAlerts.ALERT_NAME).append('\n');
      out.append("        expr: ").append(quote(String.join(" or ", conditions))).append('\n');
      Map<String, String> labels = new java.util.TreeMap<>();
      labels.put("tier", tier);
      labels.put("severity", SloAlerts.severityOf(slo, tier).yamlName());
      labels.put("domain", slo.impact().domain().yamlName());
      labels.put("owner", slo.impact().owner());
      labels.put("customer_facing", Boolean.toString(slo.impact().customerFacing()));
      appendMap(out, "labels", labels);
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put("summary", "SLO " + slo.name() + " burns its error budget {{ $value"
          + " | humanize }} times the allowed error ratio (" + tier + ").");
      annotations.put("runbook", slo.impact().runbook());
      appendMap(out, "annotations", annotations);
    });
  }

  private static String errorRatio(SloSpec.Sli sli, Duration window) {
    String range = "[" + Durations.format(window) + "]";
    if (sli instanceof SloSpec.EventRatio ratio) {
      List<LabelMatcher> goodMatchers = new ArrayList<>(ratio.good().matchers());
      ratio.goodLe().ifPresent(le -> goodMatchers.add(leMatcher(le)));
      String counted = "sum(increase(" + selector(ratio.good().signal(), goodMatchers) + range
          + "))";
      String total = "sum(increase(" + selector(ratio.total().signal(), ratio.total().matchers())
          + range + "))";
      return ratio.countsBad() ? counted + " / " + total : "1 - " + counted + " / " + total;
    }
    SloSpec.TimeSlice slice = (SloSpec.TimeSlice) sli;
    // NOTE: Prometheus samples the condition once per minute here. The agent marks a minute bad
    // when any evaluation in it failed, so the two differ when the condition flaps within a minute.
    return "1 - avg_over_time((min(" + selector(slice.selector().signal(),
        slice.selector().matchers()) + ") " + slice.comparison().symbol() + " bool "
        + number(slice.threshold()) + ")" + range.replace("]", ":1m]") + ")";
  }

  private static Map<String, String> sloLabels(SloSpec slo) {
    Map<String, String> labels = new java.util.TreeMap<>(slo.labels());
    labels.put("slo", slo.name());
    return labels;
  }

  private static RuleCondition restrict(RuleCondition condition, List<LabelMatcher> extra) {
    if (condition instanceof RuleCondition.Threshold t) {
      return new RuleCondition.Threshold(restrict(t.selector(), extra), t.comparison(),
          t.threshold());
    } else if (condition instanceof RuleCondition.Ratio r) {
      return new RuleCondition.Ratio(restrict(r.numerator(), extra),
          restrict(r.denominator(), extra), r.by(), r.comparison(), r.threshold(),
          r.minDenominator());
    } else if (condition instanceof RuleCondition.Growth g) {
      return new RuleCondition.Growth(g.signal(), join(g.matchers(), extra), g.window(),
          g.comparison(), g.threshold());
    } else if (condition instanceof RuleCondition.Absent a) {
      return new RuleCondition.Absent(a.signal(), join(a.matchers(), extra));
    }
    RuleCondition.Combination c = (RuleCondition.Combination) condition;
    List<RuleCondition> children = new ArrayList<>();
    c.conditions().forEach(child -> children.add(restrict(child, extra)));
    return new RuleCondition.Combination(c.all(), children, c.on());
  }

  private static RuleCondition.Selector restrict(RuleCondition.Selector selector,
      List<LabelMatcher> extra) {
    return new RuleCondition.Selector(selector.signal(), join(selector.matchers(), extra),
        selector.function(), selector.window());
  }

  /**
   * Returns a matcher for the bucket with upper bound {@code bound}. The Prometheus Java client
   * writes a whole-number bound as {@code le="300.0"} and some exporters write {@code le="300"},
   * so a whole-number bound matches both spellings. The agent itself compares bounds as numbers.
   */
  static LabelMatcher leMatcher(double bound) {
    String plain = BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    if (bound != Math.rint(bound)) {
      return LabelMatcher.equal("le", plain);
    }
    return new LabelMatcher("le", LabelMatcher.Operator.REGEX, plain + "|" + plain + "\\.0", null);
  }

  private static RuleCondition withThreshold(RuleCondition condition, double threshold) {
    if (condition instanceof RuleCondition.Threshold t) {
      return new RuleCondition.Threshold(t.selector(), t.comparison(), threshold);
    } else if (condition instanceof RuleCondition.Ratio r) {
      return new RuleCondition.Ratio(r.numerator(), r.denominator(), r.by(), r.comparison(),
          threshold, r.minDenominator());
    } else if (condition instanceof RuleCondition.Growth g) {
      return new RuleCondition.Growth(g.signal(), g.matchers(), g.window(), g.comparison(),
          threshold);
    }
    return condition;
  }

  /** Returns the compared value of a single-comparison condition, without the comparison. */
  private static String value(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return function(t.selector());
    } else if (condition instanceof RuleCondition.Ratio r) {
      return sum(r.by(), function(r.denominator()));
    } else if (condition instanceof RuleCondition.Growth g) {
      return selector(g.signal(), g.matchers());
    }
    return expression(condition);
  }

  private static String unless(List<String> taken) {
    StringBuilder out = new StringBuilder();
    for (String value : taken) {
      out.append(" unless (").append(value).append(')');
    }
    return out.toString();
  }

  private static String wrap(String expression) {
    return "(" + expression + ")";
  }

  private static List<LabelMatcher> join(List<LabelMatcher> a, List<LabelMatcher> b) {
    List<LabelMatcher> joined = new ArrayList<>(a);
    joined.addAll(b);
    return joined;
  }

  private static String function(RuleCondition.Selector selector) {
    String series = selector(selector.signal(), selector.matchers());
    return switch (selector.function()) {
      case VALUE -> series;
      case INCREASE -> "increase(" + series + "[" + Durations.format(selector.window()) + "])";
      case RATE -> "rate(" + series + "[" + Durations.format(selector.window()) + "])";
    };
  }

  private static String sum(List<String> by, String inner) {
    return by.isEmpty() ? "sum(" + inner + ")"
        : "sum by (" + String.join(", ", by) + ") (" + inner + ")";
  }

  static String selector(String signal, List<LabelMatcher> matchers) {
    if (matchers.isEmpty()) {
      return signal;
    }
    List<String> parts = new ArrayList<>();
    for (LabelMatcher matcher : matchers) {
      boolean regex = matcher.operator() == LabelMatcher.Operator.REGEX
          || matcher.operator() == LabelMatcher.Operator.NOT_REGEX;
      // A raw string keeps a regular expression's backslashes as the rule file wrote them.
      String value = regex && !matcher.value().contains("`") ? "`" + matcher.value() + "`"
          : quotePromql(matcher.value());
      parts.add(matcher.name() + matcher.operator().symbol() + value);
    }
    return signal + "{" + String.join(", ", parts) + "}";
  }

  private static String quotePromql(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /** Converts a summary template to Prometheus' Go template syntax. */
  static String template(SummaryTemplate summary, double threshold) {
    Matcher matcher = PLACEHOLDER.matcher(summary.text());
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String[] pipeline = matcher.group(1).trim().split("\\|");
      String head = pipeline[0].trim();
      String format = pipeline.length > 1 ? pipeline[1].trim() : "";
      String value;
      if (head.startsWith("$labels.")) {
        value = "{{ " + head + " }}";
      } else if (head.equals("$threshold")) {
        value = SummaryTemplate.formatNumber(threshold);
      } else if (head.startsWith("signal ")) {
        String name = head.substring("signal ".length()).trim();
        value = "{{ with query " + name + " }}{{ . | first | value" + goFormat(format)
            + " }}{{ end }}";
      } else {
        value = "{{ $value" + goFormat(format) + " }}";
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString().replaceAll("\\s+", " ").trim();
  }

  private static String goFormat(String format) {
    return switch (format) {
      case "duration" -> " | humanizeDuration";
      case "percent" -> " | humanizePercentage";
      case "bytes" -> " | humanize1024";
      case "round" -> " | printf \"%.0f\"";
      default -> "";
    };
  }

  private static void appendMap(StringBuilder out, String key, Map<String, String> values) {
    out.append("        ").append(key).append(":\n");
    values.forEach((name, value) -> out.append("          ").append(name).append(": ")
        .append(quote(value)).append('\n'));
  }

  /** Returns {@code text} as a double-quoted YAML scalar. */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String header(String command) {
    return "# Generated by `" + command + "` from the rule files; do not edit.\n";
  }
}
