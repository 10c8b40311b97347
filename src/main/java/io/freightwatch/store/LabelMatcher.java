package io.freightwatch.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A condition on one label, with Prometheus semantics: an absent label has the value "", and
 * regular expressions must match the whole value.
 *
 * @param name label name
 * @param operator how to compare
 * @param value the literal value or the regular expression's text
 */
public record LabelMatcher(String name, Operator operator, String value, Pattern pattern) {

  /** Comparison operators, written as in PromQL selectors. */
  public enum Operator {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  public LabelMatcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(value, "value");
    if (pattern == null && (operator == Operator.REGEX || operator == Operator.NOT_REGEX)) {
      pattern = Pattern.compile(value);
    }
  }

  public static LabelMatcher equal(String name, String value) {
    return new LabelMatcher(name, Operator.EQUAL, value, null);
  }

  /**
   * Parses a matcher from its YAML form: a plain value means equality; a value starting with
   * {@code =~}, {@code !~} or {@code !=} uses that operator on the rest.
   *
   * @throws java.util.regex.PatternSyntaxException when a regular expression is invalid
   */
  public static LabelMatcher parse(String name, String spec) {
    if (spec.startsWith("=~")) {
      return new LabelMatcher(name, Operator.REGEX, spec.substring(2), null);
    }
    if (spec.startsWith("!~")) {
      return new LabelMatcher(name, Operator.NOT_REGEX, spec.substring(2), null);
    }
    if (spec.startsWith("!=")) {
      return new LabelMatcher(name, Operator.NOT_EQUAL, spec.substring(2), null);
    }
    return equal(name, spec);
  }

  public boolean matches(Labels labels) {
    String actual = labels.get(name);
    return switch (operator) {
      case EQUAL -> actual.equals(value);
      case NOT_EQUAL -> !actual.equals(value);
      case REGEX -> pattern.matcher(actual).matches();
      case NOT_REGEX -> !pattern.matcher(actual).matches();
    };
  }

  @Override
  public String toString() {
    return name + operator.symbol() + "\"" + value + "\"";
  }
}
