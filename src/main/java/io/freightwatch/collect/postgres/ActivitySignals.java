package io.freightwatch.collect.postgres;

import io.freightwatch.collect.postgres.ActivityQuery.Activity;
import io.freightwatch.collect.postgres.ActivityQuery.Session;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Connection use, the longest transactions and lock waits of one server, from {@link
 * ActivityQuery}. Session details (pid, application, redacted query text) go into info series
 * whose value is always 1, so that the alerting series keep stable labels. Pure.
 */
final class ActivitySignals {

  static final String CONNECTIONS = "freightwatch_postgres_connections";
  static final String CONNECTIONS_LIMIT = "freightwatch_postgres_connections_limit";
  static final String CONNECTIONS_USED_RATIO = "freightwatch_postgres_connections_used_ratio";
  static final String LONGEST_TRANSACTION = "freightwatch_postgres_longest_transaction_seconds";
  static final String LONGEST_IDLE_IN_TRANSACTION =
      "freightwatch_postgres_longest_idle_in_transaction_seconds";
  static final String LOCK_WAITING = "freightwatch_postgres_lock_waiting_sessions";
  static final String LOCK_BLOCKED_BY = "freightwatch_postgres_lock_blocked_sessions";
  static final String SESSION_INFO = "freightwatch_postgres_session_info";

  /** Blockers reported per scrape, those blocking the most sessions. */
  static final int MAX_BLOCKERS = 5;

  private static final String NO_DATABASE = "(none)";

  private ActivitySignals() {}

  static void addSamples(Labels server, Activity activity, List<Sample> out) {
    addConnections(server, activity, out);
    Map<String, List<Session>> byDatabase = new TreeMap<>();
    for (Session session : activity.sessions()) {
      byDatabase.computeIfAbsent(database(session), name -> new ArrayList<>()).add(session);
    }
    byDatabase.forEach((database, sessions) -> addLongest(server.with("database", database),
        sessions, out));
    addLocks(server, activity.sessions(), out);
  }

  private static void addConnections(Labels server, Activity activity, List<Sample> out) {
    Map<List<String>, Integer> counts = new TreeMap<>(Comparator.comparing(Object::toString));
    for (Session session : activity.sessions()) {
      String state = session.state() == null ? "unknown" : session.state();
      counts.merge(List.of(database(session), state), 1, Integer::sum);
    }
    counts.forEach((key, count) -> out.add(Sample.gauge(CONNECTIONS,
        "Client connections by database and state", count,
        server.with("database", key.get(0)).with("state", key.get(1)))));
    int limit = activity.maxConnections() - activity.superuserReserved() - activity.reserved();
    if (activity.maxConnections() > 0 && limit > 0) {
      out.add(Sample.gauge(CONNECTIONS_LIMIT,
          "Connections open to ordinary roles: max_connections minus superuser_reserved_connections"
              + " and reserved_connections",
          limit, server));
      out.add(Sample.gauge(CONNECTIONS_USED_RATIO,
          "Client connections divided by the connections open to ordinary roles",
          (double) activity.sessions().size() / limit, server));
    }
  }

  private static void addLongest(Labels labels, List<Session> sessions, List<Sample> out) {
    Session longest = null;
    Session longestIdle = null;
    for (Session session : sessions) {
      if (session.transactionSeconds() != null && (longest == null
          || session.transactionSeconds() > longest.transactionSeconds())) {
        longest = session;
      }
      if (isIdleInTransaction(session) && session.stateSeconds() != null && (longestIdle == null
          || session.stateSeconds() > longestIdle.stateSeconds())) {
        longestIdle = session;
      }
    }
    out.add(Sample.gauge(LONGEST_TRANSACTION,
        "Age of the oldest open transaction in the database; 0 when none is open",
        longest == null ? 0 : Math.max(0, longest.transactionSeconds()), labels));
    out.add(Sample.gauge(LONGEST_IDLE_IN_TRANSACTION,
        "Longest time a session of the database has been idle inside a transaction; 0 when none",
        longestIdle == null ? 0 : Math.max(0, longestIdle.stateSeconds()), labels));
    if (longest != null && longest.query() != null) {
      out.add(info(labels, longest, "longest_transaction"));
    }
    if (longestIdle != null && longestIdle.query() != null) {
      out.add(info(labels, longestIdle, "longest_idle_in_transaction"));
    }
  }

  private static void addLocks(Labels server, List<Session> sessions, List<Sample> out) {
    Map<String, Integer> waiting = new TreeMap<>();
    Map<Integer, Integer> blockedCount = new HashMap<>();
    Map<Integer, Session> byPid = new HashMap<>();
    for (Session session : sessions) {
      byPid.put(session.pid(), session);
      waiting.merge(database(session), session.waitingOnLock() ? 1 : 0, Integer::sum);
      for (int blocker : session.blockedBy()) {
        blockedCount.merge(blocker, 1, Integer::sum);
      }
    }
    waiting.forEach((database, count) -> out.add(Sample.gauge(LOCK_WAITING,
        "Sessions waiting for a lock", count, server.with("database", database))));
    blockedCount.entrySet().stream()
        .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(MAX_BLOCKERS)
        .forEach(entry -> {
          Session blocker = byPid.get(entry.getKey());
          Labels labels = server.with("blocker_pid", Integer.toString(entry.getKey()));
          if (blocker != null) {
            labels = labels.with("database", database(blocker))
                .with("blocker_application_name", blocker.applicationName())
                .with("blocker_state", blocker.state());
            if (blocker.query() != null) {
              out.add(info(server.with("database", database(blocker)), blocker, "lock_blocker"));
            }
          }
          out.add(Sample.gauge(LOCK_BLOCKED_BY,
              "Sessions waiting for a lock held by the blocking session", entry.getValue(),
              labels));
        });
  }

  private static Sample info(Labels labels, Session session, String reason) {
    return Sample.gauge(SESSION_INFO,
        "Always 1; describes a session with its query text, literals replaced by ?", 1,
        labels.with("pid", Integer.toString(session.pid()))
            .with("application_name", session.applicationName())
            .with("state", session.state())
            .with("reason", reason)
            .with("query", SqlLiterals.redact(session.query())));
  }

  private static boolean isIdleInTransaction(Session session) {
    return "idle in transaction".equals(session.state())
        || "idle in transaction (aborted)".equals(session.state());
  }

  private static String database(Session session) {
    return session.database() == null ? NO_DATABASE : session.database();
  }
}
