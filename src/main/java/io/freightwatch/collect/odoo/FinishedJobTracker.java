package io.freightwatch.collect.odoo;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@code queue_job} rows that finished since the previous scrape, at a cost that does not
 * grow with the number of done jobs in the table.
 *
 * <p>queue_job keeps no history and has no index on {@code date_done}, so the tracker keeps a
 * high-water mark, the largest id it has read, and reads only rows above it through the primary
 * key. Jobs that were still open at the mark finish later with a smaller id, so the ids of open
 * jobs are kept and looked up by primary key at every scrape. That costs one lookup per open job,
 * which the runner's backlog bounds, and nothing per done job. An id skipped above the mark is
 * looked up again for a few scrapes, because the sequence hands out ids before the inserting
 * transactions commit, possibly out of order.
 *
 * <p>The first scrape only sets the mark and the open ids, so nothing before the agent started is
 * replayed. When the largest id in the table drops below the mark (a restored or truncated tenant
 * database), the tracker starts over the same way. Not thread-safe: {@link OdooQueueCollector}
 * never runs two scrapes of a tenant at once.
 */
final class FinishedJobTracker {

  /** Rows above the mark read per scrape; a larger burst is read over the next scrapes. */
  static final int BATCH = 20_000;

  /** Open jobs followed at most; see the note in {@link #trackOpen}. */
  static final int MAX_OPEN = 100_000;

  /** Skipped ids followed at most, each for {@link #GAP_SCRAPES} scrapes. */
  static final int MAX_GAPS = 1_000;

  static final int GAP_SCRAPES = 20;

  private static final Logger LOG = LoggerFactory.getLogger(FinishedJobTracker.class);

  private static final Pattern EXCEPTION_LINE =
      Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)\\s*(?::.*)?$");

  private static final int MAX_EXCEPTION_LENGTH = 120;

  private static final String COLUMNS =
      """
      SELECT id, state, channel, model_name, method_name, exc_name,
             CASE WHEN state = 'failed' AND exc_name IS NULL THEN right(exc_info, 500) END
                 AS exc_tail,
             extract(epoch FROM date_started
                 - coalesce(date_enqueued, greatest(date_created, eta))) AS wait_seconds,
             coalesce(extract(epoch FROM date_done - date_started), exec_time) AS run_seconds,
             extract(epoch FROM date_done - date_created) AS completion_seconds,
             retry, max_retries
      FROM queue_job
      """;

  // The largest id comes with the rows above the mark, in one statement and snapshot. The lateral
  // join keeps the one row that carries it when no job is above the mark.
  static final String ABOVE_MARK =
      "SELECT m.max_id, j.* FROM (SELECT coalesce(max(id), 0) AS max_id FROM queue_job) m"
          + " LEFT JOIN LATERAL (" + COLUMNS + " WHERE id > ? ORDER BY id LIMIT ?) j ON true";
  static final String BY_IDS = COLUMNS + " WHERE id = ANY (?)";
  static final String RECENT_FAILED =
      COLUMNS + " WHERE state = 'failed' ORDER BY id DESC LIMIT ?";
  static final String OPEN_IDS =
      "SELECT id FROM queue_job WHERE state IN ('pending', 'enqueued', 'started',"
          + " 'wait_dependencies') AND id <= ? ORDER BY id LIMIT ?";

  private final Set<Long> open = new LinkedHashSet<>();
  private final Map<Long, Integer> gaps = new HashMap<>();
  private boolean started;
  private long mark;
  private int scrape;

  /**
   * Returns the jobs that reached {@code done} or {@code failed} since the previous call; empty on
   * the first call and after a reset.
   *
   * @param tenant the tenant's name, for the log line of a reset
   */
  List<FinishedJob> poll(Connection connection, String tenant) throws SQLException {
    scrape++;
    // Before the first mark, no row is wanted above it: only the largest id.
    AboveMark above = readAboveMark(connection, started ? mark : Long.MAX_VALUE);
    long maxId = above.maxId();
    if (!started || maxId < mark) {
      if (started) {
        LOG.info(
            "queue_job ids dropped below the high-water mark, restarting the finished-job count"
                + " tenant={} mark={} max_id={}",
            tenant,
            mark,
            maxId);
      }
      baseline(connection, maxId);
      return List.of();
    }
    List<FinishedJob> finished = new ArrayList<>();
    recheckTracked(connection, finished);
    advanceMark(above, finished);
    gaps.values().removeIf(firstScrape -> scrape - firstScrape >= GAP_SCRAPES);
    return finished;
  }

  /** Returns true once the first call has set the mark. */
  boolean isStarted() {
    return started;
  }

  long mark() {
    return mark;
  }

  /**
   * Returns the newest failed jobs, at most {@code limit}, so that the series of their channel,
   * model, method and exception exist before the next failure of the same kind.
   */
  static List<FinishedJob> recentFailed(Connection connection, int limit) throws SQLException {
    List<FinishedJob> jobs = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(RECENT_FAILED)) {
      statement.setInt(1, limit);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          jobs.add(job(row));
        }
      }
    }
    return jobs;
  }

  int openJobs() {
    return open.size();
  }

  private void baseline(Connection connection, long maxId) throws SQLException {
    started = true;
    mark = maxId;
    open.clear();
    gaps.clear();
    try (PreparedStatement statement = connection.prepareStatement(OPEN_IDS)) {
      statement.setLong(1, maxId);
      statement.setInt(2, MAX_OPEN);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          open.add(row.getLong(1));
        }
      }
    }
  }

  private void recheckTracked(Connection connection, List<FinishedJob> finished)
      throws SQLException {
    if (open.isEmpty() && gaps.isEmpty()) {
      return;
    }
    Set<Long> tracked = new HashSet<>(open);
    tracked.addAll(gaps.keySet());
    Set<Long> seen = new HashSet<>();
    Array ids = connection.createArrayOf("bigint", tracked.toArray());
    try (PreparedStatement statement = connection.prepareStatement(BY_IDS)) {
      statement.setArray(1, ids);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          FinishedJob job = job(row);
          seen.add(job.id());
          gaps.remove(job.id());
          if (job.isClosed()) {
            open.remove(job.id());
            if (job.isFinished()) {
              finished.add(job);
            }
          } else {
            trackOpen(job.id());
          }
        }
      }
    } finally {
      ids.free();
    }
    // An open job that is gone was deleted, while a gap stays until it expires.
    // NOTE: a failed job is no longer followed, so if someone requeues it and it then ends done,
    // that completion is not counted. Following failed jobs would cost a lookup each per scrape,
    // and queue_job never deletes them.
    open.retainAll(seen);
  }

  private static AboveMark readAboveMark(Connection connection, long from) throws SQLException {
    long maxId = 0;
    List<FinishedJob> jobs = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(ABOVE_MARK)) {
      statement.setLong(1, from);
      statement.setInt(2, BATCH);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          maxId = row.getLong("max_id");
          row.getLong("id");
          if (!row.wasNull()) {
            jobs.add(job(row));
          }
        }
      }
    }
    return new AboveMark(maxId, jobs);
  }

  /** Counts the jobs read above the mark and moves the mark past them. */
  private void advanceMark(AboveMark above, List<FinishedJob> finished) {
    Set<Long> returned = new HashSet<>();
    long last = mark;
    for (FinishedJob job : above.jobs()) {
      returned.add(job.id());
      last = job.id();
      if (job.isFinished()) {
        finished.add(job);
      } else if (!job.isClosed()) {
        trackOpen(job.id());
      }
    }
    long newMark = returned.size() == BATCH ? last : Math.max(last, above.maxId());
    rememberGaps(mark, newMark, returned);
    mark = newMark;
  }

  private void rememberGaps(long from, long to, Set<Long> returned) {
    // Walks down from the new mark, so a huge jump of the sequence costs at most MAX_GAPS misses.
    long floor = Math.max(from, to - (MAX_GAPS + (long) returned.size()));
    for (long id = to; id > floor && gaps.size() < MAX_GAPS; id--) {
      if (!returned.contains(id)) {
        gaps.putIfAbsent(id, scrape);
      }
    }
  }

  private void trackOpen(long id) {
    // NOTE: beyond MAX_OPEN open jobs the newest are not followed, so their completion is not
    // counted while the backlog stays that large. Following them would cost one primary-key
    // lookup each per scrape.
    if (open.size() < MAX_OPEN || open.contains(id)) {
      open.add(id);
    }
  }

  private static FinishedJob job(ResultSet row) throws SQLException {
    String excName = row.getString("exc_name");
    String exception = excName != null ? excName : exceptionFromTraceback(row.getString("exc_tail"));
    return new FinishedJob(
        row.getLong("id"),
        row.getString("state"),
        text(row, "channel"),
        text(row, "model_name"),
        text(row, "method_name"),
        cut(exception.strip()),
        nullableSeconds(row, "wait_seconds"),
        nullableSeconds(row, "run_seconds"),
        nullableSeconds(row, "completion_seconds"),
        row.getInt("retry"),
        row.getInt("max_retries"));
  }

  /**
   * Returns the exception class from the last line of a Python traceback, such as {@code
   * odoo.exceptions.UserError} from {@code odoo.exceptions.UserError: no carrier}; empty when that
   * line names none.
   */
  static String exceptionFromTraceback(String traceback) {
    if (traceback == null) {
      return "";
    }
    String[] lines = traceback.strip().split("\\R");
    Matcher matcher = EXCEPTION_LINE.matcher(lines[lines.length - 1]);
    return matcher.matches() ? matcher.group(1) : "";
  }

  private static String cut(String value) {
    return value.length() > MAX_EXCEPTION_LENGTH ? value.substring(0, MAX_EXCEPTION_LENGTH) : value;
  }

  private static String text(ResultSet row, String column) throws SQLException {
    return Objects.requireNonNullElse(row.getString(column), "");
  }

  private static Double nullableSeconds(ResultSet row, String column) throws SQLException {
    double value = row.getDouble(column);
    return row.wasNull() ? null : Math.max(0, value);
  }

  /** The largest id of queue_job and the rows above the mark, read in one statement. */
  private record AboveMark(long maxId, List<FinishedJob> jobs) {}
}
