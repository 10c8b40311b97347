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
    Duration statementTimeout) {

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
