package io.freightwatch.testing;

import io.freightwatch.lab.LabRedis;
import io.freightwatch.lab.PostgresBinaries;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks that the server programs a test needs are installed. Where one is missing, a local run
 * skips the test with a message naming it, and a run with {@code CI=true} fails, because CI must
 * install every server.
 */
public final class RequiredServers {

  private static final String SETUP_HINT = "; scripts/setup-machine.sh installs it";

  /** Path of the Alertmanager binary installed by Debian's prometheus-alertmanager package. */
  public static final String ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

  private RequiredServers() {}

  /** Requires initdb, pg_ctl, pg_basebackup and pg_stat_statements. */
  public static void requirePostgres() {
    Optional<PostgresBinaries> binaries = PostgresBinaries.find();
    if (binaries.isEmpty()) {
      missing(
          "PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) not found in"
              + " /usr/lib/postgresql/*/bin or by pg_config"
              + SETUP_HINT);
    } else if (!binaries.get().hasPgStatStatements()) {
      missing(
          "pg_stat_statements.so not found in "
              + binaries.get().libDir()
              + " (package postgresql-contrib)"
              + SETUP_HINT);
    }
  }

  /** Requires redis-server. */
  public static void requireRedis() {
    if (LabRedis.findServer().isEmpty()) {
      missing("redis-server not found in /usr/bin, /usr/local/bin or the PATH" + SETUP_HINT);
    }
  }

  /** Requires Debian's Alertmanager binary, {@code /usr/bin/prometheus-alertmanager}. */
  public static void requireAlertmanager() {
    if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(ALERTMANAGER))) {
      missing(ALERTMANAGER + " not found (package prometheus-alertmanager)" + SETUP_HINT);
    }
  }

  /** Requires everything the lab starts: PostgreSQL and Redis. */
  public static void requireLab() {
    requirePostgres();
    requireRedis();
  }

  /** Returns whether the environment variable {@code CI} is {@code true}. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static void missing(String message) {
    if (isCi()) {
      Assertions.fail(message + " (CI=true, so a missing server fails the build)");
    }
    Assumptions.abort(message);
  }
}
