package io.freightwatch.rules;

import io.freightwatch.config.RuleCondition;
import io.freightwatch.config.RuleSpec;
import io.freightwatch.store.LabelMatcher;
import io.freightwatch.store.Labels;
import io.freightwatch.store.Series;
import io.freightwatch.store.SeriesIndex;
import io.freightwatch.store.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Evaluates a {@link RuleCondition} against the store at one instant, giving one result per label
 * set. A result is unknown when its series' target failed its latest scrape or a window contains
 * too few samples, so that the alert keeps its state. Must be used from the agent's event loop.
 */
final class ConditionEvaluator {

  /** How far back an instant selector looks for a sample, as Prometheus' default lookback. */
  static final Duration LOOKBACK = Duration.ofMinutes(5);

  private final SeriesStore store;
  private final RangeFunctions ranges = new RangeFunctions();
  /**
   * Increases and rates of this evaluation by function and window, then by series identity,
   * shared by rules that read the same window of the same series.
   */
  private final Map<RangeWindow, Map<Series, OptionalDouble>> rangeCache = new HashMap<>();
  /**
   * Projections by label names, then by label set identity. They outlive an evaluation, so a group
   * is the same object every cycle and the maps keyed by it compare by reference. They are dropped
   * when the store's series set changes.
   */
  private final Map<List<String>, Map<Labels, Labels>> projections = new HashMap<>();
  private SeriesIndex index;

  ConditionEvaluator(SeriesStore store) {
    this.store = store;
    this.index = new SeriesIndex(store);
  }

  /** Starts an evaluation: selections use a fresh index of the store as it is now. */
  SeriesIndex startEvaluation() {
    if (!index.isCurrent()) {
      index = new SeriesIndex(store);
      projections.clear();
    }
    rangeCache.clear();
    return index;
  }

  /** Result of a condition for one label set. */
  record Result(AlertStateMachine.Observation observation, double value) {
    boolean holds() {
      return observation == AlertStateMachine.Observation.HOLDS;
    }
  }

  /**
   * Evaluates {@code condition} at {@code now}.
   *
   * @param threshold the threshold for a result's labels; overrides change it per tenant
   */
  Map<Labels, Result> evaluate(RuleCondition condition, Instant now,
      ToDoubleFunction<Labels> threshold) {
    return evaluate(condition, now, threshold, labels -> true);
  }

  /**
   * Evaluates {@code condition} at {@code now}, leaving out results that do not hold for label
   * sets that {@code tracked} rejects: a rule needs a clear result only for its existing alerts.
   */
  Map<Labels, Result> evaluate(RuleCondition condition, Instant now,
      ToDoubleFunction<Labels> threshold, Predicate<Labels> tracked) {
    if (condition instanceof RuleCondition.Threshold t) {
      return threshold(t, now, threshold, tracked);
    } else if (condition instanceof RuleCondition.Ratio r) {
      return ratio(r, now, threshold);
    } else if (condition instanceof RuleCondition.Absent a) {
      return absent(a);
    } else if (condition instanceof RuleCondition.Growth g) {
      return growth(g, now, threshold);
    }
    return combination((RuleCondition.Combination) condition, now);
  }

  private Map<Labels, Result> threshold(RuleCondition.Threshold condition, Instant now,
      ToDoubleFunction<Labels> threshold, Predicate<Labels> tracked) {
    RuleCondition.Selector selector = condition.selector();
    Map<Series, OptionalDouble> byWindow = rangeResults(selector);
    Map<Labels, Result> results = new HashMap<>();
    for (Series series : index.select(selector.signal(), selector.matchers())) {
      OptionalDouble value = valueOf(series, selector, now, byWindow);
      Result result = compare(series.isStale(), value, condition.comparison(),
          threshold.applyAsDouble(series.labels()));
      if (result.observation() != AlertStateMachine.Observation.CLEAR
          || tracked.test(series.labels())) {
        results.put(series.labels(), result);
      }
    }
    return results;
  }

  private Map<Labels, Result> ratio(RuleCondition.Ratio condition, Instant now,
      ToDoubleFunction<Labels> threshold) {
    Map<Labels, Sum> numerators = sumBy(condition.numerator(), condition.by(), now);
    Map<Labels, Sum> denominators = sumBy(condition.denominator(), condition.by(), now);
    Map<Labels, Result> results = new HashMap<>();
    denominators.forEach((group, denominator) -> {
      Sum numerator = numerators.getOrDefault(group, new Sum());
      if (denominator.unknown || numerator.unknown) {
        results.put(group, new Result(AlertStateMachine.Observation.UNKNOWN, Double.NaN));
        return;
      }
      // A zero denominator gives NaN in PromQL, which fails every comparison: the same as here.
      if (denominator.total <= 0 || denominator.total < condition.minDenominator()) {
        results.put(group, new Result(AlertStateMachine.Observation.CLEAR, Double.NaN));
        return;
      }
      double ratio = numerator.total / denominator.total;
      results.put(group, compare(false, OptionalDouble.of(ratio), condition.comparison(),
          threshold.applyAsDouble(group)));
    });
    return results;
  }

  private Map<Labels, Sum> sumBy(RuleCondition.Selector selector, List<String> by, Instant now) {
    Map<Labels, Sum> sums = new HashMap<>();
    Map<Series, OptionalDouble> byWindow = rangeResults(selector);
    Map<Labels, Labels> projections = projectionsOf(by);
    for (Series series : index.select(selector.signal(), selector.matchers())) {
      Sum sum = sums.computeIfAbsent(
          projections.computeIfAbsent(series.labels(), l -> project(l, by)), group -> new Sum());
      OptionalDouble value = valueOf(series, selector, now, byWindow);
      if (series.isStale()) {
        sum.unknown = true;
      } else if (value.isPresent()) {
        sum.total += value.getAsDouble();
      }
    }
    return sums;
  }

  private Map<Labels, Result> absent(RuleCondition.Absent condition) {
    boolean fresh = false;
    for (Series series : index.select(condition.signal(), condition.matchers())) {
      if (!series.isStale()) {
        fresh = true;
        break;
      }
    }
    Labels labels = Labels.EMPTY;
    for (LabelMatcher matcher : condition.matchers()) {
      if (matcher.operator() == LabelMatcher.Operator.EQUAL) {
        labels = labels.with(matcher.name(), matcher.value());
      }
    }
    AlertStateMachine.Observation observation = fresh
        ? AlertStateMachine.Observation.CLEAR : AlertStateMachine.Observation.HOLDS;
    return Map.of(labels, new Result(observation, fresh ? 0 : 1));
  }

  private Map<Labels, Result> growth(RuleCondition.Growth condition, Instant now,
      ToDoubleFunction<Labels> threshold) {
    Map<Labels, Result> results = new HashMap<>();
    for (Series series : index.select(condition.signal(), condition.matchers())) {
      OptionalDouble current = series.valueAt(now, LOOKBACK);
      OptionalDouble baseline = series.valueAt(now.minus(condition.window()), LOOKBACK);
      OptionalDouble change = current.isPresent() && baseline.isPresent()
          ? OptionalDouble.of(current.getAsDouble() - baseline.getAsDouble())
          : OptionalDouble.empty();
      results.put(series.labels(), compare(series.isStale(), change, condition.comparison(),
          threshold.applyAsDouble(series.labels())));
    }
    return results;
  }

  private Map<Labels, Result> combination(RuleCondition.Combination condition, Instant now) {
    Map<Labels, Result> combined = new HashMap<>();
    Map<Labels, Integer> holding = new HashMap<>();
    Map<Labels, Boolean> unknown = new HashMap<>();
    for (RuleCondition child : condition.conditions()) {
      Map<Labels, Result> childResults = evaluate(child, now, labels -> thresholdOf(child));
      Map<Labels, Result> projected = new HashMap<>();
      Map<Labels, Labels> projections = projectionsOf(condition.on());
      childResults.forEach((labels, result) -> {
        Labels group = projections.computeIfAbsent(labels, l -> project(l, condition.on()));
        Result previous = projected.get(group);
        if (previous == null || (result.holds() && (!previous.holds()
            || result.value() > previous.value()))) {
          projected.put(group, result);
        }
      });
      projected.forEach((group, result) -> {
        combined.merge(group, result, (a, b) -> a.holds() && a.value() >= b.value() ? a : b);
        if (result.holds()) {
          holding.merge(group, 1, Integer::sum);
        } else if (result.observation() == AlertStateMachine.Observation.UNKNOWN) {
          unknown.put(group, true);
        }
      });
    }
    Map<Labels, Result> results = new HashMap<>();
    int needed = condition.all() ? condition.conditions().size() : 1;
    combined.forEach((group, best) -> {
      int count = holding.getOrDefault(group, 0);
      AlertStateMachine.Observation observation;
      if (count >= needed) {
        observation = AlertStateMachine.Observation.HOLDS;
      } else if (unknown.containsKey(group)) {
        observation = AlertStateMachine.Observation.UNKNOWN;
      } else {
        observation = AlertStateMachine.Observation.CLEAR;
      }
      results.put(group, new Result(observation, best.value()));
    });
    return results;
  }

  /** Returns the comparison of a condition. A combination takes its first condition's. */
  static Optional<RuleSpec.Comparison> comparisonOf(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return Optional.of(t.comparison());
    } else if (condition instanceof RuleCondition.Ratio r) {
      return Optional.of(r.comparison());
    } else if (condition instanceof RuleCondition.Growth g) {
      return Optional.of(g.comparison());
    } else if (condition instanceof RuleCondition.Combination c) {
      return comparisonOf(c.conditions().get(0));
    }
    return Optional.empty();
  }

  /** Returns the threshold of a single-comparison condition; NaN for the other forms. */
  static double thresholdOf(RuleCondition condition) {
    if (condition instanceof RuleCondition.Threshold t) {
      return t.threshold();
    } else if (condition instanceof RuleCondition.Ratio r) {
      return r.threshold();
    } else if (condition instanceof RuleCondition.Growth g) {
      return g.threshold();
    }
    return Double.NaN;
  }

  /** Returns the shared results of a selector's function and window; null for {@code value}. */
  private Map<Series, OptionalDouble> rangeResults(RuleCondition.Selector selector) {
    if (selector.function() == RuleSpec.ValueFunction.VALUE) {
      return null;
    }
    return rangeCache.computeIfAbsent(new RangeWindow(selector.function(), selector.window()),
        key -> new IdentityHashMap<>());
  }

  private OptionalDouble valueOf(Series series, RuleCondition.Selector selector, Instant now,
      Map<Series, OptionalDouble> byWindow) {
    if (byWindow == null) {
      double latest = series.latestValue();
      return Double.isNaN(latest) ? OptionalDouble.empty() : OptionalDouble.of(latest);
    }
    OptionalDouble cached = byWindow.get(series);
    if (cached == null) {
      cached = selector.function() == RuleSpec.ValueFunction.INCREASE
          ? ranges.increase(series, now, selector.window())
          : ranges.rate(series, now, selector.window());
      byWindow.put(series, cached);
    }
    return cached;
  }

  private static Result compare(boolean stale, OptionalDouble value,
      RuleSpec.Comparison comparison, double threshold) {
    if (stale || value.isEmpty()) {
      return new Result(AlertStateMachine.Observation.UNKNOWN,
          value.isPresent() ? value.getAsDouble() : Double.NaN);
    }
    double number = value.getAsDouble();
    AlertStateMachine.Observation observation = comparison.test(number, threshold)
        ? AlertStateMachine.Observation.HOLDS : AlertStateMachine.Observation.CLEAR;
    return new Result(observation, number);
  }

  /** Returns the projections onto {@code names} made so far, by label set. */
  private Map<Labels, Labels> projectionsOf(List<String> names) {
    Map<Labels, Labels> byLabels = projections.computeIfAbsent(names, n -> new IdentityHashMap<>());
    // Absent conditions make new label sets each cycle, which would pile up until the series set
    // changes. A bound well above the number of series stops that.
    if (byLabels.size() > 2 * store.size() + 1_000) {
      byLabels.clear();
    }
    return byLabels;
  }

  /** Returns the labels of {@code labels} named in {@code names}; none when it is empty. */
  static Labels project(Labels labels, List<String> names) {
    Map<String, String> projected = new HashMap<>(names.size() * 2);
    for (String name : names) {
      projected.put(name, labels.get(name));
    }
    return Labels.of(projected);
  }

  /** A function and window whose results are shared within one evaluation. */
  private record RangeWindow(RuleSpec.ValueFunction function, Duration window) {}

  /** A sum of per-series values for one group. */
  private static final class Sum {
    private double total;
    private boolean unknown;
  }
}
