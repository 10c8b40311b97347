package io.freightwatch.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sample values out of Prometheus text format, for assertions on the stand-in's output. */
final class MetricsText {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private MetricsText() {}

  /**
   * Returns the sum of the samples called {@code name} whose labels include all of {@code labels};
   * 0 when there is none.
   */
  static double sum(String text, String name, Map<String, String> labels) {
    double total = 0;
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches() || !sample.group(1).equals(name)) {
        continue;
      }
      Map<String, String> found = labels(sample.group(3) == null ? "" : sample.group(3));
      if (found.entrySet().containsAll(labels.entrySet())) {
        total += Double.parseDouble(sample.group(4));
      }
    }
    return total;
  }

  /** Returns the sum over samples whose {@code code} label starts with 5. */
  static double sumServerErrors(String text, String name, String service) {
    double total = 0;
    for (String code : new String[] {"500", "502", "503", "504"}) {
      total += sum(text, name, Map.of("service", service, "code", code));
    }
    return total;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new HashMap<>();
    Matcher label = LABEL.matcher(text);
    while (label.find()) {
      labels.put(label.group(1), label.group(2));
    }
    return labels;
  }
}
