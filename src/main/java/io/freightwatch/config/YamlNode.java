package io.freightwatch.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node together with its key path and file position, with typed accessors that record a
 * {@link ConfigProblem} (key path, file:line, value, expected form) instead of throwing, so that a
 * whole file is checked in one pass. Accessors return a default after recording a problem.
 */
final class YamlNode {

  private final Node node;
  private final String path;
  private final String file;
  private final Problems problems;
  private final YamlNode parent;

  private YamlNode(Node node, String path, String file, Problems problems) {
    this(node, path, file, problems, null);
  }

  /** A node; {@code parent} gives the position of an absent node, which has none of its own. */
  private YamlNode(Node node, String path, String file, Problems problems, YamlNode parent) {
    this.node = node;
    this.path = path;
    this.file = file;
    this.problems = problems;
    this.parent = parent;
  }

  /**
   * Parses {@code file} into a node tree. A syntax error is recorded with its line and an empty
   * mapping is returned.
   */
  static YamlNode parse(Path file, Problems problems) {
    return parse(file, file.getFileName() == null ? file.toString()
        : file.getFileName().toString(), problems);
  }

  /** Parses {@code file}, naming it {@code name} in messages; an empty file is a problem. */
  static YamlNode parse(Path file, String name, Problems problems) {
    return parse(file, name, problems, false);
  }

  /**
   * Parses {@code file}, naming it {@code name} in messages. A file that is empty or holds only
   * comments gives an empty mapping, and is recorded as a problem unless {@code emptyAllowed}.
   */
  static YamlNode parse(Path file, String name, Problems problems, boolean emptyAllowed) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(20);
      Node root = new Yaml(options).compose(reader);
      if (root == null) {
        if (!emptyAllowed) {
          problems.add(name, "", "the file is empty; expected a YAML mapping");
        }
        return empty(name, problems);
      }
      YamlNode tree = new YamlNode(root, "", name, problems);
      tree.checkDuplicateKeys();
      return tree;
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String where = mark == null ? name : name + ":" + (mark.getLine() + 1);
      problems.add(where, "", "invalid YAML: " + e.getProblem() + "; fix the syntax at that line");
      return empty(name, problems);
    } catch (YAMLException e) {
      problems.add(name, "", "invalid YAML: " + e.getMessage());
      return empty(name, problems);
    } catch (IOException e) {
      problems.add(name, "", "cannot read the file: " + e.getMessage());
      return empty(name, problems);
    }
  }

  private static YamlNode empty(String file, Problems problems) {
    return new YamlNode(null, "", file, problems);
  }

  String path() {
    return path;
  }

  /** File and line of this node, for example {@code rules.yaml:12}. */
  String location() {
    if (node == null) {
      return parent == null ? file : parent.location();
    }
    return file + ":" + (node.getStartMark().getLine() + 1);
  }

  void problem(String message) {
    problems.add(location(), path, message);
  }

  boolean isMapping() {
    return node instanceof MappingNode;
  }

  boolean isNull() {
    return node == null
        || (node instanceof ScalarNode scalar
            && scalar.getTag().getValue().endsWith(":null"));
  }

  /** Returns the keys of this mapping, in file order; records a problem if it is no mapping. */
  Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          keys.add(key.getValue());
        }
      }
    }
    return keys;
  }

  /** Returns the child under {@code key}, if this is a mapping that has it. */
  Optional<YamlNode> get(String key) {
    if (!(node instanceof MappingNode mapping)) {
      return Optional.empty();
    }
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
        YamlNode child = new YamlNode(tuple.getValueNode(), join(key), file, problems);
        return child.isNull() ? Optional.empty() : Optional.of(child);
      }
    }
    return Optional.empty();
  }

  /** Records a problem for every key not in {@code allowed}, suggesting the closest allowed key. */
  void allowOnly(String... allowed) {
    if (node == null) {
      return;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem("got " + describe() + "; expected a mapping of keys to values");
      return;
    }
    Set<String> known = Set.of(allowed);
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key && !known.contains(key.getValue())) {
        YamlNode child = new YamlNode(tuple.getKeyNode(), join(key.getValue()), file, problems);
        String hint = closest(key.getValue(), allowed).map(k -> "; did you mean '" + k + "'?")
            .orElse("");
        child.problem("unknown key; allowed keys here: " + String.join(", ", allowed) + hint);
      }
    }
  }

  /** Returns the child mapping under {@code key}, or an absent node that reads as empty. */
  YamlNode section(String key) {
    return get(key).orElseGet(() -> new YamlNode(null, join(key), file, problems, this));
  }

  List<YamlNode> list(String key) {
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return List.of();
    }
    return child.get().items();
  }

  /** Returns the items of this sequence; records a problem if it is no sequence. */
  List<YamlNode> items() {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof SequenceNode sequence)) {
      problem("got " + describe() + "; expected a list (YAML sequence)");
      return List.of();
    }
    List<YamlNode> items = new ArrayList<>();
    List<Node> values = sequence.getValue();
    for (int i = 0; i < values.size(); i++) {
      items.add(new YamlNode(values.get(i), path + "[" + i + "]", file, problems));
    }
    return items;
  }

  Optional<String> string(String key) {
    return get(key).flatMap(YamlNode::asString);
  }

  /** Returns this node's scalar text; records a problem for a mapping or a sequence. */
  Optional<String> asString() {
    if (node instanceof ScalarNode scalar) {
      return Optional.of(scalar.getValue());
    }
    if (node != null) {
      problem("got " + describe() + "; expected a single value");
    }
    return Optional.empty();
  }

  String requiredString(String key, String example) {
    Optional<String> value = string(key);
    if (value.isEmpty() || value.get().isBlank()) {
      if (get(key).isEmpty()) {
        problems.add(location(), join(key), "missing; set it, e.g. " + key + ": " + example);
      } else {
        problems.add(location(), join(key), "is empty; set it, e.g. " + key + ": " + example);
      }
      return "";
    }
    return value.get();
  }

  Duration duration(String key, Duration fallback) {
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return fallback;
    }
    Optional<String> text = child.get().asString();
    if (text.isEmpty()) {
      return fallback;
    }
    Optional<Duration> parsed = Durations.parse(text.get());
    if (parsed.isEmpty()) {
      child.get().problem("got \"" + text.get() + "\"; expected a duration such as 30s, 5m or 1h30m");
      return fallback;
    }
    return parsed.get();
  }

  /** Like {@link #duration} but also requires the value to be strictly positive. */
  Duration positiveDuration(String key, Duration fallback) {
    Duration value = duration(key, fallback);
    if (value.isZero() || value.isNegative()) {
      get(key).ifPresent(child -> child.problem("got 0s; expected a duration above zero, e.g. 15s"));
      return fallback;
    }
    return value;
  }

  /**
   * Reads a duration that must lie between {@code min} and {@code max}, such as a scrape interval:
   * a value outside them is recorded as a problem naming the bounds, and {@code fallback} is used.
   */
  Duration boundedDuration(String key, Duration fallback, Duration min, Duration max) {
    Duration value = positiveDuration(key, fallback);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      get(key).ifPresent(child -> child.problem("got " + Durations.format(value)
          + "; expected a duration from " + Durations.format(min) + " to "
          + Durations.format(max)));
      return fallback;
    }
    return value;
  }

  int integer(String key, int fallback, int min, int max) {
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return fallback;
    }
    String text = child.get().asString().orElse("");
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        child.get().problem("got " + value + "; expected a whole number from " + min + " to " + max);
        return fallback;
      }
      return value;
    } catch (NumberFormatException e) {
      child.get().problem("got \"" + text + "\"; expected a whole number from " + min + " to " + max);
      return fallback;
    }
  }

  Optional<Double> number(String key) {
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return Optional.empty();
    }
    String text = child.get().asString().orElse("");
    try {
      double value = Double.parseDouble(text.trim());
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        child.get().problem("got " + text.trim() + "; expected a finite number such as 0.05 or"
            + " 300");
        return Optional.empty();
      }
      return Optional.of(value);
    } catch (NumberFormatException e) {
      child.get().problem("got \"" + text + "\"; expected a number such as 0.05 or 300");
      return Optional.empty();
    }
  }

  boolean bool(String key, boolean fallback) {
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return fallback;
    }
    String text = child.get().asString().orElse("");
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> {
        child.get().problem("got \"" + text + "\"; expected true or false");
        yield fallback;
      }
    };
  }

  Optional<Pattern> pattern(String key) {
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return Optional.empty();
    }
    String text = child.get().asString().orElse("");
    try {
      return Optional.of(Pattern.compile(text));
    } catch (PatternSyntaxException e) {
      child.get().problem("got \"" + text + "\"; not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex());
      return Optional.empty();
    }
  }

  /** Returns a mapping of string keys to string values, recording a problem for nested values. */
  Map<String, String> stringMap(String key) {
    Map<String, String> map = new LinkedHashMap<>();
    Optional<YamlNode> child = get(key);
    if (child.isEmpty()) {
      return map;
    }
    if (!child.get().isMapping()) {
      child.get().problem("got " + child.get().describe() + "; expected a mapping of names to values");
      return map;
    }
    for (String name : child.get().keys()) {
      child.get().string(name).ifPresent(value -> map.put(name, value));
    }
    return map;
  }

  /** Describes this node's kind and value for error messages. */
  String describe() {
    if (node instanceof ScalarNode scalar) {
      return "\"" + scalar.getValue() + "\"";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    return "nothing";
  }

  private String join(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private void checkDuplicateKeys() {
    // SnakeYAML's duplicate-key check runs only when constructing Java objects, not when
    // composing nodes, so it is repeated here.
    walk(node, path);
  }

  private void walk(Node current, String currentPath) {
    if (current instanceof MappingNode mapping) {
      Set<String> seen = new LinkedHashSet<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          String childPath = currentPath.isEmpty() ? key.getValue() : currentPath + "." + key.getValue();
          if (!seen.add(key.getValue())) {
            problems.add(file + ":" + (key.getStartMark().getLine() + 1), childPath,
                "duplicate key; keep only one");
          }
          walk(tuple.getValueNode(), childPath);
        }
      }
    } else if (current instanceof SequenceNode sequence) {
      List<Node> values = sequence.getValue();
      for (int i = 0; i < values.size(); i++) {
        walk(values.get(i), currentPath + "[" + i + "]");
      }
    }
  }

  private static Optional<String> closest(String key, String[] allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int distance = editDistance(key, candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
