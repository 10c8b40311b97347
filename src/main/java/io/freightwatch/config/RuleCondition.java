package io.freightwatch.config;

import io.freightwatch.config.RuleSpec.Comparison;
import io.freightwatch.config.RuleSpec.ValueFunction;
import io.freightwatch.store.LabelMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The condition of a rule: a comparison on one signal, a ratio of two signals, the absence of a
 * signal, the growth of a gauge over a window, or an {@code all}/{@code any} combination of these.
 * Each form evaluates to one result per label set; see the rules package for the semantics.
 */
public sealed interface RuleCondition {

  /** Returns every metric name the condition reads. */
  List<String> signals();

  /** Returns the longest window the condition reads; zero for instant comparisons. */
  Duration longestWindow();

  /**
   * Series of one metric and how each series becomes a number.
   *
   * @param signal metric name
   * @param matchers conditions on the series' labels
   * @param function value, increase or rate
   * @param window span read by increase and rate; zero for value
   */
  record Selector(
      String signal, List<LabelMatcher> matchers, ValueFunction function, Duration window) {
    public Selector {
      Objects.requireNonNull(signal, "signal");
      matchers = List.copyOf(matchers);
      Objects.requireNonNull(function, "function");
      Objects.requireNonNull(window, "window");
    }
  }

  /** One value per series compared with a threshold: the original rule form. */
  record Threshold(Selector selector, Comparison comparison, double threshold)
      implements RuleCondition {
    public Threshold {
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(comparison, "comparison");
    }

    @Override
    public List<String> signals() {
      return List.of(selector.signal());
    }

    @Override
    public Duration longestWindow() {
      return selector.window();
    }
  }

  /**
   * {@code sum by (by) (numerator) / sum by (by) (denominator)} compared with a threshold. Each
   * series' increase or rate is taken before the sum, so that a counter reset of one series is
   * not mistaken for a reset of the sum. Groups whose denominator is zero or below {@code
   * minDenominator} do not hold.
   */
  record Ratio(
      Selector numerator,
      Selector denominator,
      List<String> by,
      Comparison comparison,
      double threshold,
      double minDenominator)
      implements RuleCondition {
    public Ratio {
      Objects.requireNonNull(numerator, "numerator");
      Objects.requireNonNull(denominator, "denominator");
      by = List.copyOf(by);
      Objects.requireNonNull(comparison, "comparison");
    }

    @Override
    public List<String> signals() {
      return List.of(numerator.signal(), denominator.signal());
    }

    @Override
    public Duration longestWindow() {
      return max(numerator.window(), denominator.window());
    }
  }

  /**
   * Holds when no up-to-date series matches: none is present, or every matching series belongs to
   * a target whose latest scrape failed. The alert's labels are the equality matchers, as with
   * PromQL's {@code absent()}.
   */
  record Absent(String signal, List<LabelMatcher> matchers) implements RuleCondition {
    public Absent {
      Objects.requireNonNull(signal, "signal");
      matchers = List.copyOf(matchers);
    }

    @Override
    public List<String> signals() {
      return List.of(signal);
    }

    @Override
    public Duration longestWindow() {
      return Duration.ZERO;
    }
  }

  /**
   * The change of a gauge over {@code window}, {@code x - x offset window} in PromQL, compared with
   * a threshold: a queue depth that grew by more than the threshold is rising faster than it
   * drains.
   */
  record Growth(
      String signal,
      List<LabelMatcher> matchers,
      Duration window,
      Comparison comparison,
      double threshold)
      implements RuleCondition {
    public Growth {
      Objects.requireNonNull(signal, "signal");
      matchers = List.copyOf(matchers);
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(comparison, "comparison");
    }

    @Override
    public List<String> signals() {
      return List.of(signal);
    }

    @Override
    public Duration longestWindow() {
      return window;
    }
  }

  /**
   * Holds for a group of the {@code on} labels when every child holds for it ({@code all}) or at
   * least one does ({@code any}).
   *
   * @param all true for {@code all}, false for {@code any}
   * @param conditions the children, two or more
   * @param on labels that identify a group; each child's results are projected onto them
   */
  record Combination(boolean all, List<RuleCondition> conditions, List<String> on)
      implements RuleCondition {
    public Combination {
      conditions = List.copyOf(conditions);
      on = List.copyOf(on);
    }

    @Override
    public List<String> signals() {
      List<String> signals = new ArrayList<>();
      conditions.forEach(c -> signals.addAll(c.signals()));
      return signals;
    }

    @Override
    public Duration longestWindow() {
      Duration longest = Duration.ZERO;
      for (RuleCondition condition : conditions) {
        longest = max(longest, condition.longestWindow());
      }
      return longest;
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
