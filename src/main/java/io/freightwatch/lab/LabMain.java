package io.freightwatch.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of the lab: {@code java -cp target/freightwatch-*-all.jar
 * io.freightwatch.lab.LabMain up --dir .lab}. It starts the lab on the demo ports, writes the agent
 * configuration, starts the alert printer, optionally runs the demo fault schedule, and stops
 * everything it started on Ctrl-C.
 */
@Command(
    name = "freightwatch-lab",
    mixinStandardHelpOptions = true,
    description = "Local lab of the systems Freightwatch watches.",
    subcommands = {LabMain.Up.class})
public final class LabMain {

  private LabMain() {}

  public static void main(String[] args) {
    // Must run before the first logger is created: the lab's INFO lines go to a file so the
    // console shows progress, fault switches and alerts only.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "lab/logback-lab.xml");
    }
    System.exit(new CommandLine(new LabMain()).execute(args));
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Start the lab and keep it running until Ctrl-C.")
  static final class Up implements Callable<Integer> {

    @Option(
        names = "--dir",
        defaultValue = ".lab",
        description = "Directory for data, logs and freightwatch.yaml (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
        names = "--tenants",
        defaultValue = "3",
        description = "Number of Odoo tenant databases, 1 to 99 (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(
        names = "--fault-schedule",
        defaultValue = "none",
        description = "Fault schedule: none or demo (default: ${DEFAULT-VALUE}).")
    String faultSchedule;

    @Option(
        names = "--fault-seconds",
        defaultValue = "0",
        description =
            "Seconds every fault of the schedule stays on; 0 gives each fault its own time,"
                + " 3 to 9 minutes (default: ${DEFAULT-VALUE}).")
    long faultSeconds;

    @Option(
        names = "--quiet-seconds",
        defaultValue = "60",
        description = "Seconds without a fault between two faults (default: ${DEFAULT-VALUE}).")
    long quietSeconds;

    @Option(
        names = "--rules-dir",
        defaultValue = "alert-rules",
        description =
            "Rules directory written into the agent configuration (default: ${DEFAULT-VALUE}).")
    Path rulesDir;

    @Option(names = "--no-workload", description = "Start without the logistics workload.")
    boolean noWorkload;

    @Option(
        names = "--alert-port",
        defaultValue = "" + AlertPrinter.DEMO_PORT,
        description = "Port of the alert printer (default: ${DEFAULT-VALUE}).")
    int alertPort;

    @Override
    public Integer call() throws InterruptedException {
      if (!faultSchedule.equals("none") && !faultSchedule.equals("demo")) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "--fault-schedule: got " + faultSchedule + "; expected none or demo");
      }
      Path base = dir.toAbsolutePath().normalize();
      // Read by lab/logback-lab.xml; set before the first lab class creates its logger.
      System.setProperty("freightwatch.lab.log", base.resolve("lab.log").toString());
      LabOptions options = LabOptions.demo(base).withTenants(tenants).withWorkload(!noWorkload);
      Lab lab;
      try {
        // The alert printer starts after PostgreSQL and Redis. Check its port first, because a
        // failed bind at that point reports no port number.
        Lab.requireFreePort(alertPort, "the alert printer");
        lab = Lab.start(options, line -> System.out.println("[lab] " + line));
      } catch (RuntimeException e) {
        System.err.println("[lab] Start failed: " + messages(e));
        System.err.println(
            "[lab] Logs: " + base.resolve("lab.log") + " and " + base + "/postgres/logs");
        return 1;
      }
      AlertPrinter printer = startPrinter(lab);
      Path config = base.resolve("freightwatch.yaml");
      lab.writeAgentConfig(config, rulesDir.toAbsolutePath().normalize(), printer.url());
      FaultSchedule schedule =
          faultSchedule.equals("demo")
              ? FaultSchedule.demo(
                  lab,
                  faultSeconds > 0
                      ? Optional.of(Duration.ofSeconds(faultSeconds))
                      : Optional.empty(),
                  Duration.ofSeconds(quietSeconds),
                  line -> System.out.println(line))
              : null;
      CountDownLatch stopped = closeOnShutdown(lab, schedule);

      System.out.println("[lab] Agent configuration: " + config);
      System.out.println("[lab] Alert printer: " + printer.url());
      System.out.println("[lab] Lab log: " + base.resolve("lab.log"));
      System.out.println("[lab] Ready. Press Ctrl-C to stop.");
      if (schedule != null) {
        schedule.start();
      }
      stopped.await();
      return 0;
    }

    private AlertPrinter startPrinter(Lab lab) {
      try {
        return Lab.await(
            AlertPrinter.start(lab.vertx(), alertPort, line -> System.out.println(line)),
            "starting the alert printer");
      } catch (RuntimeException e) {
        lab.close();
        throw e;
      }
    }

    /**
     * Registers the shutdown hook that stops the schedule and the lab on Ctrl-C or SIGTERM.
     *
     * <p>NOTE: the hook exists only once the lab has started. A Ctrl-C during the start leaves the
     * servers started so far running; the next start stops a leftover PostgreSQL, but a leftover
     * redis-server keeps its port until it is killed.
     *
     * @return a latch released when the hook has finished
     */
    private static CountDownLatch closeOnShutdown(Lab lab, FaultSchedule schedule) {
      CountDownLatch stopped = new CountDownLatch(1);
      Runnable stop =
          () -> {
            System.out.println("[lab] Stopping ...");
            if (schedule != null) {
              schedule.stop();
            }
            lab.close();
            System.out.println("[lab] Stopped");
            stopped.countDown();
          };
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "lab-shutdown"));
      return stopped;
    }

    /** Returns the messages of {@code error} and its causes, joined by ": caused by ". */
    private static String messages(Throwable error) {
      StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
      for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
        text.append(": caused by ").append(cause.getMessage());
      }
      return text.toString();
    }
  }
}
