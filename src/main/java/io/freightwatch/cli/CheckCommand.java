package io.freightwatch.cli;

import io.freightwatch.config.AgentConfig;
import io.freightwatch.config.ConfigException;
import io.freightwatch.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Validates a configuration and its rule files without contacting any target. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Validate the configuration and its rule files, print every error with"
        + " file:line, and exit: 0 when valid, 2 when not.")
final class CheckCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "YAML configuration file.")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      // The pod's host name gives the shard ordinal, and check usually runs elsewhere (CI, a
      // laptop), so check validates its form only.
      ConfigLoader loader = new ConfigLoader().withShardOrdinalDeferred();
      AgentConfig loaded = loader.load(config);
      out.println("configuration is valid: " + describe(loaded));
      loader.notes().forEach(note -> out.println("note: " + note));
      out.flush();
      return 0;
    } catch (ConfigException e) {
      err.println(config + ": " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG_ERROR;
    }
  }

  static String describe(AgentConfig config) {
    int tenants = config.odoo().stream().mapToInt(o -> o.tenants().size()).sum();
    long discovering = config.odoo().stream().filter(o -> o.discovery().isPresent()).count();
    return config.postgres().size() + " PostgreSQL, "
        + tenants + " Odoo tenant(s)" + (discovering > 0 ? " plus discovery on " + discovering
            + " server(s)" : "") + ", "
        + config.redis().size() + " Redis, "
        + config.traefik().size() + " Traefik, "
        + config.odooHttp().size() + " Odoo HTTP target(s); "
        + config.rules().specs().size() + " rule(s); "
        + config.receivers().size() + " receiver(s)";
  }

}
