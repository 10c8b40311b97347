package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation of the extended rule format and of SLOs, with exact messages. */
class RuleFileReaderTest {

  private static final String IMPACT = """
          impact:
            domain: orders
            summary: "{{ $labels.tenant }}"
            severity: warning
            owner: ops
            runbook: runbooks/x.md
      """;

  @TempDir Path dir;

  private Path rules() throws IOException {
    return Files.createDirectories(dir.resolve("alert-rules"));
  }

  private Path write(String name, String text) throws IOException {
    Path file = rules().resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private List<ConfigProblem> problems() throws IOException {
    try {
      new RuleFileReader().readRuleSet(rules());
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected configuration errors in " + dir);
  }

  @Test
  void readsConditionForms() throws Exception {
    write("rules.yaml", """
        rules:
          - name: partner_errors
            condition:
              ratio:
                numerator: {signal: calls_total, matchers: {code: "=~5.."}, function: increase, window: 10m}
                denominator: {signal: calls_total, function: increase, window: 10m}
                by: [integration]
                min_denominator: 20
              op: ">"
              threshold: 0.1
            keep_firing_for: 5m
            overrides:
              - match: {integration: dhl}
                threshold: 0.2
                for: 1m
                severity: critical
        """ + IMPACT + """
          - name: saturated
            condition:
              all:
                - signal: jobs
                  op: ">"
                  threshold: 50
                - growth: {signal: jobs, window: 15m}
                  op: ">"
                  threshold: 10
              on: [tenant]
        """ + IMPACT);

    RuleSet set = new RuleFileReader().readRuleSet(rules());

    RuleSpec partner = set.rules().get(0);
    assertThat(partner.condition()).isInstanceOf(RuleCondition.Ratio.class);
    assertThat(partner.keepFiringFor()).isEqualTo(Duration.ofMinutes(5));
    assertThat(partner.overrides()).singleElement().satisfies(o -> {
      assertThat(o.threshold()).isEqualTo(0.2);
      assertThat(o.forDuration()).contains(Duration.ofMinutes(1));
      assertThat(o.severity()).contains(RuleSpec.Severity.CRITICAL);
    });
    RuleCondition.Combination all = (RuleCondition.Combination) set.rules().get(1).condition();
    assertThat(all.all()).isTrue();
    assertThat(all.on()).containsExactly("tenant");
    assertThat(all.longestWindow()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void reportsEveryConditionProblemAtOnce() throws Exception {
    write("rules.yaml", """
        rules:
          - name: two_forms
            condition:
              signal: jobs
              absent: {signal: jobs}
              threshold: 1
        """ + IMPACT + """
          - name: no_on
            condition:
              any:
                - signal: jobs
                  threshold: 1
                - absent: {signal: other}
        """ + IMPACT + """
          - name: half_ratio
            condition:
              ratio:
                numerator: {signal: errors_total, function: rate}
              threshold: 0.1
            overrides:
              - match: {tenant: acme}
                treshold: 2
        """ + IMPACT + """
          - name: legacy_and_block
            signal: jobs
            condition:
              absent: {signal: jobs}
        """ + IMPACT);

    assertThat(problems()).extracting(ConfigProblem::toString).containsExactly(
        "alert-rules/rules.yaml:4: rules[0].condition: names 2 conditions [signal, absent]; use exactly one"
            + " of [signal, ratio, absent, growth, all, any], and all or any to combine several",
        "alert-rules/rules.yaml:15: rules[1].condition: any needs the labels its conditions are matched on;"
            + " add e.g. on: [tenant]",
        "alert-rules/rules.yaml:28: rules[2].condition.ratio: a ratio needs a numerator and a denominator,"
            + " e.g. numerator: {signal: freightwatch_edi_messages_failed_total, function:"
            + " increase, window: 15m}",
        "alert-rules/rules.yaml:28: rules[2].condition.ratio.numerator: function rate needs a window; add"
            + " e.g. window: 5m",
        "alert-rules/rules.yaml:32: rules[2].overrides[0].treshold: unknown key; allowed keys here: match,"
            + " threshold, for, severity, disabled; did you mean 'threshold'?",
        "alert-rules/rules.yaml:40: rules[3].signal: a rule with a condition block takes signal inside the"
            + " condition; move it there or remove the condition block");
  }

  @Test
  void rejectsInfiniteThresholdsStrayWindowsAndUnknownTemplateSignals() throws Exception {
    write("rules.yaml", """
        rules:
          - name: infinite
            signal: jobs
            threshold: 1e999
        """ + IMPACT + """
          - name: stray_window
            signal: jobs
            window: 5m
            threshold: 1
            impact:
              domain: platform
              process: tests
              summary: 'Backlog {{ signal "freightwatch_no_such_signal" }}'
              severity: warning
              owner: test
              runbook: runbooks/agent_blind_spot.md
              customer_facing: false
        """);

    assertThat(problems()).extracting(ConfigProblem::toString)
        .anySatisfy(p -> assertThat(p).isEqualTo("alert-rules/rules.yaml:4: rules[0].threshold:"
            + " got 1e999; expected a finite number such as 0.05 or 300"))
        .anySatisfy(p -> assertThat(p).startsWith("alert-rules/rules.yaml:13: rules[1].window: got"
            + " 5m, but a window has no effect on the latest value"))
        .anySatisfy(p -> assertThat(p).contains("rules[1].impact.summary")
            .contains("freightwatch_no_such_signal"));
  }

  @Test
  void acceptsEmptyAndCommentedOutFiles() throws Exception {
    write("empty.yaml", "");
    write("retired.yaml", "# rules:\n#   - name: old_rule\n");

    assertThat(new RuleFileReader().readRuleSet(rules()).rules()).isEmpty();
  }

  @Test
  void rejectsThresholdOverrideOfCombination() throws Exception {
    write("rules.yaml", """
        rules:
          - name: saturated
            condition:
              all:
                - {signal: a, threshold: 1}
                - {signal: b, threshold: 2}
              on: [tenant]
            overrides:
              - match: {tenant: acme}
                threshold: 5
        """ + IMPACT);

    assertThat(problems()).extracting(ConfigProblem::toString).containsExactly(
        "alert-rules/rules.yaml:10: rules[0].overrides[0].threshold: got 5.0; only a rule with a single"
            + " comparison takes a threshold override; write a separate rule instead");
  }

  @Test
  void rejectsObjectiveOfOne() throws Exception {
    write("slos.yaml", """
        slos:
          - name: checkout
            objective: 1
            window: 30d
            sli:
              ratio:
                bad: {signal: requests_total, matchers: {code: "=~5.."}}
                total: {signal: requests_total}
            impact: {owner: ops, runbook: runbooks/slo_error_budget_burn.md}
          - name: percent
            objective: 99.9
            window: 45m
            sli:
              latency: {histogram: request_duration_seconds_bucket}
            impact: {owner: ops, runbook: runbooks/slo_error_budget_burn.md}
        """);

    assertThat(problems()).extracting(ConfigProblem::toString).containsExactly(
        "alert-rules/slos.yaml:3: slos[0].objective: got 1; expected a ratio in (0, 1), e.g. 0.999; an"
            + " objective of 1 leaves no error budget",
        "alert-rules/slos.yaml:11: slos[1].objective: got 99.9; expected a ratio in (0, 1), e.g. 0.999"
            + " (99.9 % is 0.999)",
        "alert-rules/slos.yaml:12: slos[1].window: got \"45m\"; expected a rolling window from 1d to 90d"
            + " such as 7d, 28d or 30d, or calendar_month",
        "alert-rules/slos.yaml:14: slos[1].sli.latency: missing threshold; add the latency bound in seconds,"
            + " e.g. threshold: 0.3");
  }

  @Test
  void scalesDefaultTiersToWindow() throws Exception {
    write("slos.yaml", """
        slos:
          - name: handheld
            objective: 0.99
            window: 7d
            sli:
              business_event:
                histogram: freightwatch_odoo_queue_job_completion_seconds
                within: 5m
            impact: {owner: ops, runbook: runbooks/slo_error_budget_burn.md}
          - name: month
            objective: 0.995
            window: calendar_month
            time_zone: Europe/Amsterdam
            sli:
              time_slice: {signal: lag_seconds, op: "<", threshold: 30}
            tiers:
              - {name: page, severity: critical, factor: 10, long_window: 2h, short_window: 10m}
            impact: {owner: ops, runbook: runbooks/slo_error_budget_burn.md}
        """);

    List<SloSpec> slos = new RuleFileReader().readRuleSet(rules()).slos();

    assertThat(slos.get(0).tiers()).extracting(SloSpec.BurnTier::longWindow).containsExactly(
        Duration.ofMinutes(14), Duration.ofMinutes(84), Duration.ofMinutes(336),
        Duration.ofMinutes(1008));
    assertThat(slos.get(0).tiers()).extracting(SloSpec.BurnTier::shortWindow).containsExactly(
        Duration.ofMinutes(1), Duration.ofMinutes(7), Duration.ofMinutes(28),
        Duration.ofMinutes(84));
    SloSpec.EventRatio sli = (SloSpec.EventRatio) slos.get(0).sli();
    assertThat(sli.good().signal()).isEqualTo("freightwatch_odoo_queue_job_completion_seconds_bucket");
    assertThat(sli.goodLe()).contains(300.0);
    assertThat(sli.total().signal()).isEqualTo("freightwatch_odoo_queue_job_completion_seconds_count");
    assertThat(slos.get(1).window().calendarMonth()).isTrue();
    assertThat(slos.get(1).window().zone()).isEqualTo(ZoneId.of("Europe/Amsterdam"));
    assertThat(slos.get(1).tiers()).singleElement()
        .satisfies(t -> assertThat(t.factor()).isEqualTo(10));
  }

  @Test
  void rejectsDuplicateSloNames() throws Exception {
    String slo = """
          - name: same
            objective: 0.99
            window: 30d
            sli:
              time_slice: {signal: lag_seconds, op: "<", threshold: 30}
            impact: {owner: ops, runbook: runbooks/slo_error_budget_burn.md}
        """;
    write("a.yaml", "slos:\n" + slo);
    write("b.yaml", "slos:\n" + slo);

    assertThatThrownBy(() -> new RuleFileReader().readRuleSet(rules()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alert-rules/b.yaml:2: slos.name: got \"same\"; a SLO of this name is already"
            + " defined at alert-rules/a.yaml:2; SLO names must be unique");
  }
}
