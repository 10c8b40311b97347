package io.freightwatch.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects configuration problems so that one run reports all of them. */
final class Problems {

  private final List<ConfigProblem> list = new ArrayList<>();

  void add(String location, String path, String message) {
    list.add(new ConfigProblem(location, path, message));
  }

  void addAll(List<ConfigProblem> problems) {
    list.addAll(problems);
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }

  /** Throws every problem found so far, ordered by file and line. */
  void throwIfAny() throws ConfigException {
    if (!list.isEmpty()) {
      List<ConfigProblem> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparing(Problems::file).thenComparingInt(Problems::line));
      throw new ConfigException(sorted);
    }
  }

  private static String file(ConfigProblem problem) {
    int colon = problem.location().lastIndexOf(':');
    return colon < 0 ? problem.location() : problem.location().substring(0, colon);
  }

  private static int line(ConfigProblem problem) {
    int colon = problem.location().lastIndexOf(':');
    try {
      return colon < 0 ? 0 : Integer.parseInt(problem.location().substring(colon + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
