package io.freightwatch.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One PostgreSQL server to watch: a primary or a replica.
 *
 * @param name unique target name, used as the {@code instance} label
 * @param cluster name of the cluster the server belongs to, used as the {@code cluster} label;
 *     the primary and its replicas share it
 * @param host host name or address
 * @param port TCP port
 * @param database maintenance database the agent connects to for server-wide views
 * @param user role name
 * @param password password, or {@link Secret#NONE} for trust or peer authentication
 * @param options extra libpq/JDBC connection parameters such as {@code sslmode}
 * @param interval time between scrapes
 * @param statementTimeout server-side limit of each statement
 * @param volumeSizeBytes size of the volume that contains the data directory, for the days-until-full
 *     forecast; empty when not configured
 * @param statementsTop number of pg_stat_statements statements reported per scrape, those with the
 *     highest execution time in the interval
 * @param sizeInterval time between two readings of the database sizes, which stat every file of
 *     every database and so run less often than the scrape
 * @param statementsInterval time between two readings of pg_stat_statements, whose deltas give the
 *     top statements. A value up to the scrape interval reads them at every scrape
 */
public record PostgresTarget(
    String name,
    String cluster,
    String host,
    int port,
    String database,
    String user,
    Secret password,
    Map<String, String> options,
    Duration interval,
    Duration statementTimeout,
    java.util.OptionalLong volumeSizeBytes,
    int statementsTop,
    Duration sizeInterval,
    Duration statementsInterval) {

  public static final int DEFAULT_STATEMENTS_TOP = 20;
  public static final Duration DEFAULT_SIZE_INTERVAL = Duration.ofMinutes(5);
  public static final Duration DEFAULT_STATEMENTS_INTERVAL = Duration.ofMinutes(1);

  public PostgresTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    options = Map.copyOf(options);
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(statementTimeout, "statementTimeout");
    Objects.requireNonNull(volumeSizeBytes, "volumeSizeBytes");
    if (statementsTop < 0) {
      throw new IllegalArgumentException("statementsTop: got " + statementsTop + "; expected >= 0");
    }
    Objects.requireNonNull(sizeInterval, "sizeInterval");
    Objects.requireNonNull(statementsInterval, "statementsInterval");
  }

  /** Creates a target that reads pg_stat_statements every {@link #DEFAULT_STATEMENTS_INTERVAL}. */
  public PostgresTarget(
      String name,
      String cluster,
      String host,
      int port,
      String database,
      String user,
      Secret password,
      Map<String, String> options,
      Duration interval,
      Duration statementTimeout,
      java.util.OptionalLong volumeSizeBytes,
      int statementsTop,
      Duration sizeInterval) {
    this(name, cluster, host, port, database, user, password, options, interval,
        statementTimeout, volumeSizeBytes, statementsTop, sizeInterval,
        DEFAULT_STATEMENTS_INTERVAL);
  }

  /** Creates a target with the default signal settings and no volume size. */
  public PostgresTarget(
      String name,
      String cluster,
      String host,
      int port,
      String database,
      String user,
      Secret password,
      Map<String, String> options,
      Duration interval,
      Duration statementTimeout) {
    this(name, cluster, host, port, database, user, password, options, interval,
        statementTimeout, java.util.OptionalLong.empty(), DEFAULT_STATEMENTS_TOP,
        DEFAULT_SIZE_INTERVAL, DEFAULT_STATEMENTS_INTERVAL);
  }

  /** JDBC URL for {@code db} on this server, with {@link #options()} but without credentials. */
  public String jdbcUrl(String db) {
    StringBuilder url = new StringBuilder("jdbc:postgresql://");
    url.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
    url.append('/').append(java.net.URLEncoder.encode(db, java.nio.charset.StandardCharsets.UTF_8));
    char separator = '?';
    for (Map.Entry<String, String> option : new java.util.TreeMap<>(options).entrySet()) {
      url.append(separator)
          .append(java.net.URLEncoder.encode(option.getKey(), java.nio.charset.StandardCharsets.UTF_8))
          .append('=')
          .append(java.net.URLEncoder.encode(option.getValue(), java.nio.charset.StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  /** Server address for messages: {@code host:port}, never the credentials. */
  public String address() {
    return host + ":" + port;
  }
}
