package io.freightwatch.cli;

import io.freightwatch.config.ConfigException;
import io.freightwatch.config.RuleFileReader;
import io.freightwatch.config.RuleSet;
import io.freightwatch.rules.PrometheusExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code rules} command group. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Work with rule files.",
    subcommands = {RulesCommand.Export.class})
final class RulesCommand implements Runnable {

  /** File names written by {@code rules export}. */
  static final String RULES_FILE = "freightwatch-rules.yaml";
  static final String SLOS_FILE = "freightwatch-slos.yaml";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** Writes Prometheus rule files equivalent to the agent's rules and SLO burn alerts. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write Prometheus alerting and recording rules equivalent to the rules and"
          + " SLO burn-rate alerts of a rule directory; exits 2 when the rules are invalid.")
  static final class Export implements Callable<Integer> {

    @Option(names = {"-r", "--rules"}, defaultValue = "alert-rules", paramLabel = "DIR",
        description = "Rule directory to read (default: ${DEFAULT-VALUE}).")
    Path rules;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
        description = "Directory to write " + RULES_FILE + " and " + SLOS_FILE + " into"
            + " (default: the rule directory's prometheus/ subdirectory).")
    Path out;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      RuleSet set;
      try {
        set = new RuleFileReader().readRuleSet(rules);
      } catch (ConfigException e) {
        err.println(rules + ": " + e.getMessage());
        err.flush();
        return Main.EXIT_CONFIG_ERROR;
      }
      Path target = out == null ? rules.resolve("prometheus") : out;
      if (Files.exists(target) && !Files.isDirectory(target)) {
        err.println("--out " + target + " is a file; give a directory to write " + RULES_FILE
            + " and " + SLOS_FILE + " into");
        err.flush();
        return 1;
      }
      try {
        Files.createDirectories(target);
        Files.writeString(target.resolve(RULES_FILE), PrometheusExport.alertingRules(set.rules()),
            StandardCharsets.UTF_8);
        Files.writeString(target.resolve(SLOS_FILE), PrometheusExport.sloRules(set.slos()),
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("cannot write the Prometheus rules to " + target + " ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check that the directory"
            + " is writable");
        err.flush();
        return 1;
      }
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println("wrote " + set.rules().size() + " rule(s) and " + set.slos().size()
          + " SLO(s) to " + target);
      stdout.flush();
      return 0;
    }
  }
}
