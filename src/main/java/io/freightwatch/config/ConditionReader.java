package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a rule's condition: the original single-signal keys, or a {@code condition} block with
 * one of {@code signal}, {@code ratio}, {@code absent}, {@code growth}, {@code all} and {@code
 * any}. Problems are recorded on the nodes, with the fix.
 */
final class ConditionReader {

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final List<String> FORMS =
      List.of("signal", "ratio", "absent", "growth", "all", "any");

  /** Reads the original form: signal, matchers, function, window, op and threshold. */
  RuleCondition.Threshold readThreshold(YamlNode node) {
    RuleCondition.Selector selector = readSelector(node, true);
    RuleSpec.Comparison comparison = readComparison(node);
    double threshold = readThresholdValue(node);
    return new RuleCondition.Threshold(selector, comparison, threshold);
  }

  /** Reads a {@code condition} block. */
  RuleCondition read(YamlNode node) {
    List<String> present = FORMS.stream().filter(form -> node.get(form).isPresent()).toList();
    if (present.size() != 1) {
      node.problem((present.isEmpty() ? "names no condition" : "names " + present.size()
          + " conditions " + present) + "; use exactly one of " + FORMS
          + ", and all or any to combine several");
      return new RuleCondition.Absent("", List.of());
    }
    return switch (present.get(0)) {
      case "signal" -> {
        node.allowOnly("signal", "matchers", "function", "window", "op", "threshold");
        yield readThreshold(node);
      }
      case "ratio" -> readRatio(node);
      case "absent" -> readAbsent(node);
      case "growth" -> readGrowth(node);
      default -> readCombination(node, present.get(0));
    };
  }

  private RuleCondition.Ratio readRatio(YamlNode node) {
    node.allowOnly("ratio", "op", "threshold");
    YamlNode ratio = node.section("ratio");
    ratio.allowOnly("numerator", "denominator", "by", "min_denominator");
    if (ratio.get("numerator").isEmpty() || ratio.get("denominator").isEmpty()) {
      ratio.problem("a ratio needs a numerator and a denominator, e.g. numerator: {signal:"
          + " freightwatch_edi_messages_failed_total, function: increase, window: 15m}");
    }
    RuleCondition.Selector numerator = readPart(ratio, "numerator");
    RuleCondition.Selector denominator = readPart(ratio, "denominator");
    List<String> by = readLabelList(ratio, "by");
    double minDenominator = ratio.number("min_denominator").orElse(0.0);
    if (minDenominator < 0) {
      ratio.get("min_denominator").ifPresent(n -> n.problem("got " + minDenominator
          + "; expected 0 or more, e.g. 20"));
    }
    return new RuleCondition.Ratio(numerator, denominator, by, readComparison(node),
        readThresholdValue(node), minDenominator);
  }

  /** Reads a ratio's part; a missing part was reported with the ratio, so it is not repeated. */
  private RuleCondition.Selector readPart(YamlNode ratio, String key) {
    if (ratio.get(key).isEmpty()) {
      return new RuleCondition.Selector("", List.of(), RuleSpec.ValueFunction.VALUE,
          Duration.ZERO);
    }
    return readSelector(ratio.section(key), false);
  }

  private RuleCondition.Absent readAbsent(YamlNode node) {
    node.allowOnly("absent");
    YamlNode absent = node.section("absent");
    absent.allowOnly("signal", "matchers");
    String signal = readSignal(absent);
    return new RuleCondition.Absent(signal, ConfigLoader.readMatchers(absent, "matchers"));
  }

  private RuleCondition.Growth readGrowth(YamlNode node) {
    node.allowOnly("growth", "op", "threshold");
    YamlNode growth = node.section("growth");
    growth.allowOnly("signal", "matchers", "window");
    String signal = readSignal(growth);
    Duration window = growth.duration("window", Duration.ZERO);
    if (window.isZero()) {
      growth.problem("growth needs a window to compare with; add e.g. window: 15m");
    }
    return new RuleCondition.Growth(signal, ConfigLoader.readMatchers(growth, "matchers"), window,
        readComparison(node), readThresholdValue(node));
  }

  private RuleCondition.Combination readCombination(YamlNode node, String form) {
    node.allowOnly(form, "on");
    List<RuleCondition> children = new ArrayList<>();
    for (YamlNode child : node.list(form)) {
      children.add(read(child));
    }
    if (children.size() < 2) {
      node.get(form).ifPresent(n -> n.problem("got " + children.size() + " condition(s); "
          + form + " combines two or more; write a single condition without " + form));
    }
    List<String> on = readLabelList(node, "on");
    if (on.isEmpty()) {
      node.problem(form + " needs the labels its conditions are matched on; add e.g."
          + " on: [tenant]");
    }
    return new RuleCondition.Combination(form.equals("all"), children, on);
  }

  private RuleCondition.Selector readSelector(YamlNode node, boolean legacy) {
    if (!legacy) {
      node.allowOnly("signal", "matchers", "function", "window");
    }
    String signal = readSignal(node);
    List<LabelMatcher> matchers = ConfigLoader.readMatchers(node, "matchers");
    RuleSpec.ValueFunction function = RuleFileReader.readEnum(node, "function",
        RuleSpec.ValueFunction.values(), RuleSpec.ValueFunction.VALUE,
        RuleSpec.ValueFunction::yamlName);
    Duration window = node.duration("window", Duration.ZERO);
    if (function != RuleSpec.ValueFunction.VALUE && window.isZero()) {
      node.problem("function " + function.yamlName() + " needs a window; add e.g. window: 5m");
    } else if (function == RuleSpec.ValueFunction.VALUE && !window.isZero()) {
      node.get("window").ifPresent(n -> n.problem("got " + Durations.format(window) + ", but a"
          + " window has no effect on the latest value; remove it or set function: increase or"
          + " rate"));
    }
    return new RuleCondition.Selector(signal, matchers, function, window);
  }

  private static String readSignal(YamlNode node) {
    String signal = node.requiredString("signal", "freightwatch_odoo_queue_jobs");
    if (!signal.isEmpty() && !METRIC_NAME.matcher(signal).matches()) {
      node.get("signal").ifPresent(n -> n.problem("got \"" + signal
          + "\"; expected a metric name such as freightwatch_odoo_queue_jobs"));
    } else if (!signal.isEmpty() && !SignalCatalogue.get().isKnown(signal)) {
      node.get("signal").ifPresent(n -> n.problem(RuleFileReader.unknownSignal(signal)));
    }
    return signal;
  }

  private static RuleSpec.Comparison readComparison(YamlNode node) {
    return RuleFileReader.readEnum(node, "op", RuleSpec.Comparison.values(),
        RuleSpec.Comparison.GREATER, RuleSpec.Comparison::symbol);
  }

  private static double readThresholdValue(YamlNode node) {
    double threshold = node.number("threshold").orElse(Double.NaN);
    if (node.get("threshold").isEmpty()) {
      node.problem("missing threshold; add e.g. threshold: 50");
    }
    return threshold;
  }

  static List<String> readLabelList(YamlNode node, String key) {
    List<String> labels = new ArrayList<>();
    for (YamlNode item : node.list(key)) {
      item.asString().ifPresent(label -> {
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
          item.problem("got \"" + label + "\"; expected a label name such as tenant");
        } else {
          labels.add(label);
        }
      });
    }
    return labels;
  }
}
