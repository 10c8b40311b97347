package io.freightwatch.config;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a configuration or rule file, reported together. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    String header =
        problems.size() == 1 ? "1 configuration error:" : problems.size() + " configuration errors:";
    return problems.stream()
        .map(problem -> "  " + problem)
        .collect(Collectors.joining("\n", header + "\n", ""));
  }
}
