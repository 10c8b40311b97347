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
 * Reads native rule files: YAML files with a top-level {@code rules} list and an optional {@code
 * slos} list. Every problem is reported with file:line, key path and value.
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
    return readRuleSet(directory, problems).rules();
  }

  /**
   * Reads every rule file in {@code directory}, naming files in messages by their path relative
   * to {@code base} (the configuration file's directory).
   */
  List<RuleSpec> readDirectory(Path directory, Path base, Problems problems) {
    return readRuleSet(directory, base, problems).rules();
  }

  /** Reads a directory and throws when any file has a problem. */
  public List<RuleSpec> readDirectory(Path directory) throws ConfigException {
    Problems problems = new Problems();
    List<RuleSpec> specs = readDirectory(directory, problems);
    problems.throwIfAny();
    return specs;
  }

  /**
   * Reads every rule and SLO of the directory's files, as {@link #readDirectory(Path, Problems)}
   * does for rules; names must be unique among rules and among SLOs.
   */
  RuleSet readRuleSet(Path directory, Problems problems) {
    return readRuleSet(directory, directory.getParent() == null ? directory
        : directory.getParent(), problems);
  }

  /** As {@link #readRuleSet(Path, Problems)}, naming files relative to {@code base}. */
  RuleSet readRuleSet(Path directory, Path base, Problems problems) {
    List<Path> files = listFiles(directory, problems);
    List<RuleSpec> specs = new ArrayList<>();
    List<SloSpec> slos = new ArrayList<>();
    Map<String, String> seenRules = new HashMap<>();
    Map<String, String> seenSlos = new HashMap<>();
    for (Path file : files) {
      // A file emptied or commented out holds no rules; it must not block every reload.
      YamlNode root = YamlNode.parse(file, displayName(file, base), problems, true);
      specs.addAll(readRules(root, problems, seenRules));
      for (SloSpec slo : new SloReader().read(root, problems)) {
        if (isUnique(slo.name(), slo.location(), "slos.name", "SLO", seenSlos, problems)) {
          slos.add(slo);
        }
      }
    }
    return new RuleSet(specs, slos);
  }

  /**
   * Reads a directory's rules and SLOs and throws when any file has a problem.
   *
   * @throws ConfigException listing every problem of every file
   */
  public RuleSet readRuleSet(Path directory) throws ConfigException {
    Problems problems = new Problems();
    RuleSet set = readRuleSet(directory, problems);
    problems.throwIfAny();
    return set;
  }

  List<RuleSpec> readFile(Path file, Problems problems) {
    return readRules(YamlNode.parse(file, problems), problems, new HashMap<>());
  }

  /**
   * Reads the rules of one file. Names already in {@code seen} (name to location) are
   * duplicates, also when the rule has other problems, so that one run reports both.
   */
  private List<RuleSpec> readRules(YamlNode root, Problems problems, Map<String, String> seen) {
    root.allowOnly("rules", "slos");
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

  private static List<Path> listFiles(Path directory, Problems problems) {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      problems.add(directory.toString(), "", "cannot list the rule directory: " + e.getMessage());
      return List.of();
    }
  }

  private static boolean isUnique(String name, String location, String path, String kind,
      Map<String, String> seen, Problems problems) {
    String previous = seen.putIfAbsent(name, location);
    if (previous == null) {
      return true;
    }
    problems.add(location, path, "got \"" + name + "\"; a " + kind + " of this name is already"
        + " defined at " + previous + "; " + kind + " names must be unique");
    return false;
  }

  private RuleSpec readRule(YamlNode item) {
    item.allowOnly("name", "signal", "matchers", "function", "window", "op", "threshold", "for",
        "keep_firing_for", "condition", "overrides", "labels", "impact");
    String name = item.requiredString("name", "carrier_label_backlog");
    if (!name.isEmpty() && !RULE_NAME.matcher(name).matches()) {
      item.get("name").ifPresent(n -> n.problem("got \"" + name
          + "\"; use letters, digits and underscores, starting with a letter"));
    }
    RuleCondition condition;
    if (item.get("condition").isPresent()) {
      for (String legacy : List.of("signal", "matchers", "function", "window", "op", "threshold")) {
        item.get(legacy).ifPresent(n -> n.problem("a rule with a condition block takes " + legacy
            + " inside the condition; move it there or remove the condition block"));
      }
      condition = new ConditionReader().read(item.section("condition"));
    } else {
      condition = new ConditionReader().readThreshold(item);
    }
    RuleCondition.Selector first = firstSelector(condition);
    double threshold = firstThreshold(condition);
    RuleSpec.Comparison comparison = firstComparison(condition);

    Duration forDuration = item.duration("for", Duration.ZERO);
    Duration keepFiringFor = item.duration("keep_firing_for", Duration.ZERO);
    Map<String, String> labels = item.stringMap("labels");
    labels.keySet().stream()
        .filter(label -> !LABEL_NAME.matcher(label).matches() || label.startsWith("__"))
        .forEach(label -> item.section("labels").problem("label name \"" + label
            + "\" is invalid; use letters, digits and underscores"));
    RuleSpec.Impact impact = readImpact(item.section("impact"), item);
    List<RuleSpec.Override> overrides = readOverrides(item, condition);
    return new RuleSpec(name, item.location(), first.signal(), first.matchers(), first.function(),
        first.window(), comparison, threshold, forDuration, labels, impact, condition,
        keepFiringFor, overrides);
  }

  private List<RuleSpec.Override> readOverrides(YamlNode item, RuleCondition condition) {
    List<RuleSpec.Override> overrides = new ArrayList<>();
    for (YamlNode node : item.list("overrides")) {
      node.allowOnly("match", "threshold", "for", "severity", "disabled");
      List<LabelMatcher> matchers = ConfigLoader.readMatchers(node, "match");
      if (matchers.isEmpty()) {
        node.problem("missing match; say which series the override is for, e.g."
            + " match: {tenant: acme}");
      }
      double threshold = node.number("threshold").orElse(Double.NaN);
      boolean singleThreshold = condition instanceof RuleCondition.Threshold
          || condition instanceof RuleCondition.Ratio || condition instanceof RuleCondition.Growth;
      if (!Double.isNaN(threshold) && !singleThreshold) {
        node.get("threshold").ifPresent(n -> n.problem("got " + threshold + "; only a rule with"
            + " a single comparison takes a threshold override; write a separate rule instead"));
      }
      Optional<Duration> forDuration = node.get("for").isPresent()
          ? Optional.of(node.duration("for", Duration.ZERO)) : Optional.empty();
      Optional<RuleSpec.Severity> severity = node.get("severity").isPresent()
          ? Optional.of(readEnum(node, "severity", RuleSpec.Severity.values(),
              RuleSpec.Severity.WARNING, RuleSpec.Severity::yamlName))
          : Optional.empty();
      boolean disabled = node.bool("disabled", false);
      overrides.add(new RuleSpec.Override(matchers, threshold, forDuration, severity, disabled));
    }
    return overrides;
  }

  private static RuleCondition.Selector firstSelector(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return t.selector();
    } else if (condition instanceof RuleCondition.Ratio r) {
      return r.numerator();
    } else if (condition instanceof RuleCondition.Absent a) {
      return new RuleCondition.Selector(a.signal(), a.matchers(), RuleSpec.ValueFunction.VALUE,
          Duration.ZERO);
    } else if (condition instanceof RuleCondition.Growth g) {
      return new RuleCondition.Selector(g.signal(), g.matchers(), RuleSpec.ValueFunction.VALUE,
          g.window());
    }
    RuleCondition.Combination c = (RuleCondition.Combination) condition;
    return c.conditions().isEmpty()
        ? new RuleCondition.Selector("", List.of(), RuleSpec.ValueFunction.VALUE, Duration.ZERO)
        : firstSelector(c.conditions().get(0));
  }

  private static double firstThreshold(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return t.threshold();
    } else if (condition instanceof RuleCondition.Ratio r) {
      return r.threshold();
    } else if (condition instanceof RuleCondition.Growth g) {
      return g.threshold();
    }
    return Double.NaN;
  }

  private static RuleSpec.Comparison firstComparison(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return t.comparison();
    } else if (condition instanceof RuleCondition.Ratio r) {
      return r.comparison();
    } else if (condition instanceof RuleCondition.Growth g) {
      return g.comparison();
    }
    return RuleSpec.Comparison.GREATER;
  }

  static RuleSpec.Impact readImpact(YamlNode node, YamlNode rule) {
    if (rule.get("impact").isEmpty()) {
      rule.problem("missing impact; every rule states its domain, summary, severity, owner and"
          + " runbook");
    }
    node.allowOnly("domain", "process", "summary", "severity", "owner", "runbook", "dashboard",
        "customer_facing", "component");
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
    Optional<RuleSpec.Component> component = node.get("component").isPresent()
        ? Optional.of(readEnum(node, "component", RuleSpec.Component.values(),
            RuleSpec.Component.POSTGRES, RuleSpec.Component::yamlName))
        : Optional.empty();
    return new RuleSpec.Impact(domain, process, summary, severity, owner, runbook, dashboard,
        customerFacing, component);
  }

  /** Explains that {@code signal} is not in the signal catalogue, with the closest name. */
  static String unknownSignal(String signal) {
    return "got \"" + signal + "\"; the agent produces no signal of this name, so the rule could"
        + " never fire" + SignalCatalogue.get().closest(signal)
            .map(c -> "; did you mean " + c + "?").orElse("; see the metrics catalogue");
  }

  private static void requireKey(YamlNode node, String key, String example) {
    if (node.get(key).isEmpty()) {
      node.problem("missing " + key + "; add e.g. " + key + ": " + example);
    }
  }

  static <E extends Enum<E>> E readEnum(YamlNode node, String key, E[] values, E fallback,
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
