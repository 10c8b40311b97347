package io.freightwatch.collect.redis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One parsed reply of the Redis {@code INFO} command, read by section and field name.
 *
 * <p>Fields are never read by position, because Redis releases (6.0, 6.2, 7.x) and forks (Valkey,
 * Dragonfly, kvrocks, managed services) add and drop fields. A missing field, or a value that is
 * not a number where one is expected, is unknown, returned as an empty optional and never as 0.
 * Sentinels such as {@code -1} for "no master connection" and arithmetic wrap-arounds such as a
 * 2^64-wrapped lag are unknown too. {@link #implausibleFields()} lists the wrap-arounds.
 */
public final class RedisInfo {

  /** Durations in seconds at or beyond 2^32 come from unsigned wrap-around, not from a clock. */
  static final long MAX_PLAUSIBLE_SECONDS = 1L << 32;

  private static final Pattern REPLICA_FIELD = Pattern.compile("slave(\\d+)");
  private static final Pattern DATABASE_FIELD = Pattern.compile("db(\\d+)");

  private final Map<String, Map<String, String>> sections;
  private final Map<String, String> fields;

  private RedisInfo(Map<String, Map<String, String>> sections, Map<String, String> fields) {
    this.sections = sections;
    this.fields = fields;
  }

  /**
   * Parses an INFO reply. Lines may end in CRLF or LF, {@code # Name} starts a section, and every
   * other line is {@code field:value} split at the first colon. Lines before any header belong to
   * the section named by the empty string. Other lines are ignored.
   */
  public static RedisInfo parse(String reply) {
    Objects.requireNonNull(reply, "reply");
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> fields = new LinkedHashMap<>();
    Map<String, String> current = sections.computeIfAbsent("", name -> new LinkedHashMap<>());
    for (String rawLine : reply.split("\r?\n")) {
      String line = rawLine.strip();
      if (line.startsWith("#")) {
        String name = line.substring(1).strip().toLowerCase(Locale.ROOT);
        current = sections.computeIfAbsent(name, ignored -> new LinkedHashMap<>());
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String field = line.substring(0, colon);
      String value = line.substring(colon + 1);
      current.put(field, value);
      fields.putIfAbsent(field, value);
    }
    sections.values().removeIf(Map::isEmpty);
    return new RedisInfo(freeze(sections), Collections.unmodifiableMap(fields));
  }

  /** Returns the fields of a section, by its lower-case name such as {@code memory}. */
  public Map<String, String> section(String name) {
    return sections.getOrDefault(name.toLowerCase(Locale.ROOT), Map.of());
  }

  /** Returns the names of the sections present, in reply order, in lower case. */
  public List<String> sectionNames() {
    return List.copyOf(sections.keySet());
  }

  /** Returns the value of a field from any section. */
  public Optional<String> get(String field) {
    return Optional.ofNullable(fields.get(field));
  }

  /** Returns a field as a signed 64-bit integer, or empty when missing or not such an integer. */
  public OptionalLong getLong(String field) {
    return parseLong(fields.get(field));
  }

  /** Returns a field as a number, or empty when missing or not a finite number. */
  public OptionalDouble getDouble(String field) {
    String value = fields.get(field);
    if (value == null) {
      return OptionalDouble.empty();
    }
    try {
      double parsed = Double.parseDouble(value.strip());
      return Double.isFinite(parsed) ? OptionalDouble.of(parsed) : OptionalDouble.empty();
    } catch (NumberFormatException notNumber) {
      return OptionalDouble.empty();
    }
  }

  /** Returns {@code role}: {@code master} or {@code slave}, as Redis 7 still prints it. */
  public Optional<String> role() {
    return get("role");
  }

  /** Returns one {@link Keyspace} per {@code dbN} line, in reply order. */
  public List<Keyspace> keyspace() {
    List<Keyspace> databases = new ArrayList<>();
    for (Map.Entry<String, String> field : section("keyspace").entrySet()) {
      if (DATABASE_FIELD.matcher(field.getKey()).matches()) {
        databases.add(new Keyspace(field.getKey(), parseList(field.getValue())));
      }
    }
    return databases;
  }

  /**
   * Returns the keys of all databases, or empty when there is no keyspace section or a database
   * line has no {@code keys} field. Databases without keys are not listed, which counts as 0.
   */
  public OptionalLong totalKeys() {
    if (!sections.containsKey("keyspace")) {
      return OptionalLong.empty();
    }
    long total = 0;
    for (Keyspace database : keyspace()) {
      OptionalLong keys = database.keys();
      if (keys.isEmpty()) {
        return OptionalLong.empty();
      }
      total += keys.getAsLong();
    }
    return OptionalLong.of(total);
  }

  /**
   * Returns the replicas a master lists as {@code slaveN:ip=...} lines. Fields such as {@code
   * slave_repl_offset} or {@code slave_priority} describe this server itself and are not replicas.
   */
  public List<Replica> replicas() {
    List<Replica> replicas = new ArrayList<>();
    for (Map.Entry<String, String> field : section("replication").entrySet()) {
      Matcher name = REPLICA_FIELD.matcher(field.getKey());
      if (name.matches()) {
        replicas.add(new Replica(Integer.parseInt(name.group(1)), parseList(field.getValue())));
      }
    }
    return replicas;
  }

  /**
   * Returns how many bytes {@code replica} is behind this master: {@code master_repl_offset} minus
   * the replica's offset, never negative. Empty while the replica reports a state other than {@code
   * online}, for example {@code wait_bgsave} during a full sync, when its offset does not measure
   * lag. A line without a state, as some forks print, is taken at its offset.
   */
  public OptionalLong replicaLagBytes(Replica replica) {
    OptionalLong masterOffset = getLong("master_repl_offset");
    OptionalLong replicaOffset = replica.offset();
    boolean syncing = replica.state().isPresent() && !replica.isOnline();
    if (syncing || masterOffset.isEmpty() || replicaOffset.isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(0, masterOffset.getAsLong() - replicaOffset.getAsLong()));
  }

  /**
   * Returns whether this server is a replica whose link to its master is down and has never been up
   * since it started. Recent Redis releases print {@code master_link_down_since_seconds:-1} for
   * that. Older releases printed the current Unix time instead, which is recognized as a value
   * larger than {@code uptime_in_seconds}.
   */
  public boolean isReplicaNeverSynced() {
    if (!"slave".equals(fields.get("role")) || !"down".equals(fields.get("master_link_status"))) {
      return false;
    }
    OptionalLong downSince = getLong("master_link_down_since_seconds");
    if (downSince.isEmpty()) {
      return false;
    }
    long seconds = downSince.getAsLong();
    OptionalLong uptime = getLong("uptime_in_seconds");
    return seconds == -1 || (uptime.isPresent() && seconds > uptime.getAsLong());
  }

  /** Returns how long the master link has been down, or empty when unknown or implausible. */
  public OptionalLong masterLinkDownSeconds() {
    return plausibleSeconds("master_link_down_since_seconds");
  }

  /**
   * Returns the seconds since the last interaction with the master, or empty when unknown or
   * implausible, including {@code -1} for "no master connection".
   */
  public OptionalLong masterLastIoSecondsAgo() {
    return plausibleSeconds("master_last_io_seconds_ago");
  }

  /**
   * Returns the fields whose numbers cannot be real: durations that are negative other than the
   * documented {@code -1}, beyond 2^32 seconds or longer than the server's uptime, and replica lags
   * that are not valid integers. Each entry reads {@code field=value}.
   */
  public List<String> implausibleFields() {
    List<String> implausible = new ArrayList<>();
    for (String field : List.of("master_last_io_seconds_ago", "master_link_down_since_seconds")) {
      String value = fields.get(field);
      if (value != null && !value.strip().equals("-1") && plausibleSeconds(field).isEmpty()) {
        implausible.add(field + "=" + value);
      }
    }
    for (Replica replica : replicas()) {
      String lag = replica.fields().get("lag");
      if (lag != null && replica.lagSeconds().isEmpty()) {
        implausible.add("slave" + replica.index() + ".lag=" + lag);
      }
    }
    return implausible;
  }

  private OptionalLong plausibleSeconds(String field) {
    OptionalLong value = getLong(field);
    if (value.isEmpty()) {
      return value;
    }
    long seconds = value.getAsLong();
    OptionalLong uptime = getLong("uptime_in_seconds");
    boolean beyondUptime = uptime.isPresent() && seconds > uptime.getAsLong();
    if (seconds < 0 || seconds >= MAX_PLAUSIBLE_SECONDS || beyondUptime) {
      return OptionalLong.empty();
    }
    return value;
  }

  /** Parses a {@code k=v,k=v} value, such as a keyspace or replica line, by field name. */
  static Map<String, String> parseList(String value) {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      int equals = entry.indexOf('=');
      if (equals > 0) {
        entries.put(entry.substring(0, equals).strip(), entry.substring(equals + 1).strip());
      }
    }
    return Collections.unmodifiableMap(entries);
  }

  static OptionalLong parseLong(String value) {
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException notLong) {
      return OptionalLong.empty();
    }
  }

  private static Map<String, Map<String, String>> freeze(Map<String, Map<String, String>> map) {
    Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
    map.forEach((name, fields) -> frozen.put(name, Collections.unmodifiableMap(fields)));
    return Collections.unmodifiableMap(frozen);
  }

  /**
   * One {@code dbN:keys=...,expires=...,avg_ttl=...} line. Other fields, such as Redis 7.4's {@code
   * subexpiry} or Dragonfly's {@code hits}, are kept by name in {@link #fields()}.
   *
   * @param database the field name, such as {@code db0}
   * @param fields every {@code k=v} pair of the line
   */
  public record Keyspace(String database, Map<String, String> fields) {

    public Keyspace {
      Objects.requireNonNull(database, "database");
      fields = Map.copyOf(fields);
    }

    public OptionalLong keys() {
      return parseLong(fields.get("keys"));
    }

    public OptionalLong expires() {
      return parseLong(fields.get("expires"));
    }

    /** Returns the estimated mean remaining TTL in milliseconds; negative values mean unknown. */
    public OptionalLong averageTtlMillis() {
      OptionalLong ttl = parseLong(fields.get("avg_ttl"));
      return ttl.isPresent() && ttl.getAsLong() < 0 ? OptionalLong.empty() : ttl;
    }
  }

  /**
   * One {@code slaveN:ip=...,port=...,state=...,offset=...,lag=...} line of a master.
   *
   * @param index the N of {@code slaveN}
   * @param fields every {@code k=v} pair of the line
   */
  public record Replica(int index, Map<String, String> fields) {

    public Replica {
      fields = Map.copyOf(fields);
    }

    /** Returns {@code state}, such as {@code online}, {@code wait_bgsave} or {@code send_bulk}. */
    public Optional<String> state() {
      return Optional.ofNullable(fields.get("state"));
    }

    public boolean isOnline() {
      return "online".equals(fields.get("state"));
    }

    public OptionalLong offset() {
      return parseLong(fields.get("offset"));
    }

    /** Returns seconds since the replica's last acknowledgement, or empty when implausible. */
    public OptionalLong lagSeconds() {
      OptionalLong lag = parseLong(fields.get("lag"));
      if (lag.isPresent() && (lag.getAsLong() < 0 || lag.getAsLong() >= MAX_PLAUSIBLE_SECONDS)) {
        return OptionalLong.empty();
      }
      return lag;
    }
  }
}
