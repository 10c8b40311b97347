package io.freightwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Redis server.
 *
 * @param name unique target name, used as the {@code instance} label
 * @param host host name or address
 * @param port TCP port
 * @param tls whether to connect with TLS
 * @param user ACL user name, or empty for the default user
 * @param password password, or {@link Secret#NONE}
 * @param interval time between scrapes
 * @param timeout limit of each command
 * @param database database index selected after connecting, from the URL path ({@code /2})
 * @param caFile PEM file of the certificate authorities trusted for TLS, instead of the JVM's
 * @param queues keys whose length is reported, such as job queues kept in Redis lists
 */
public record RedisTarget(
    String name,
    String host,
    int port,
    boolean tls,
    String user,
    Secret password,
    Duration interval,
    Duration timeout,
    int database,
    Optional<Path> caFile,
    List<Queue> queues) {

  public RedisTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(caFile, "caFile");
    queues = List.copyOf(queues);
  }

  /** Creates a target for database 0 with the JVM's trusted authorities and no queues. */
  public RedisTarget(
      String name,
      String host,
      int port,
      boolean tls,
      String user,
      Secret password,
      Duration interval,
      Duration timeout) {
    this(name, host, port, tls, user, password, interval, timeout, 0, Optional.empty(), List.of());
  }

  public String address() {
    return host + ":" + port;
  }

  /** Kind of Redis value a queue key holds, which decides the command that measures it. */
  public enum KeyType {
    /** Measured with {@code LLEN}. */
    LIST,
    /** Measured with {@code ZCARD}. */
    ZSET,
    /** Measured with {@code XLEN}. */
    STREAM
  }

  /**
   * A key whose length is reported.
   *
   * @param name value of the {@code queue} label
   * @param key the Redis key
   * @param type how to measure it
   */
  public record Queue(String name, String key, KeyType type) {
    public Queue {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(type, "type");
    }
  }
}
