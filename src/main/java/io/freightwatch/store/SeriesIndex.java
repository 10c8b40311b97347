package io.freightwatch.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A view of the store that serves {@link SeriesStore#select} from an index on the first equality
 * matcher, built on first use per metric name and label. Hundreds of rules
 * and SLOs that each pick one tenant's or service's series then cost a map lookup instead of a
 * scan of every series of the name.
 *
 * <p>Valid while {@link SeriesStore#version()} stays the same ({@link #isCurrent()}); used on the
 * agent's event loop only. Values are read from the series when used, so new samples need no new
 * index.
 */
public final class SeriesIndex {

  private final SeriesStore store;
  private final long version;
  private final Map<String, Map<String, Map<String, List<Series>>>> byNameAndLabel =
      new HashMap<>();
  private final Map<String, List<Series>> selections = new HashMap<>();

  public SeriesIndex(SeriesStore store) {
    this.store = store;
    this.version = store.version();
  }

  /** Returns whether no series was added, removed, or became present or absent since creation. */
  public boolean isCurrent() {
    return store.version() == version;
  }

  /**
   * Returns the same series as {@link SeriesStore#select}, in no particular order. Rules that
   * share a selector share the result; callers must not change the list.
   */
  public List<Series> select(String name, Collection<LabelMatcher> matchers) {
    String key = matchers.isEmpty() ? name : name + matchers;
    List<Series> cached = selections.get(key);
    if (cached == null) {
      cached = List.copyOf(find(name, matchers));
      selections.put(key, cached);
    }
    return cached;
  }

  private List<Series> find(String name, Collection<LabelMatcher> matchers) {
    LabelMatcher indexed = null;
    for (LabelMatcher matcher : matchers) {
      if (matcher.operator() == LabelMatcher.Operator.EQUAL && !matcher.value().isEmpty()) {
        indexed = matcher;
        break;
      }
    }
    if (indexed == null) {
      return store.select(name, matchers);
    }
    String label = indexed.name();
    List<Series> candidates = byNameAndLabel
        .computeIfAbsent(name, n -> new HashMap<>())
        .computeIfAbsent(label, l -> group(name, l))
        .getOrDefault(indexed.value(), List.of());
    List<Series> result = new ArrayList<>(candidates.size());
    for (Series candidate : candidates) {
      boolean matches = true;
      for (LabelMatcher matcher : matchers) {
        if (matcher != indexed && !matcher.matches(candidate.labels())) {
          matches = false;
          break;
        }
      }
      if (matches) {
        result.add(candidate);
      }
    }
    return result;
  }

  private Map<String, List<Series>> group(String name, String label) {
    Map<String, List<Series>> groups = new HashMap<>();
    for (Series series : store.select(name, List.of())) {
      groups.computeIfAbsent(series.labels().get(label), v -> new ArrayList<>()).add(series);
    }
    return groups;
  }
}
