package io.freightwatch.cli;

import io.freightwatch.collect.TargetHealth;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.rules.Alert;
import io.freightwatch.store.Series;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints the report of {@code freightwatch once} as three plain-text tables. */
final class OnceTables {

  private static final int MAX_CELL = 100;

  private OnceTables() {}

  static void print(PrintWriter out, OnceRun.Report report, String signalPrefix) {
    List<List<String>> targets = new ArrayList<>();
    targets.add(List.of("SOURCE", "TARGET", "HEALTH", "DURATION", "ERROR"));
    for (TargetHealth target : report.targets()) {
      targets.add(List.of(target.target().source(), target.target().name(),
          !target.scraped() ? "unknown" : target.up() ? "up" : "down",
          Double.isNaN(target.lastDurationSeconds()) ? "-"
              : SummaryTemplate.formatDuration(target.lastDurationSeconds()),
          target.lastError()));
    }
    out.println("Targets");
    table(out, targets);

    List<List<String>> signals = new ArrayList<>();
    signals.add(List.of("SIGNAL", "LABELS", "VALUE"));
    for (Series series : report.series()) {
      if (series.name().startsWith(signalPrefix)) {
        signals.add(List.of(series.name(), labels(series.labels().asMap()),
            SummaryTemplate.formatNumber(series.latestValue())));
      }
    }
    out.println();
    out.println("Signals");
    table(out, signals);

    List<List<String>> alerts = new ArrayList<>();
    alerts.add(List.of("ALERT", "STATE", "SEVERITY", "LABELS", "VALUE", "SUMMARY"));
    report.alerts().stream()
        .sorted(Comparator.comparing(Alert::rule).thenComparing(a -> a.labels().toString()))
        .forEach(alert -> alerts.add(List.of(alert.rule(), alert.state().apiName(),
            alert.severity(), labels(identity(alert)),
            SummaryTemplate.formatNumber(alert.value()), alert.summary())));
    out.println();
    out.println("Alerts");
    if (alerts.size() == 1) {
      out.println("  no rule's condition is met");
    } else {
      table(out, alerts);
    }
  }

  /** Returns the alert's labels without those every alert of the rule shares. */
  private static Map<String, String> identity(Alert alert) {
    return alert.labels().asMap().entrySet().stream()
        .filter(e -> !List.of("alertname", "severity", "domain", "owner", "customer_facing")
            .contains(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
            java.util.TreeMap::new));
  }

  private static String labels(Map<String, String> labels) {
    return labels.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /** Prints rows with columns padded to their widest cell; the last column is not padded. */
  private static void table(PrintWriter out, List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], cell(row.get(i)).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < columns; i++) {
        String text = cell(row.get(i));
        line.append(text);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - text.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** Returns the text on one line, cut to a width a terminal shows. */
  private static String cell(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_CELL ? oneLine : oneLine.substring(0, MAX_CELL - 1) + "…";
  }
}
