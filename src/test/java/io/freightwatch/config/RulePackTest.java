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
  void everyRunbookBelongsToRule() throws Exception {
    Set<String> rules = new RuleFileReader().readDirectory(RULES).stream()
        .map(RuleSpec::name)
        .collect(Collectors.toSet());
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
              "$labels.standby", "$labels.target");
    }
  }

  @Test
  void runbookHeaderMatchesRule() throws Exception {
    for (RuleSpec spec : new RuleFileReader().readDirectory(RULES)) {
      String runbook = Files.readString(Path.of(spec.impact().runbook()));
      String header = "**Severity:** " + spec.impact().severity().yamlName()
          + " · **Domain:** " + spec.impact().domain().yamlName()
          + " · **Owner:** " + spec.impact().owner();

      assertThat(runbook).as("title of %s", spec.impact().runbook())
          .startsWith("# " + spec.name() + "\n");
      assertThat(runbook).as("header of %s", spec.impact().runbook()).contains(header);
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
