package io.freightwatch.collect.postgres;

import io.freightwatch.config.PostgresTarget;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Names the server and database in the exception of a failed PostgreSQL scrape, keeping the
 * SQLSTATE and the cause. Messages never contain the password: {@link PostgresTarget#address()} has
 * no credentials.
 */
public final class PgScrapeFailures {

  private PgScrapeFailures() {}

  /**
   * Returns an exception of the same kind as {@code failure} whose message starts with the target
   * name, its address and {@code database}.
   *
   * @param scrapeTimeout the limit that a {@link TimeoutException} means was reached
   */
  public static Throwable describe(
      PostgresTarget target, String database, Duration scrapeTimeout, Throwable failure) {
    String where =
        "PostgreSQL target " + target.name() + " (" + target.address() + "/" + database + ")";
    if (failure instanceof SQLException sql) {
      return new SQLException(
          where + ": " + sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
    }
    if (failure instanceof TimeoutException) {
      TimeoutException timeout =
          new TimeoutException(where + ": scrape timed out after " + scrapeTimeout);
      timeout.initCause(failure);
      return timeout;
    }
    return new IllegalStateException(where + ": " + failure.getMessage(), failure);
  }
}
