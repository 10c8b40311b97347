package io.freightwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.config.DependencyMap;
import io.freightwatch.config.OperationalCalendar;
import io.freightwatch.config.RuleCondition;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.config.SloSpec;
import io.freightwatch.config.SummaryTemplate;
import io.freightwatch.slo.SloEngine;
import io.freightwatch.slo.SloFixtures;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import io.freightwatch.store.SeriesStore;
import io.freightwatch.testing.Promtool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds three hours of input series, one sample a minute, to the agent's engines and to {@code
 * promtool test rules} with the exported rules, and requires both to fire the same alerts, with
 * the same labels, at every one-minute evaluation step.
 *
 * <p>Counters start from large values, as real long-running processes do: Prometheus does not
 * extrapolate a counter's increase to before the time it would have been 0, and a counter that
 * starts at 0 would make that clamp differ between a ratio's numerator and denominator. Absence
 * rules are left out: Prometheus keeps a vanished series for its 5-minute lookback, while the
 * agent learns from the scrape that it is gone.
 */
class PrometheusAgreementTest {

  private static final int MINUTES = 180;
  private static final String JOBS = "freightwatch_odoo_queue_jobs";
  private static final String FAILURES = "freightwatch_odoo_queue_job_failures_total";
  private static final String CALLS = "freightwatch_integration_requests_total";

  @TempDir Path dir;

  private final Map<String, Input> inputs = new LinkedHashMap<>();

  @Test
  void agentAndPrometheusFireSameAlerts() throws Exception {
    Path promtool = Promtool.require();
    defineInputs();
    List<RuleSpec> rules = rules();
    List<SloSpec> slos = List.of(SloFixtures.availability("edi", 0.999, 100, List.of(
        new SloSpec.BurnTier("page", RuleSpec.Severity.CRITICAL, 14.4, Duration.ofMinutes(60),
            Duration.ofMinutes(5)),
        new SloSpec.BurnTier("ticket", RuleSpec.Severity.WARNING, 3, Duration.ofMinutes(120),
            Duration.ofMinutes(10))), Map.of("service", "edi-gateway")));

    Map<Integer, List<Alert>> firing = runAgent(rules, slos);
    Path testFile = writePromtoolTest(rules, slos, firing);

    Process process = new ProcessBuilder(promtool.toString(), "test", "rules",
        testFile.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();

    assertThat(exit).as("promtool test rules output:%n%s", output).isZero();
    assertThat(firing.values().stream().flatMap(List::stream).map(Alert::rule).distinct())
        .as("rules that fired in the agent")
        .contains("carrier_backlog", "order_failures", "order_failure_rate", "partner_errors",
            "backlog_growth", "channel_saturated", "channel_busy", "slo_error_budget_burn");
  }

  private void defineInputs() {
    for (String tenant : List.of("acme", "globex", "initech")) {
      int slope = 3 + tenant.length() * 7 % 4;
      series(JOBS, Labels.of("tenant", tenant, "channel", "root.carrier", "state", "pending"),
          m -> pendingJobs(m, slope));
      series(JOBS, Labels.of("tenant", tenant, "channel", "root.carrier", "state", "started"),
          m -> m >= 40 && m < 70 && !tenant.equals("globex") ? 4 : 1);
    }
    series(FAILURES, Labels.of("tenant", "acme", "channel", "root.edi"),
        m -> 1_000_000 + failures(m));
    for (String pod : List.of("a", "b")) {
      double scale = pod.equals("a") ? 1 : 0.6;
      series(CALLS, Labels.of("integration", "dhl", "instance", pod, "code", "200"),
          m -> 5_000_000 + scale * 100 * m);
      series(CALLS, Labels.of("integration", "dhl", "instance", pod, "code", "503"),
          m -> 2_000_000 + scale * partnerErrors(m));
    }
    series(SloFixtures.REQUESTS, Labels.of("instance", "traefik-0",
        "service", "edi-gateway@file", "code", "200"), m -> 9_000_000 + 1000.0 * m - bad(m));
    series(SloFixtures.REQUESTS, Labels.of("instance", "traefik-0",
        "service", "edi-gateway@file", "code", "503"), m -> 3_000_000 + bad(m));
  }

  /** Pending carrier jobs: flat, then rising by {@code slope} a minute, then low again. */
  private static double pendingJobs(int minute, int slope) {
    if (minute < 30) {
      return 20;
    }
    if (minute < 90) {
      return 20 + (minute - 30) * slope;
    }
    return 40 + minute % 7;
  }

  /** Failed order imports: a few, a burst between minutes 50 and 65, then a few again. */
  private static double failures(int minute) {
    if (minute < 50) {
      return minute / 10;
    }
    if (minute < 65) {
      return 5 + (minute - 50) * 2;
    }
    return 35 + (minute - 65) / 12;
  }

  /** Failed partner calls per pod: one a minute, 25 a minute from 100 to 115, then one. */
  private static double partnerErrors(int minute) {
    if (minute < 100) {
      return minute;
    }
    if (minute < 115) {
      return 100 + (minute - 100) * 25;
    }
    return 475 + minute - 115;
  }

  /** Cumulative 5xx of the EDI gateway: 0.05 %, a 15-minute outage at 50 %, then 1 %. */
  private static double bad(int minute) {
    double total = 0;
    for (int m = 1; m <= minute; m++) {
      if (m > 60 && m <= 75) {
        total += 500;
      } else if (m > 120) {
        total += 10;
      } else {
        total += 0.5;
      }
    }
    return total;
  }

  private void series(String name, Labels labels, IntToDoubleFunction value) {
    inputs.put(name + labels, new Input(name, labels, value));
  }

  private static List<RuleSpec> rules() {
    RuleCondition.Selector pending = value(JOBS, LabelMatcher.equal("state", "pending"));
    RuleCondition.Selector started = value(JOBS, LabelMatcher.equal("state", "started"));
    List<RuleSpec> rules = new ArrayList<>();
    rules.add(rule("carrier_backlog", new RuleCondition.Threshold(pending,
        RuleSpec.Comparison.GREATER, 120), Duration.ofMinutes(3), Duration.ZERO, List.of(
            new RuleSpec.Override(List.of(LabelMatcher.equal("tenant", "acme")), 200,
                Optional.of(Duration.ofMinutes(1)), Optional.of(RuleSpec.Severity.CRITICAL),
                false),
            new RuleSpec.Override(List.of(LabelMatcher.equal("tenant", "initech")), Double.NaN,
                Optional.empty(), Optional.empty(), true))));
    rules.add(rule("order_failures", new RuleCondition.Threshold(new RuleCondition.Selector(
        FAILURES, List.of(), RuleSpec.ValueFunction.INCREASE, Duration.ofMinutes(10)),
        RuleSpec.Comparison.GREATER, 7), Duration.ZERO, Duration.ZERO, List.of()));
    rules.add(rule("order_failure_rate", new RuleCondition.Threshold(new RuleCondition.Selector(
        FAILURES, List.of(), RuleSpec.ValueFunction.RATE, Duration.ofMinutes(5)),
        RuleSpec.Comparison.GREATER, 0.025), Duration.ofMinutes(2), Duration.ofMinutes(4),
        List.of()));
    rules.add(rule("partner_errors", new RuleCondition.Ratio(
        new RuleCondition.Selector(CALLS, List.of(LabelMatcher.parse("code", "=~5..")),
            RuleSpec.ValueFunction.INCREASE, Duration.ofMinutes(5)),
        new RuleCondition.Selector(CALLS, List.of(), RuleSpec.ValueFunction.INCREASE,
            Duration.ofMinutes(5)),
        List.of("integration"), RuleSpec.Comparison.GREATER, 0.1, 50), Duration.ofMinutes(2),
        Duration.ZERO, List.of()));

    rules.add(rule("backlog_growth", new RuleCondition.Growth(JOBS,
        List.of(LabelMatcher.equal("state", "pending")), Duration.ofMinutes(10),
        RuleSpec.Comparison.GREATER, 45), Duration.ZERO, Duration.ZERO, List.of()));

    RuleCondition busyPending = new RuleCondition.Threshold(pending,
        RuleSpec.Comparison.GREATER, 50);
    RuleCondition fullSlots = new RuleCondition.Threshold(started,
        RuleSpec.Comparison.GREATER_OR_EQUAL, 4);
    rules.add(rule("channel_saturated", new RuleCondition.Combination(true,
        List.of(busyPending, fullSlots), List.of("tenant", "channel")), Duration.ofMinutes(2),
        Duration.ZERO, List.of()));
    rules.add(rule("channel_busy", new RuleCondition.Combination(false,
        List.of(busyPending, fullSlots), List.of("tenant", "channel")), Duration.ZERO,
        Duration.ZERO, List.of()));
    return rules;
  }

  private static RuleCondition.Selector value(String signal, LabelMatcher... matchers) {
    return new RuleCondition.Selector(signal, List.of(matchers), RuleSpec.ValueFunction.VALUE,
        Duration.ZERO);
  }

  private static RuleSpec rule(String name, RuleCondition condition, Duration forDuration,
      Duration keepFiringFor, List<RuleSpec.Override> overrides) {
    return new RuleSpec(name, "test.yaml:1", condition.signals().get(0), List.of(),
        RuleSpec.ValueFunction.VALUE, Duration.ZERO, RuleSpec.Comparison.GREATER,
        ConditionEvaluator.thresholdOf(condition), forDuration, Map.of("team", "ops"),
        new RuleSpec.Impact(RuleSpec.Domain.TRANSPORT, "labels",
            SummaryTemplate.parse("{{ $value }}"), RuleSpec.Severity.WARNING, "transport",
            "runbooks/" + name + ".md", "", true),
        condition, keepFiringFor, overrides);
  }

  /** Runs the agent's engines minute by minute and returns the firing alerts of each step. */
  private Map<Integer, List<Alert>> runAgent(List<RuleSpec> rules, List<SloSpec> slos) {
    SeriesStore store = new SeriesStore(Duration.ofMinutes(30));
    SloEngine sloEngine = new SloEngine(store, OperationalCalendar.EMPTY, Optional.empty());
    sloEngine.install(sloEngine.prepare(slos, Instant.EPOCH));
    RuleEngine engine = new RuleEngine(store, rules, OperationalCalendar.EMPTY,
        DependencyMap.EMPTY, new Silences(List.of()), Optional.of(sloEngine));
    Map<Integer, List<Alert>> firing = new TreeMap<>();
    for (int minute = 0; minute <= MINUTES; minute++) {
      Instant now = Instant.EPOCH.plusSeconds(60L * minute);
      List<Sample> samples = new ArrayList<>();
      for (Input input : inputs.values()) {
        double value = input.value().applyAsDouble(minute);
        samples.add(input.name().endsWith("_total")
            ? Sample.counter(input.name(), "", value, input.labels())
            : Sample.gauge(input.name(), "", value, input.labels()));
      }
      store.applyScrape("target:test", samples, now);
      engine.evaluate(now);
      firing.put(minute, engine.alerts().stream()
          .filter(alert -> alert.state() == AlertState.FIRING)
          .toList());
    }
    return firing;
  }

  private Path writePromtoolTest(List<RuleSpec> rules, List<SloSpec> slos,
      Map<Integer, List<Alert>> firing) throws Exception {
    Path rulesFile = dir.resolve("rules.yaml");
    Path slosFile = dir.resolve("slos.yaml");
    Files.writeString(rulesFile, withoutAnnotations(PrometheusExport.alertingRules(rules)));
    Files.writeString(slosFile, withoutAnnotations(PrometheusExport.sloRules(slos)));
    StringBuilder test = new StringBuilder();
    test.append("rule_files:\n  - ").append(rulesFile).append("\n  - ").append(slosFile)
        .append("\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
    for (Input input : inputs.values()) {
      test.append("      - series: '").append(input.name()).append(input.labels())
          .append("'\n        values: '");
      for (int minute = 0; minute <= MINUTES; minute++) {
        test.append(minute == 0 ? "" : " ").append(format(input.value().applyAsDouble(minute)));
      }
      test.append("'\n");
    }
    test.append("    alert_rule_test:\n");
    TreeSet<String> names = new TreeSet<>();
    rules.forEach(rule -> names.add(rule.name()));
    names.add(SloAlerts.ALERT_NAME);
    for (Map.Entry<Integer, List<Alert>> step : firing.entrySet()) {
      for (String name : names) {
        test.append("      - eval_time: ").append(step.getKey()).append("m\n        alertname: ")
            .append(name).append("\n        exp_alerts:");
        List<Alert> alerts = step.getValue().stream()
            .filter(a -> a.labels().get("alertname").equals(name)).toList();
        if (alerts.isEmpty()) {
          test.append(" []\n");
          continue;
        }
        test.append('\n');
        for (Alert alert : alerts) {
          test.append("          - exp_labels:\n");
          alert.labels().without("alertname").asMap().forEach((label, value) -> test
              .append("              ").append(label).append(": \"").append(value)
              .append("\"\n"));
        }
      }
    }
    Path testFile = dir.resolve("agreement-test.yaml");
    Files.writeString(testFile, test);
    return testFile;
  }

  /** Drops annotations: the two template engines format values differently. */
  private static String withoutAnnotations(String rules) {
    StringBuilder out = new StringBuilder();
    boolean skipping = false;
    for (String line : rules.split("\n")) {
      if (line.equals("        annotations:")) {
        skipping = true;
        continue;
      }
      if (skipping && line.startsWith("          ")) {
        continue;
      }
      skipping = false;
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private record Input(String name, Labels labels, IntToDoubleFunction value) {}
}
