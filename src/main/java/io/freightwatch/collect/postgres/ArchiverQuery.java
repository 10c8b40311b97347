package io.freightwatch.collect.postgres;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Reads WAL archiving health from {@code pg_stat_archiver} and turns it into samples. When
 * archiving fails or stalls, WAL needed for point-in-time recovery piles up in pg_wal and recent
 * changes cannot be restored from the archive.
 */
final class ArchiverQuery {

  static final String ENABLED = "freightwatch_postgres_archiving_enabled";
  static final String ARCHIVED = "freightwatch_postgres_archiver_archived_total";
  static final String FAILED = "freightwatch_postgres_archiver_failed_total";
  static final String LAST_ARCHIVED_AGE = "freightwatch_postgres_archiver_last_archived_age_seconds";
  static final String FAILING = "freightwatch_postgres_archiver_failing";

  static final String SQL =
      """
      SELECT current_setting('archive_mode') AS archive_mode,
             a.archived_count,
             a.failed_count,
             a.last_archived_time,
             a.last_failed_time,
             now() AS observed_at
      FROM pg_stat_archiver AS a
      """;

  private ArchiverQuery() {}

  static Archiver read(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SQL)) {
      row.next();
      return new Archiver(
          row.getString("archive_mode"),
          row.getLong("archived_count"),
          row.getLong("failed_count"),
          instant(row, "last_archived_time"),
          instant(row, "last_failed_time"),
          instant(row, "observed_at"));
    }
  }

  /**
   * Adds the archiver's samples. With {@code archive_mode = off} only {@value #ENABLED} is
   * reported, at 0. On a standby with {@code archive_mode = on} the standby does not archive, so
   * only the setting is reported there too.
   */
  static void addSamples(Labels server, Archiver archiver, boolean inRecovery, List<Sample> out) {
    boolean archives =
        "always".equals(archiver.mode()) || ("on".equals(archiver.mode()) && !inRecovery);
    out.add(Sample.gauge(ENABLED, "1 when this server archives WAL (archive_mode)",
        archives ? 1 : 0, server));
    if (!archives) {
      return;
    }
    out.add(Sample.counter(ARCHIVED, "WAL files archived", archiver.archivedCount(), server));
    out.add(Sample.counter(FAILED, "Failed attempts to archive a WAL file",
        archiver.failedCount(), server));
    if (archiver.lastArchivedAt() != null) {
      out.add(Sample.gauge(LAST_ARCHIVED_AGE, "Seconds since a WAL file was last archived",
          Math.max(0, seconds(archiver.lastArchivedAt(), archiver.observedAt())), server));
    }
    boolean failing = archiver.lastFailedAt() != null
        && (archiver.lastArchivedAt() == null
            || archiver.lastFailedAt().isAfter(archiver.lastArchivedAt()));
    out.add(Sample.gauge(FAILING,
        "1 when the latest archive attempt failed, so point-in-time recovery is at risk",
        failing ? 1 : 0, server));
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  /**
   * One reading of pg_stat_archiver.
   *
   * @param mode {@code archive_mode}: off, on or always
   * @param lastArchivedAt null when nothing was archived since the statistics were reset
   * @param lastFailedAt null when no attempt failed
   */
  record Archiver(
      String mode,
      long archivedCount,
      long failedCount,
      Instant lastArchivedAt,
      Instant lastFailedAt,
      Instant observedAt) {}
}
