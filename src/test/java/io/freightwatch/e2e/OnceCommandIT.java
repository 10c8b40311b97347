package io.freightwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.freightwatch.cli.Main;
import io.freightwatch.lab.Lab;
import io.freightwatch.testing.AgentUnderTest;
import io.freightwatch.testing.LabExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code freightwatch once} against the lab and reads its tables and exit code. */
@ExtendWith(LabExtension.class)
class OnceCommandIT {

  private final Lab lab;

  OnceCommandIT(Lab lab) {
    this.lab = lab;
  }

  @Test
  void criticalAlertGivesExitOne(@TempDir Path dir) throws Exception {
    Path config = config(dir, "critical", -1);

    Result result = once(config);

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isEqualTo(1);
    assertThat(result.out()).contains("Targets", "Signals", "Alerts");
    assertThat(result.out()).containsPattern("(?m)^  postgres +lab-primary +up ");
    assertThat(result.out()).containsPattern("(?m)^  redis +sessions +up ");
    assertThat(result.out()).containsPattern("(?m)^  traefik +ingress +up ");
    assertThat(result.out()).containsPattern(
        "(?m)^  freightwatch_odoo_tenant_info +cluster=lab database=\\S+ tenant=acme ");
    assertThat(result.out()).containsPattern(
        "(?m)^  probe_targets +firing +critical +source=postgres target=lab-primary +1 ");
  }

  @Test
  void quietEstateGivesExitZero(@TempDir Path dir) throws Exception {
    Path config = config(dir, "warning", 1e9);

    Result result = once(config, "--signals", "freightwatch_redis_");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(result.out()).contains("freightwatch_redis_memory_used_bytes")
        .doesNotContain("freightwatch_odoo_queue_jobs");
    assertThat(result.out()).contains("no rule's condition is met");
  }

  @Test
  void warningAlertKeepsExitZero(@TempDir Path dir) throws Exception {
    Path config = config(dir, "warning", -1);

    Result result = once(config);

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(result.out()).containsPattern("(?m)^  probe_targets +firing +warning ");
  }

  @Test
  void unreachableTargetGivesExitThree(@TempDir Path dir) throws Exception {
    Path config = config(dir, "warning", 1e9);
    Files.writeString(config, Files.readString(config)
        .replace(lab.redis().uri(), "redis://127.0.0.1:1"));

    Result result = once(config);

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isEqualTo(3);
    assertThat(result.out()).containsPattern("(?m)^  redis +sessions +down ");
    assertThat(result.err()).contains("1 of ").contains("targets could not be scraped");
  }

  /** Writes a configuration for the lab whose only rule fires when target_up > threshold. */
  private Path config(Path dir, String severity, double threshold) throws Exception {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("probe.yaml"), """
        rules:
          - name: probe_targets
            signal: freightwatch_target_up
            op: ">"
            threshold: %s
            for: 5m
            impact:
              domain: platform
              process: the test's probe
              summary: "Target {{ $labels.target }} reports up={{ $value }}."
              severity: %s
              owner: test
              runbook: runbooks/agent_blind_spot.md
              customer_facing: false
        """.formatted(threshold, severity));
    String yaml = AgentUnderTest.configYaml(lab, "http://127.0.0.1:9/unused")
        .replaceAll("(?m)^  directory: .*$", "  directory: " + rules);
    Path file = dir.resolve("freightwatch.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static Result once(Path config, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    String[] arguments = new String[3 + extra.length];
    arguments[0] = "once";
    arguments[1] = "--config";
    arguments[2] = config.toString();
    System.arraycopy(extra, 0, arguments, 3, extra.length);
    int exitCode = commandLine.execute(arguments);
    return new Result(exitCode, out.toString(), err.toString());
  }

  private record Result(int exitCode, String out, String err) {}
}
