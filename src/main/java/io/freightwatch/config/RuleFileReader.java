package io.freightwatch.config;

import io.freightwatch.store.LabelMatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads native rule files: YAML files with a top-level {@code rules} list. Every problem is
 * reported with file:line, key path and value.
 */
public final class RuleFileReader {

  private static final Pattern RULE_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /**
   * Reads every {@code *.yaml} and {@code *.yml} file directly in {@code directory}, in name
   * order; subdirectories are ignored. Rule names must be unique across the files.
   */
  List<RuleSpec> readDirectory(Path directory, Problems problems) {
    return readDirectory(directory, directory.getParent() == null ? directory
        : directory.getParent(), problems);
  }

  /**
   * Reads every rule file in {@code directory}, naming files in messages by their path relative
   * to {@code base} (the configuration file's directory).
   */
  List<RuleSpec> readDirectory(Path directory, Path base, Problems problems) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files = listing
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      problems.add(directory.toString(), "", "cannot list the rule directory: " + e.getMessage());
      return List.of();
    }
    List<RuleSpec> specs = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Path file : files) {
      String display = displayName(file, base);
      for (RuleSpec spec : readFile(file, display, problems, seen)) {
        specs.add(spec);
      }
    }
    return specs;
  }

  /** Reads a directory and throws when any file has a problem. */
  public List<RuleSpec> readDirectory(Path directory) throws ConfigException {
    Problems problems = new Problems();
    List<RuleSpec> specs = readDirectory(directory, problems);
    problems.throwIfAny();
    return specs;
  }

  /**
   * Reads one file. Names already in {@code seen} (name to location) are duplicates, also when
   * the rule has other problems, so that one run reports both.
   */
  List<RuleSpec> readFile(Path file, String display, Problems problems,
      Map<String, String> seen) {
    YamlNode root = YamlNode.parse(file, display, problems);
    root.allowOnly("rules");
    List<RuleSpec> specs = new ArrayList<>();
    for (YamlNode item : root.list("rules")) {
      int before = problems.size();
      RuleSpec spec = readRule(item);
      String previous = spec.name().isEmpty() ? null
          : seen.putIfAbsent(spec.name(), spec.location());
      if (previous != null) {
        item.get("name").ifPresent(n -> n.problem("got \"" + spec.name()
            + "\"; a rule of this name is already defined at " + previous
            + "; rule names must be unique"));
      }
      if (problems.size() == before) {
        specs.add(spec);
      }
    }
    return specs;
  }

  private static String displayName(Path file, Path base) {
    try {
      return base.relativize(file).toString();
    } catch (IllegalArgumentException differentRoots) {
      return file.toString();
    }
  }

  private RuleSpec readRule(YamlNode item) {
    item.allowOnly("name", "signal", "matchers", "function", "window", "op", "threshold", "for",
        "labels", "impact");
    String name = item.requiredString("name", "carrier_label_backlog");
    if (!name.isEmpty() && !RULE_NAME.matcher(name).matches()) {
      item.get("name").ifPresent(n -> n.problem("got \"" + name
          + "\"; use letters, digits and underscores, starting with a letter"));
    }
    String signal = item.requiredString("signal", "freightwatch_odoo_queue_jobs");
    if (!signal.isEmpty() && !METRIC_NAME.matcher(signal).matches()) {
      item.get("signal").ifPresent(n -> n.problem("got \"" + signal
          + "\"; expected a metric name such as freightwatch_odoo_queue_jobs"));
    } else if (!signal.isEmpty() && !SignalCatalogue.get().isKnown(signal)) {
      item.get("signal").ifPresent(n -> n.problem(unknownSignal(signal)));
    }

    List<LabelMatcher> matchers = ConfigLoader.readMatchers(item, "matchers");
    RuleSpec.ValueFunction function = readEnum(item, "function", RuleSpec.ValueFunction.values(),
        RuleSpec.ValueFunction.VALUE, RuleSpec.ValueFunction::yamlName);
    Duration window = item.duration("window", Duration.ZERO);
    if (function != RuleSpec.ValueFunction.VALUE && window.isZero()) {
      item.problem("function " + function.yamlName() + " needs a window; add e.g. window: 5m");
    }
    RuleSpec.Comparison comparison = readEnum(item, "op", RuleSpec.Comparison.values(),
        RuleSpec.Comparison.GREATER, RuleSpec.Comparison::symbol);
    double threshold = item.number("threshold").orElse(Double.NaN);
    if (item.get("threshold").isEmpty()) {
      item.problem("missing threshold; add e.g. threshold: 50");
    }

    Duration forDuration = item.duration("for", Duration.ZERO);
    Map<String, String> labels = item.stringMap("labels");
    labels.keySet().stream()
        .filter(label -> !LABEL_NAME.matcher(label).matches() || label.startsWith("__"))
        .forEach(label -> item.section("labels").problem("label name \"" + label
            + "\" is invalid; use letters, digits and underscores"));
    RuleSpec.Impact impact = readImpact(item.section("impact"), item);
    return new RuleSpec(name, item.location(), signal, matchers, function, window, comparison,
        threshold, forDuration, labels, impact);
  }

  private RuleSpec.Impact readImpact(YamlNode node, YamlNode rule) {
    if (rule.get("impact").isEmpty()) {
      rule.problem("missing impact; every rule states its domain, summary, severity, owner and"
          + " runbook");
    }
    node.allowOnly("domain", "process", "summary", "severity", "owner", "runbook", "dashboard",
        "customer_facing");
    RuleSpec.Domain domain = readEnum(node, "domain", RuleSpec.Domain.values(),
        RuleSpec.Domain.PLATFORM, RuleSpec.Domain::yamlName);
    requireKey(node, "domain", "transport");
    String process = node.string("process").orElse("");
    String summaryText = node.requiredString("summary",
        "\"Carrier labels for {{ $labels.tenant }} are {{ $value }} jobs behind\"");
    SummaryTemplate summary = SummaryTemplate.parse("");
    try {
      summary = SummaryTemplate.parse(summaryText);
      for (String signal : summary.signals()) {
        if (!SignalCatalogue.get().isKnown(signal)) {
          node.get("summary").ifPresent(n -> n.problem("{{ signal \"" + signal + "\" }}: "
              + unknownSignal(signal)));
        }
      }
    } catch (IllegalArgumentException e) {
      node.get("summary").ifPresent(n -> n.problem(e.getMessage()));
    }
    RuleSpec.Severity severity = readEnum(node, "severity", RuleSpec.Severity.values(),
        RuleSpec.Severity.WARNING, RuleSpec.Severity::yamlName);
    requireKey(node, "severity", "critical");
    String owner = node.requiredString("owner", "logistics-platform");
    String runbook = node.requiredString("runbook", "runbooks/carrier-label-backlog.md");
    String dashboard = node.string("dashboard").orElse("");
    boolean customerFacing = node.bool("customer_facing", false);
    return new RuleSpec.Impact(domain, process, summary, severity, owner, runbook, dashboard,
        customerFacing);
  }

  private static String unknownSignal(String signal) {
    return "got \"" + signal + "\"; the agent produces no signal of this name, so the rule could"
        + " never fire" + SignalCatalogue.get().closest(signal)
            .map(c -> "; did you mean " + c + "?").orElse("; see the metrics catalogue");
  }

  private static void requireKey(YamlNode node, String key, String example) {
    if (node.get(key).isEmpty()) {
      node.problem("missing " + key + "; add e.g. " + key + ": " + example);
    }
  }

  private static <E extends Enum<E>> E readEnum(YamlNode node, String key, E[] values, E fallback,
      java.util.function.Function<E, String> yamlName) {
    Optional<String> text = node.string(key);
    if (text.isEmpty()) {
      return fallback;
    }
    for (E value : values) {
      if (yamlName.apply(value).equals(text.get().trim().toLowerCase(Locale.ROOT))) {
        return value;
      }
    }
    node.get(key).ifPresent(n -> n.problem("got \"" + text.get() + "\"; expected one of "
        + Arrays.stream(values).map(yamlName).toList()));
    return fallback;
  }
}
