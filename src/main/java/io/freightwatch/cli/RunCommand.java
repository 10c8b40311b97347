package io.freightwatch.cli;

import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigException;
import io.freightwatch.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the agent until the process is stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the agent: collect from every target, evaluate rules, serve /metrics and"
        + " the API, and send notifications, until stopped with SIGTERM or Ctrl-C.")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "YAML configuration file.")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    AgentConfig loaded;
    try {
      loaded = new ConfigLoader().load(config);
    } catch (ConfigException e) {
      err.println(config + ": " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG_ERROR;
    }
    LOG.info("configuration loaded file={} {}", loaded.file(), CheckCommand.describe(loaded));

    // One event loop runs the whole agent; blocking calls use the agent's own worker pool.
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(2)
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    AgentVerticle agent = new AgentVerticle(loaded, Clock.systemUTC(), new DefaultCollectorFactory());
    try {
      vertx.deployVerticle(agent).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("agent failed to start listen={}:{} error=\"{}\"", loaded.agent().listenHost(),
          loaded.agent().listenPort(), e.getMessage());
      vertx.close();
      return 1;
    }
    agent.reloadOnSighup();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping agent");
      try {
        vertx.close().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("agent did not stop cleanly error=\"{}\"", e.getMessage());
      }
      stopped.countDown();
    }, "freightwatch-shutdown"));
    stopped.await();
    return 0;
  }
}
