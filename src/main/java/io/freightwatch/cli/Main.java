package io.freightwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code freightwatch} command. */
@Command(
    name = "freightwatch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Business-aware monitoring and alerting agent for Odoo logistics estates.",
    subcommands = {RunCommand.class, CheckCommand.class, OnceCommand.class, RulesCommand.class})
public final class Main implements Runnable {

  /** Exit code of a command that found the configuration invalid. */
  public static final int EXIT_CONFIG_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Builds the command line, so that tests can run commands without exiting the JVM. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
