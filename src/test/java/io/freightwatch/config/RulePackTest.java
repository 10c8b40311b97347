package io.freightwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Checks the rule pack shipped in alert-rules/ and its runbooks. */
class RulePackTest {

  private static final Path RULES = Path.of("alert-rules");
  private static final Path RUNBOOKS = Path.of("runbooks");
  private static final List<String> RUNBOOK_SECTIONS = List.of("## What it means",
      "## First checks", "## Mitigations", "## Escalate");

  @Test
  void shippedRulesLoadWithoutErrors() throws Exception {
    List<RuleSpec> specs = new RuleFileReader().readDirectory(RULES);

    assertThat(specs).extracting(RuleSpec::name).contains(
        "carrier_label_backlog", "job_runner_stalled", "order_import_failures", "replica_lag",
        "redis_evictions", "handheld_latency", "ingress_error_ratio");
  }

  @Test
  void everyRuleHasItsRunbook() throws Exception {
    for (RuleSpec spec : new RuleFileReader().readDirectory(RULES)) {
      assertThat(spec.impact().runbook())
          .as("runbook link of %s", spec.name())
          .isEqualTo("runbooks/" + spec.name() + ".md");
      assertThat(Path.of(spec.impact().runbook()))
          .as("runbook of %s", spec.name())
          .isRegularFile();
    }
  }

  @Test
  void shippedPackCoversLogisticsRules() throws Exception {
    List<RuleSpec> specs = new RuleFileReader().readDirectory(RULES);

    assertThat(specs).extracting(RuleSpec::name).contains(
        "edi_exchange_errors", "picking_backlog_growth", "cron_stalled", "mail_exceptions",
        "dead_job_runner_slots", "queue_channel_saturation", "replication_slot_wal_retention",
        "postgres_connection_saturation", "long_transaction_blocking_vacuum",
        "slow_query_regression", "redis_replica_link_down", "partner_api_error_ratio",
        "agent_blind_spot", "redis_memory_near_max", "postgres_unreachable",
        "tenant_database_unreachable");
  }

  @Test
  void everySloHasBurnRunbook() throws Exception {
    RuleSet set = new RuleFileReader().readRuleSet(RULES);

    assertThat(set.slos()).extracting(SloSpec::name)
        .contains("edi_gateway_availability", "replica_freshness", "edi_import_turnaround");
    for (SloSpec slo : set.slos()) {
      assertThat(slo.impact().runbook()).as("runbook of SLO %s", slo.name())
          .isEqualTo("runbooks/slo_error_budget_burn.md");
    }
  }

  @Test
  void everyRunbookBelongsToRule() throws Exception {
    RuleSet set = new RuleFileReader().readRuleSet(RULES);
    Set<String> rules = set.rules().stream()
        .map(RuleSpec::name)
        .collect(Collectors.toSet());
    if (!set.slos().isEmpty()) {
      rules.add("slo_error_budget_burn");
    }
    try (Stream<Path> files = Files.list(RUNBOOKS)) {
      for (Path file : files.toList()) {
        String rule = file.getFileName().toString().replaceFirst("\\.md$", "");
        assertThat(rules).as("rule for runbook %s", file).contains(rule);
      }
    }
  }

  @Test
  void everySummaryNamesTheAffectedThing() throws IOException, ConfigException {
    for (RuleSpec spec : new RuleFileReader().readDirectory(RULES)) {
      assertThat(spec.impact().summary().text())
          .as("summary of %s", spec.name())
          .containsAnyOf("$labels.tenant", "$labels.instance", "$labels.service",
              "$labels.standby", "$labels.target", "$labels.integration");
    }
  }

  @Test
  void runbookHeaderMatchesRule() throws Exception {
    for (RuleSpec spec : new RuleFileReader().readDirectory(RULES)) {
      String runbook = Files.readString(Path.of(spec.impact().runbook()));
      // A parenthesis after the severity may name per-tenant overrides.
      String header = Pattern.quote("**Severity:** " + spec.impact().severity().yamlName())
          + "( \\([^)]*\\))?" + Pattern.quote(" · **Domain:** "
          + spec.impact().domain().yamlName() + " · **Owner:** " + spec.impact().owner());

      assertThat(runbook).as("title of %s", spec.impact().runbook())
          .startsWith("# " + spec.name() + "\n");
      assertThat(runbook).as("header of %s", spec.impact().runbook()).containsPattern(header);
    }
  }

  @Test
  void runbooksHaveOperatorSections() throws Exception {
    try (Stream<Path> files = Files.list(RUNBOOKS)) {
      for (Path file : files.toList()) {
        String text = Files.readString(file);
        for (String section : RUNBOOK_SECTIONS) {
          assertThat(text).as("section %s in %s", section, file).contains("\n" + section + "\n");
        }
        String firstChecks = text.substring(text.indexOf("## First checks"),
            text.indexOf("## Mitigations"));
        assertThat(firstChecks).as("exact commands or SQL in the first checks of %s", file)
            .contains("`");
      }
    }
  }

  @Test
  void runbookLinksResolve() throws Exception {
    Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
    try (Stream<Path> files = Files.list(RUNBOOKS)) {
      for (Path file : files.toList()) {
        Matcher matcher = link.matcher(Files.readString(file));
        while (matcher.find()) {
          String target = matcher.group(1);
          if (target.matches("^[a-z]+://.*") || target.startsWith("mailto:")) {
            continue;
          }
          assertThat(file.getParent().resolve(target).normalize())
              .as("link %s in %s", target, file).exists();
        }
      }
    }
  }
}
