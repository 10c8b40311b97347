package io.freightwatch.cli;

import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigException;
import io.freightwatch.config.ConfigLoader;
import io.freightwatch.config.Durations;
import io.freightwatch.rules.Alert;
import io.freightwatch.rules.AlertState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Collects once from every target, evaluates the rules once and prints what it found. */
@Command(
    name = "once",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Scrape every target once, evaluate every rule once, print the targets, signals and"
          + " alerts as tables on stdout, and exit. No notification is sent and no port is"
          + " opened.",
      "Rules are evaluated as if their 'for' had passed. Rules on increase, rate or growth"
          + " need two scrapes of their target, which only targets with an interval shorter than"
          + " the run get; the others report nothing here. SLO burn-rate alerts need history"
          + " and are not evaluated.",
      "Exit codes: 0 every target answered and no critical alert fires, 1 a critical alert"
          + " fires, 2 the configuration is invalid, 3 a target could not be scraped (see the"
          + " targets table) or the collection did not finish within --timeout."
    })
final class OnceCommand implements Callable<Integer> {

  /** Exit code when a critical alert fires. */
  static final int EXIT_CRITICAL = 1;

  /** Exit code when a target could not be scraped or the collection did not finish in time. */
  static final int EXIT_TIMEOUT = 3;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "YAML configuration file.")
  Path config;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "Time limit for the collection, tenant discovery included, as a duration"
          + " such as 30s or 2m (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--signals", paramLabel = "PREFIX", defaultValue = "",
      description = "Print only signals whose name starts with PREFIX, for example"
          + " freightwatch_odoo_ (default: every signal).")
  String signalPrefix;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration limit = Durations.parse(timeout).filter(d -> !d.isZero() && !d.isNegative())
        .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
            "--timeout: got " + timeout + "; expected a positive duration such as 30s or 2m"));
    AgentConfig loaded;
    try {
      loaded = new ConfigLoader().load(config);
    } catch (ConfigException e) {
      err.println(config + ": " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG_ERROR;
    }

    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(1)
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    try {
      OnceRun.Report report = new OnceRun(loaded, Clock.systemUTC(),
          new DefaultCollectorFactory()).run(vertx, limit)
          .await(limit.toMillis() + 30_000, TimeUnit.MILLISECONDS);
      OnceTables.print(out, report, signalPrefix);
      out.flush();
      boolean critical = report.alerts().stream().anyMatch(OnceCommand::isCriticalFiring);
      if (critical) {
        return EXIT_CRITICAL;
      }
      long down = report.targets().stream().filter(target -> !target.up()).count();
      if (down > 0) {
        err.println(down + " of " + report.targets().size() + " targets could not be scraped;"
            + " the targets table gives each error");
        err.flush();
        return EXIT_TIMEOUT;
      }
      return 0;
    } catch (TimeoutException | RuntimeException e) {
      // Scrape failures are reported in the targets table; this is a collection that never
      // finished, or a failure outside any scrape.
      err.println("collection failed or did not finish within " + Durations.format(limit)
          + ": " + e.getMessage() + ". Raise --timeout, or run the agent and read"
          + " /api/v1/targets to see which target does not answer.");
      err.flush();
      return EXIT_TIMEOUT;
    } finally {
      try {
        vertx.close().await(20, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        err.println("collectors did not close within 20 s; exiting anyway");
        err.flush();
      }
    }
  }

  private static boolean isCriticalFiring(Alert alert) {
    return alert.state() == AlertState.FIRING && "critical".equals(alert.severity());
  }
}
