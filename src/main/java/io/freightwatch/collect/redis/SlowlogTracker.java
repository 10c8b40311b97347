package io.freightwatch.collect.redis;

import io.freightwatch.store.Labels;
import io.freightwatch.store.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns successive {@code SLOWLOG GET} replies into counters of new entries per command. Only
 * entries with an id above the highest one seen count, so an entry is never counted twice. The
 * first reply is a baseline, because its entries may be days old. After a restart (a new {@code
 * run_id}) ids start again at 0 and every entry of the new process counts.
 *
 * <p>Arguments never leave the agent: an entry is described by its command name only (with the
 * subcommand for container commands such as {@code CONFIG GET}), followed by one {@code ?} per
 * argument. Durations are converted from the reply's microseconds to seconds. Not thread-safe: the
 * owning collector uses it on its context.
 */
final class SlowlogTracker {

  static final String ENTRIES = "freightwatch_redis_slowlog_entries_total";
  static final String DURATION = "freightwatch_redis_slowlog_duration_seconds_total";
  static final String MAX_DURATION = "freightwatch_redis_slowlog_interval_max_duration_seconds";
  static final String MISSED = "freightwatch_redis_slowlog_missed_entries_total";
  static final String LATEST = "freightwatch_redis_slowlog_latest_info";

  /** Distinct command names kept as labels; others count as {@code other}. */
  static final int MAX_COMMANDS = 100;

  private static final Set<String> CONTAINER_COMMANDS =
      Set.of("ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "FUNCTION", "LATENCY", "MEMORY",
          "MODULE", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO");

  private final Map<String, long[]> countByCommand = new TreeMap<>();
  private final Map<String, double[]> secondsByCommand = new TreeMap<>();
  private String runId;
  private long highestId = -1;
  private long missed;
  private boolean baselined;

  /**
   * Records one reply and adds the samples.
   *
   * @param runId the server's {@code run_id}, empty when unknown
   * @param entries the reply, newest first as Redis returns it
   * @param requested the count asked for; a full reply may have dropped older new entries
   */
  void addSamples(Labels labels, String runId, List<Entry> entries, int requested,
      List<Sample> out) {
    boolean restarted = baselined && !Objects.equals(this.runId, runId);
    List<Entry> fresh = new ArrayList<>();
    if (baselined) {
      for (Entry entry : entries) {
        if (restarted || entry.id() > highestId) {
          fresh.add(entry);
        }
      }
      long lowestFresh = fresh.stream().mapToLong(Entry::id).min().orElse(Long.MAX_VALUE);
      long expectedFirst = restarted ? 0 : highestId + 1;
      if (!fresh.isEmpty() && entries.size() >= requested && lowestFresh > expectedFirst) {
        missed += lowestFresh - expectedFirst;
      }
    }
    if (restarted) {
      highestId = -1;
    }
    for (Entry entry : entries) {
      highestId = Math.max(highestId, entry.id());
    }
    this.runId = runId;
    baselined = true;
    count(fresh);
    addCounters(labels, fresh, out);
  }

  private void count(List<Entry> fresh) {
    for (Entry entry : fresh) {
      String command = entry.command();
      if (!countByCommand.containsKey(command) && countByCommand.size() >= MAX_COMMANDS) {
        command = "other";
      }
      countByCommand.computeIfAbsent(command, name -> new long[1])[0]++;
      secondsByCommand.computeIfAbsent(command, name -> new double[1])[0] +=
          entry.durationMicros() / 1e6;
    }
  }

  private void addCounters(Labels labels, List<Entry> fresh, List<Sample> out) {
    countByCommand.forEach((command, count) -> out.add(Sample.counter(ENTRIES,
        "Slow log entries recorded by the server since the agent started", count[0],
        labels.with("command", command))));
    secondsByCommand.forEach((command, seconds) -> out.add(Sample.counter(DURATION,
        "Execution time of the slow log entries counted in " + ENTRIES, seconds[0],
        labels.with("command", command))));
    out.add(Sample.counter(MISSED,
        "Slow log entries dropped by the server before the agent read them", missed, labels));
    Map<String, Double> maxByCommand = new TreeMap<>();
    for (Entry entry : fresh) {
      maxByCommand.merge(entry.command(), entry.durationMicros() / 1e6, Math::max);
    }
    maxByCommand.forEach((command, seconds) -> out.add(Sample.gauge(MAX_DURATION,
        "Longest new slow log entry since the previous scrape", seconds,
        labels.with("command", command))));
    fresh.stream().max(Comparator.comparingLong(Entry::id)).ifPresent(latest ->
        out.add(Sample.gauge(LATEST,
            "Always 1; the newest slow log entry with its arguments replaced by ?", 1,
            labels.with("command", latest.command())
                .with("redacted", latest.redacted())
                .with("client_name", latest.clientName()))));
  }

  /**
   * One slow log entry.
   *
   * @param durationMicros execution time in microseconds, as Redis reports it
   * @param arguments the command and its arguments as logged (at most 32, long ones cut)
   */
  record Entry(long id, long timestampSeconds, long durationMicros, List<String> arguments,
      String clientName) {

    Entry {
      arguments = List.copyOf(arguments);
      Objects.requireNonNull(clientName, "clientName");
    }

    /**
     * Parses one element of a {@code SLOWLOG GET} reply: id, timestamp, duration, arguments, and
     * from Redis 4.0 on the client address and name.
     *
     * @throws IllegalArgumentException when the element does not have that shape
     */
    static Entry parse(Object element) {
      if (!(element instanceof List<?> fields) || fields.size() < 4
          || !(fields.get(0) instanceof Long id) || !(fields.get(1) instanceof Long timestamp)
          || !(fields.get(2) instanceof Long micros) || !(fields.get(3) instanceof List<?> args)) {
        throw new IllegalArgumentException("unexpected SLOWLOG GET entry: " + describe(element));
      }
      List<String> arguments = new ArrayList<>();
      for (Object argument : args) {
        arguments.add(String.valueOf(argument));
      }
      String name = fields.size() >= 6 && fields.get(5) != null ? fields.get(5).toString() : "";
      return new Entry(id, timestamp, micros, arguments, name);
    }

    /** Returns the command name in upper case, with the subcommand of a container command. */
    String command() {
      if (arguments.isEmpty()) {
        return "unknown";
      }
      String name = arguments.get(0).toUpperCase(Locale.ROOT);
      if (CONTAINER_COMMANDS.contains(name) && arguments.size() > 1) {
        return name + " " + arguments.get(1).toUpperCase(Locale.ROOT);
      }
      return name;
    }

    /** Returns the command followed by one {@code ?} per remaining argument. */
    String redacted() {
      int named = command().contains(" ") ? 2 : 1;
      int rest = Math.max(0, arguments.size() - named);
      // The 32nd argument of a long command is replaced by "... (N more arguments)".
      if (!arguments.isEmpty() && arguments.get(arguments.size() - 1).matches(
          "\\.\\.\\. \\(\\d+ more arguments\\)")) {
        String marker = arguments.get(arguments.size() - 1);
        rest += Integer.parseInt(marker.replaceAll("\\D", "")) - 1;
      }
      return command() + " ?".repeat(rest);
    }

    private static String describe(Object element) {
      String text = String.valueOf(element);
      return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
  }
}
