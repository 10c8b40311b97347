package io.freightwatch.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the {@code queue} section of an Odoo target into {@link OdooQueueSettings}. */
final class QueueSettingsReader {

  private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  private static final Pattern THROTTLE = Pattern.compile("throttle=\\d+");
  private static final String CHANNELS_EXAMPLE = "root:5,root.edi:4,root.mail:1:throttle=2";

  private QueueSettingsReader() {}

  /** Reads {@code queue}; an absent section gives {@link OdooQueueSettings#DEFAULTS}. */
  static OdooQueueSettings read(Optional<YamlNode> queue) {
    if (queue.isEmpty()) {
      return OdooQueueSettings.DEFAULTS;
    }
    YamlNode node = queue.get();
    node.allowOnly("channels", "dead_after");
    Map<String, Integer> capacities =
        node.get("channels")
            .flatMap(channels -> channels.asString().map(text -> parseChannels(channels, text)))
            .orElse(Map.of());
    return readDeadAfter(node.section("dead_after"), capacities);
  }

  private static OdooQueueSettings readDeadAfter(
      YamlNode deadAfter, Map<String, Integer> capacities) {
    deadAfter.allowOnly("started", "enqueued", "channels");
    Duration started =
        deadAfter.positiveDuration("started", OdooQueueSettings.DEFAULT_STARTED_DEAD_AFTER);
    Duration enqueued =
        deadAfter.positiveDuration("enqueued", OdooQueueSettings.DEFAULT_ENQUEUED_DEAD_AFTER);

    Map<String, Duration> startedByChannel = new LinkedHashMap<>();
    Map<String, Duration> enqueuedByChannel = new LinkedHashMap<>();
    YamlNode overrides = deadAfter.section("channels");
    for (String key : overrides.keys()) {
      YamlNode channel = overrides.section(key);
      channel.allowOnly("started", "enqueued");
      Optional<String> name = channelName(key);
      if (name.isEmpty()) {
        channel.problem("invalid channel name \"" + key + "\"; use a dotted name such as root.edi");
        continue;
      }
      channel.get("started").ifPresent(
          value -> startedByChannel.put(name.get(), channel.positiveDuration("started", started)));
      channel.get("enqueued").ifPresent(
          value ->
              enqueuedByChannel.put(name.get(), channel.positiveDuration("enqueued", enqueued)));
    }
    return new OdooQueueSettings(
        capacities, started, enqueued, startedByChannel, enqueuedByChannel);
  }

  /**
   * Parses channel capacities in the job runner's format, {@code name:capacity[:option]...} items
   * separated by commas. A name without the {@code root.} prefix means {@code root.<name>}, as the
   * runner reads it. Records a problem on {@code node} for every malformed or empty item and skips
   * it. An empty item, from a doubled or trailing comma, is rejected because it usually marks a
   * channel lost while the value was edited.
   */
  static Map<String, Integer> parseChannels(YamlNode node, String text) {
    Map<String, Integer> capacities = new LinkedHashMap<>();
    if (text.isBlank()) {
      node.problem("got \"" + text + "\"; expected name:capacity items separated by commas, e.g. "
          + CHANNELS_EXAMPLE + ", or remove queue.channels");
      return capacities;
    }
    String[] items = text.split(",", -1);
    for (int index = 0; index < items.length; index++) {
      String item = items[index].strip();
      if (item.isEmpty()) {
        node.problem("got \"" + text + "\"; item " + (index + 1) + " of " + items.length
            + " is empty; remove the extra comma or add the missing channel, e.g. "
            + CHANNELS_EXAMPLE);
        continue;
      }
      List<String> parts = List.of(item.split(":"));
      Optional<String> name = channelName(parts.get(0).strip());
      Integer capacity = parts.size() < 2 ? null : capacity(parts.get(1).strip());
      if (name.isEmpty() || capacity == null) {
        node.problem("got \"" + item + "\"; expected name:capacity with a capacity of 0 or more,"
            + " e.g. " + CHANNELS_EXAMPLE);
        continue;
      }
      for (String option : parts.subList(2, parts.size())) {
        checkOption(node, item, option.strip(), capacity);
      }
      if (capacities.putIfAbsent(name.get(), capacity) != null) {
        node.problem("channel " + name.get() + " is listed twice; list each channel once");
      }
    }
    return capacities;
  }

  private static void checkOption(YamlNode node, String item, String option, int capacity) {
    if (option.equals("sequential")) {
      if (capacity != 1) {
        node.problem("got \"" + item + "\"; a sequential channel needs capacity 1");
      }
    } else if (!THROTTLE.matcher(option).matches()) {
      node.problem("got \"" + item + "\"; unknown option \"" + option
          + "\"; the job runner accepts sequential and throttle=<seconds>");
    }
  }

  private static Integer capacity(String text) {
    try {
      int value = Integer.parseInt(text);
      return value < 0 ? null : value;
    } catch (NumberFormatException notNumber) {
      return null;
    }
  }

  private static Optional<String> channelName(String name) {
    if (!CHANNEL_NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return Optional.of(name.equals("root") || name.startsWith("root.") ? name : "root." + name);
  }
}
