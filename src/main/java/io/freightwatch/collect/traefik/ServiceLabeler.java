package io.freightwatch.collect.traefik;

import io.freightwatch.config.TraefikTarget;
import io.freightwatch.store.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the labels of a Traefik service's signals: {@code instance} (the target name), {@code
 * service}, and the labels that the target's service rules derive from the service name. The first
 * rule whose pattern matches the whole name wins. Its named groups become labels of the same name,
 * and its fixed labels are added. A group value overrides a fixed label of the same name, and a
 * group that matched nothing adds no label. {@code instance} and {@code service} always keep their
 * own values. Not thread-safe.
 */
final class ServiceLabeler {

  /** Maximum number of cached service names. Past it, the cache starts over. */
  private static final int MAX_CACHED_SERVICES = 10_000;

  private final String instance;
  private final List<Rule> rules;
  private final Map<String, Labels> cache = new HashMap<>();

  ServiceLabeler(TraefikTarget target) {
    this.instance = target.name();
    List<Rule> compiled = new ArrayList<>();
    for (TraefikTarget.ServiceLabels rule : target.services()) {
      compiled.add(new Rule(rule.pattern(), namedGroups(rule.pattern().pattern()), rule.labels()));
    }
    this.rules = List.copyOf(compiled);
  }

  /** Returns the labels of the signals of {@code service}. */
  Labels labelsFor(String service) {
    Labels cached = cache.get(service);
    if (cached != null) {
      return cached;
    }
    if (cache.size() >= MAX_CACHED_SERVICES) {
      cache.clear();
    }
    Labels labels = computeLabels(service);
    cache.put(service, labels);
    return labels;
  }

  private Labels computeLabels(String service) {
    Map<String, String> values = new HashMap<>();
    for (Rule rule : rules) {
      Matcher matcher = rule.pattern().matcher(service);
      if (matcher.matches()) {
        values.putAll(rule.fixedLabels());
        for (String group : rule.groups()) {
          String value = matcher.group(group);
          if (value != null && !value.isEmpty()) {
            values.put(group, value);
          }
        }
        break;
      }
    }
    values.put("instance", instance);
    values.put("service", service);
    return Labels.of(values);
  }

  /**
   * Returns the names of the named groups {@code (?<name>...)} of a regular expression. Java 17 has
   * no API for this (Pattern.namedGroups came in Java 20), so the expression is scanned, skipping
   * escaped characters, {@code \Q...\E} quotes and character classes, where {@code (?<} is literal
   * text. Lookbehinds {@code (?<=} and {@code (?<!} are not groups.
   */
  static List<String> namedGroups(String regex) {
    List<String> names = new ArrayList<>();
    int classDepth = 0;
    int i = 0;
    while (i < regex.length()) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') {
          int end = regex.indexOf("\\E", i + 2);
          i = end < 0 ? regex.length() : end + 2;
        } else {
          i += 2;
        }
        continue;
      }
      if (c == '[') {
        classDepth++;
      } else if (c == ']' && classDepth > 0) {
        classDepth--;
      } else if (classDepth == 0 && c == '(' && regex.startsWith("?<", i + 1)) {
        int start = i + 3;
        int end = start;
        while (end < regex.length() && Character.isLetterOrDigit(regex.charAt(end))) {
          end++;
        }
        if (end > start && end < regex.length() && regex.charAt(end) == '>') {
          names.add(regex.substring(start, end));
        }
      }
      i++;
    }
    return names;
  }

  private record Rule(Pattern pattern, List<String> groups, Map<String, String> fixedLabels) {}
}
