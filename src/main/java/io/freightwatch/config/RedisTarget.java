package io.freightwatch.config;

import java.time.Duration;
import java.util.Objects;

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
 */
public record RedisTarget(
    String name,
    String host,
    int port,
    boolean tls,
    String user,
    Secret password,
    Duration interval,
    Duration timeout) {

  public RedisTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
  }

  public String address() {
    return host + ":" + port;
  }
}
