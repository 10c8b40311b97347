package io.freightwatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Grafana dashboards shipped in {@code dashboards/}, read for the tests. */
final class Dashboards {

  static final Path DIRECTORY = Path.of("dashboards");

  /** Values the test puts in for Grafana's built-in interval variables. */
  static final Map<String, String> BUILT_INS = Map.of(
      "$__rate_interval", "1m", "$__interval", "15s", "$__range", "5m");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern METRIC = Pattern.compile("\\b(freightwatch_[a-z0-9_]+)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.+),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)$");

  private Dashboards() {}

  /** Reads every {@code *.json} file of the directory, by file name. */
  static Map<String, JsonNode> all() throws IOException {
    Map<String, JsonNode> dashboards = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        dashboards.put(file.getFileName().toString(), JSON.readTree(file.toFile()));
      }
    }
    return dashboards;
  }

  /** Returns the panels that query data, skipping rows. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (!panel.path("type").asText().equals("row")) {
        panels.add(panel);
      }
    }
    return panels;
  }

  /** Returns the template variables of type {@code query}, in dashboard order. */
  static List<Variable> queryVariables(JsonNode dashboard) {
    List<Variable> variables = new ArrayList<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (!variable.path("type").asText().equals("query")) {
        continue;
      }
      String definition = variable.path("definition").asText();
      Matcher matcher = LABEL_VALUES.matcher(definition);
      if (!matcher.matches()) {
        throw new IllegalArgumentException("variable " + variable.path("name").asText()
            + ": expected label_values(selector, label), got " + definition);
      }
      variables.add(new Variable(variable.path("name").asText(), matcher.group(1).trim(),
          matcher.group(2), variable.path("allValue").asText("")));
    }
    return variables;
  }

  /** Returns every freightwatch_ metric named in panel queries and variable definitions. */
  static Set<String> metricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        collect(target.path("expr").asText(), names);
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      collect(variable.path("definition").asText(), names);
    }
    return names;
  }

  /** Replaces {@code $name} and {@code ${name}} of each variable, and the built-ins. */
  static String substitute(String expr, Map<String, String> values) {
    String result = expr;
    for (Map.Entry<String, String> builtIn : BUILT_INS.entrySet()) {
      result = result.replace(builtIn.getKey(), builtIn.getValue());
    }
    for (Map.Entry<String, String> value : values.entrySet()) {
      result = result.replace("${" + value.getKey() + "}", value.getValue())
          .replaceAll("\\$" + Pattern.quote(value.getKey()) + "\\b",
              Matcher.quoteReplacement(value.getValue()));
    }
    return result;
  }

  private static void collect(String text, Set<String> names) {
    Matcher matcher = METRIC.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
  }

  /**
   * A query variable whose values are {@code label_values(selector, label)}.
   *
   * @param allValue the regular expression Grafana puts in for "All"; empty when the variable
   *     has no "All" option
   */
  record Variable(String name, String selector, String label, String allValue) {}
}
