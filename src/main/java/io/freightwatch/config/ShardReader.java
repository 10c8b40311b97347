package io.freightwatch.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code agent.shard}: {@code count}, and {@code index} as a number or as {@code ordinal},
 * which takes the number at the end of the host name in the environment variable {@code HOSTNAME}.
 * A StatefulSet pod's host name is its pod name, such as {@code freightwatch-2}. A reader that
 * defers the ordinal checks only the form and count, and adds a note in place of the index.
 */
final class ShardReader {

  static final String ORDINAL = "ordinal";
  static final String HOSTNAME_VARIABLE = "HOSTNAME";
  private static final int MAX_COUNT = 1000;
  // A StatefulSet names its pods <name>-<ordinal>.
  private static final Pattern TRAILING_NUMBER = Pattern.compile("-(\\d+)$");

  private final Map<String, String> environment;
  private final boolean resolveOrdinal;
  private final Consumer<String> notes;

  ShardReader(Map<String, String> environment) {
    this(environment, true, note -> {});
  }

  /**
   * @param resolveOrdinal false to leave {@code index: ordinal} to run time and return {@link
   *     Shard#ALL} for it
   * @param notes receives the note that the index is left to run time
   */
  ShardReader(Map<String, String> environment, boolean resolveOrdinal, Consumer<String> notes) {
    this.environment = environment;
    this.resolveOrdinal = resolveOrdinal;
    this.notes = notes;
  }

  /** Returns the shard; {@link Shard#ALL} when the section is absent or has a problem. */
  Shard read(YamlNode node) {
    if (node.isNull()) {
      return Shard.ALL;
    }
    node.allowOnly("index", "count");
    if (node.get("count").isEmpty()) {
      node.problem("missing count; set the number of agents that split the estate, e.g."
          + " shard: {index: ordinal, count: 3}");
      return Shard.ALL;
    }
    int count = node.integer("count", 0, 1, MAX_COUNT);
    Optional<YamlNode> indexNode = node.get("index");
    if (indexNode.isEmpty()) {
      node.problem("missing index; set index: ordinal to take it from the StatefulSet pod name,"
          + " or a number from 0 to " + (Math.max(count, 1) - 1));
      return Shard.ALL;
    }
    if (!resolveOrdinal && isOrdinal(indexNode.get()) && count >= 1) {
      notes.accept("agent.shard.index: ordinal is resolved when the agent runs: it takes the number"
          + " at the end of the pod's host name (" + HOSTNAME_VARIABLE + "), so pod freightwatch-2"
          + " is shard 2, and that number must be below shard.count (" + count + ")");
      return Shard.ALL;
    }
    Optional<Integer> index = readIndex(indexNode.get());
    if (count < 1 || index.isEmpty()) {
      return Shard.ALL;
    }
    if (index.get() >= count) {
      boolean fromHostname = isOrdinal(indexNode.get());
      String got = fromHostname
          ? "ordinal " + index.get() + " from the host name \"" + hostname() + "\""
          : Integer.toString(index.get());
      indexNode.get().problem("got " + got + "; expected a shard index from 0 to " + (count - 1)
          + ", below shard.count (" + count + "); keep count equal to the number of agents");
      return Shard.ALL;
    }
    return new Shard(index.get(), count);
  }

  private Optional<Integer> readIndex(YamlNode node) {
    String text = node.asString().orElse("").trim();
    if (text.equals(ORDINAL)) {
      return ordinalFromHostname(node);
    }
    try {
      int index = Integer.parseInt(text);
      if (index >= 0) {
        return Optional.of(index);
      }
    } catch (NumberFormatException notANumber) {
      // Reported below together with a negative number.
    }
    node.problem("got \"" + text + "\"; expected a shard index from 0, or ordinal to take it from"
        + " the end of the host name (freightwatch-2 is shard 2)");
    return Optional.empty();
  }

  private Optional<Integer> ordinalFromHostname(YamlNode node) {
    String hostname = hostname();
    Matcher number = TRAILING_NUMBER.matcher(hostname);
    if (!number.find()) {
      String reason = environment.containsKey(HOSTNAME_VARIABLE)
          ? "is \"" + hostname + "\", which does not end in -<number>"
          : "is not set";
      node.problem("got ordinal, but " + HOSTNAME_VARIABLE + " " + reason + "; run the agent in a"
          + " StatefulSet (pod freightwatch-2 is shard 2) or set index to a number");
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(number.group(1)));
    } catch (NumberFormatException tooLarge) {
      node.problem("got ordinal, but the number at the end of " + HOSTNAME_VARIABLE + " \""
          + hostname + "\" is too large for a shard index; set index to a number");
      return Optional.empty();
    }
  }

  private static boolean isOrdinal(YamlNode node) {
    return node.asString().orElse("").trim().equals(ORDINAL);
  }

  private String hostname() {
    return environment.getOrDefault(HOSTNAME_VARIABLE, "");
  }
}
