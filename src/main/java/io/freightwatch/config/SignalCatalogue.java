package io.freightwatch.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metric families the agent exports under the {@code freightwatch_} prefix, read from the
 * resource {@code io/freightwatch/signals.tsv}. Rule checks use it to reject a signal name the
 * agent never produces, and the documentation and tests compare it with {@code /metrics}. Signals
 * in {@code io/freightwatch/signals-planned.tsv} are accepted in rules too, but are not in
 * {@link #entries()}: shipped rules read them before a collector exports them.
 */
public final class SignalCatalogue {

  /** Prefix of every signal the agent itself produces. */
  public static final String PREFIX = "freightwatch_";

  private static final String RESOURCE = "/io/freightwatch/signals.tsv";
  private static final String PLANNED_RESOURCE = "/io/freightwatch/signals-planned.tsv";
  private static final SignalCatalogue INSTANCE =
      new SignalCatalogue(load(RESOURCE), load(PLANNED_RESOURCE));

  private final Map<String, Entry> entries;
  private final Map<String, Entry> planned;

  private SignalCatalogue(Map<String, Entry> entries, Map<String, Entry> planned) {
    this.entries = Collections.unmodifiableMap(entries);
    this.planned = Collections.unmodifiableMap(planned);
  }

  public static SignalCatalogue get() {
    return INSTANCE;
  }

  /**
   * One metric family.
   *
   * @param name metric name, counters with their {@code _total} suffix; the family name, without
   *     {@code _bucket}, {@code _sum} or {@code _count}, for histograms and summaries
   * @param type {@code gauge}, {@code counter}, {@code histogram} or {@code summary}
   * @param labels label names the family can carry
   * @param help one-line description
   */
  public record Entry(String name, String type, List<String> labels, String help) {}

  public Map<String, Entry> entries() {
    return entries;
  }

  /** Signals that rules may read although no collector exports them yet. */
  public Map<String, Entry> planned() {
    return planned;
  }

  /**
   * Returns true when {@code name} is a known or planned signal, a series of a known histogram
   * ({@code _bucket}, {@code _sum}, {@code _count}) or summary ({@code _sum}, {@code _count}), a
   * custom query's gauge (under {@link OdooSignals.CustomQuery#METRIC_PREFIX}), or a signal
   * outside the agent's prefix.
   */
  public boolean isKnown(String name) {
    return !name.startsWith(PREFIX)
        || name.startsWith(OdooSignals.CustomQuery.METRIC_PREFIX)
        || entries.containsKey(name)
        || planned.containsKey(name)
        || isDistributionSeries(name);
  }

  private boolean isDistributionSeries(String name) {
    int suffix = name.lastIndexOf('_');
    if (suffix < 0) {
      return false;
    }
    Entry family = entries.get(name.substring(0, suffix));
    if (family == null) {
      return false;
    }
    return switch (name.substring(suffix)) {
      case "_bucket" -> family.type().equals("histogram");
      case "_sum", "_count" -> family.type().equals("histogram") || family.type().equals("summary");
      default -> false;
    };
  }

  /** Returns the known signal whose name is closest to {@code name}, for suggestions. */
  public Optional<String> closest(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : entries.keySet()) {
      int distance = YamlNode.editDistance(name, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= 6 ? Optional.ofNullable(best) : Optional.empty();
  }

  private static Map<String, Entry> load(String resource) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (InputStream in = SignalCatalogue.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length != 4) {
          throw new IllegalStateException(resource + ": expected 4 tab-separated fields: " + line);
        }
        List<String> labels = new ArrayList<>();
        for (String label : fields[2].split(",")) {
          if (!label.isBlank()) {
            labels.add(label.trim());
          }
        }
        entries.put(fields[0], new Entry(fields[0], fields[1], List.copyOf(labels), fields[3]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource + " failed", e);
    }
    return entries;
  }
}
