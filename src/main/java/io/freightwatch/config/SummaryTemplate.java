package io.freightwatch.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An alert text with placeholders, in a small subset of the Prometheus template syntax:
 *
 * <ul>
 *   <li>{@code {{ $labels.tenant }}}: a label of the alert;
 *   <li>{@code {{ $value }}}: the value compared with the threshold;
 *   <li>{@code {{ $threshold }}}: the rule's threshold;
 *   <li>{@code {{ signal "metric_name" }}}: the latest value of another series that has the
 *       alert's identifying labels, such as the oldest job age next to a job count;
 *   <li>a value may be piped into one format: {@code duration} (seconds as {@code 25m 3s}), {@code
 *       percent} (a 0..1 ratio as {@code 12.5%}), {@code bytes} ({@code 1.5 MiB}), {@code round}.
 * </ul>
 *
 * Values that are not known render as {@code unknown}.
 */
public final class SummaryTemplate {

  private static final Set<String> FORMATS = Set.of("duration", "percent", "bytes", "round");

  private final String text;
  private final List<Part> parts;

  private SummaryTemplate(String text, List<Part> parts) {
    this.text = text;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the placeholder that is not understood
   */
  public static SummaryTemplate parse(String text) {
    List<Part> parts = new ArrayList<>();
    int position = 0;
    while (position < text.length()) {
      int open = text.indexOf("{{", position);
      if (open < 0) {
        parts.add(new Literal(text.substring(position)));
        break;
      }
      if (open > position) {
        parts.add(new Literal(text.substring(position, open)));
      }
      int close = text.indexOf("}}", open);
      if (close < 0) {
        throw new IllegalArgumentException("placeholder " + excerpt(text, open)
            + " at character " + (open + 1) + " is not closed; end it with }}");
      }
      // Without this check, the }} of the next placeholder would close this one, and the error
      // would be about the text of both.
      int nextOpen = text.indexOf("{{", open + 2);
      if (nextOpen >= 0 && nextOpen < close) {
        throw new IllegalArgumentException("placeholder " + excerpt(text, open)
            + " at character " + (open + 1) + " is not closed before the next {{ at character "
            + (nextOpen + 1) + "; end it with }}");
      }
      parts.add(parsePlaceholder(text.substring(open + 2, close).trim()));
      position = close + 2;
    }
    return new SummaryTemplate(text, parts);
  }

  public String text() {
    return text;
  }

  /** Names of the other signals this template reads. */
  public List<String> signals() {
    return parts.stream()
        .filter(p -> p instanceof Placeholder placeholder && placeholder.kind() == Kind.SIGNAL)
        .map(p -> ((Placeholder) p).argument())
        .toList();
  }

  /** Fills the template. */
  public String render(Values values) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Literal literal) {
        out.append(literal.text());
      } else if (part instanceof Placeholder placeholder) {
        out.append(placeholder.render(values));
      }
    }
    return out.toString();
  }

  /** Values a template reads when it is rendered. */
  public interface Values {
    /** Returns a label of the alert, or empty text. */
    String label(String name);

    double value();

    double threshold();

    /** Returns the latest value of {@code name} for the alert's labels, or NaN when unknown. */
    double signal(String name);
  }

  /** Formats a number as a template without a format does: integers plainly, else 3 digits. */
  public static String formatNumber(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "unknown";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(3, RoundingMode.HALF_UP));
    if (Math.abs(value) >= 1e15 || Math.abs(value) < 1e-6) {
      return String.format(Locale.ROOT, "%.3g", value);
    }
    return rounded.stripTrailingZeros().toPlainString();
  }

  /**
   * Formats seconds as {@code 1h 5m}, {@code 25m 3s}, {@code 42s}, {@code 4.7s} or {@code 350ms}.
   * Below 10 s one decimal is kept, because rounding to whole seconds moves a short wait by up to
   * half a second, which is a large share of it. A whole number of seconds shows no decimal.
   */
  public static String formatDuration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "unknown";
    }
    long millis = Math.round(seconds * 1000);
    if (Math.abs(millis) < 1000) {
      return millis + "ms";
    }
    long tenths = Math.round(seconds * 10);
    if (Math.abs(tenths) < 100) {
      return tenths % 10 == 0 ? tenths / 10 + "s" : formatNumber(tenths / 10.0) + "s";
    }
    long total = Math.round(seconds);
    long days = total / 86400;
    long hours = total % 86400 / 3600;
    long minutes = total % 3600 / 60;
    long secs = total % 60;
    if (days > 0) {
      return days + "d " + hours + "h";
    }
    if (hours > 0) {
      return hours + "h " + minutes + "m";
    }
    if (minutes > 0) {
      return minutes + "m " + secs + "s";
    }
    return secs + "s";
  }

  /**
   * Returns the text from {@code open} up to the next placeholder or line end, at most 30
   * characters, so that an error shows which placeholder it means.
   */
  private static String excerpt(String text, int open) {
    int end = Math.min(text.length(), open + 30);
    int nextOpen = text.indexOf("{{", open + 2);
    if (nextOpen >= 0 && nextOpen < end) {
      end = nextOpen;
    }
    int newline = text.indexOf('\n', open);
    if (newline >= 0 && newline < end) {
      end = newline;
    }
    return "\"" + text.substring(open, end).strip() + "\"";
  }

  private static Placeholder parsePlaceholder(String body) {
    String[] pipeline = body.split("\\|");
    String head = pipeline[0].trim();
    String format = pipeline.length > 1 ? pipeline[1].trim() : "";
    if (pipeline.length > 2) {
      throw new IllegalArgumentException("{{ " + body + " }} pipes into more than one format;"
          + " use one of " + FORMATS);
    }
    if (!format.isEmpty() && !FORMATS.contains(format)) {
      throw new IllegalArgumentException("{{ " + body + " }} uses unknown format \"" + format
          + "\"; use one of " + FORMATS);
    }
    if (head.startsWith("$labels.") && head.length() > "$labels.".length()) {
      if (!format.isEmpty()) {
        throw new IllegalArgumentException("{{ " + body + " }}: a label is text and takes no format");
      }
      return new Placeholder(Kind.LABEL, head.substring("$labels.".length()), format);
    }
    if (head.equals("$value")) {
      return new Placeholder(Kind.VALUE, "", format);
    }
    if (head.equals("$threshold")) {
      return new Placeholder(Kind.THRESHOLD, "", format);
    }
    if (head.startsWith("signal ")) {
      String argument = head.substring("signal ".length()).trim();
      if (argument.length() < 3 || !argument.startsWith("\"") || !argument.endsWith("\"")) {
        throw new IllegalArgumentException("{{ " + body + " }}: write the metric name in double"
            + " quotes, e.g. {{ signal \"freightwatch_odoo_queue_job_oldest_pending_age_seconds\" }}");
      }
      String signal = argument.substring(1, argument.length() - 1);
      if (!SignalCatalogue.get().isKnown(signal)) {
        throw new IllegalArgumentException("{{ " + body + " }}: "
            + RuleFileReader.unknownSignal(signal));
      }
      return new Placeholder(Kind.SIGNAL, signal, format);
    }
    throw new IllegalArgumentException("{{ " + body + " }} is not understood; use $labels.NAME,"
        + " $value, $threshold or signal \"metric_name\"");
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SummaryTemplate template && text.equals(template.text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text);
  }

  private sealed interface Part permits Literal, Placeholder {}

  private record Literal(String text) implements Part {}

  private enum Kind {
    LABEL,
    VALUE,
    THRESHOLD,
    SIGNAL
  }

  private record Placeholder(Kind kind, String argument, String format) implements Part {
    String render(Values values) {
      double number =
          switch (kind) {
            case LABEL -> Double.NaN;
            case VALUE -> values.value();
            case THRESHOLD -> values.threshold();
            case SIGNAL -> values.signal(argument);
          };
      if (kind == Kind.LABEL) {
        String label = values.label(argument);
        return label.isEmpty() ? "unknown" : label;
      }
      return switch (format) {
        case "duration" -> formatDuration(number);
        case "percent" -> Double.isNaN(number) ? "unknown" : formatNumber(number * 100) + "%";
        case "bytes" -> formatBytes(number);
        case "round" -> Double.isNaN(number) ? "unknown" : Long.toString(Math.round(number));
        default -> formatNumber(number);
      };
    }
  }

  private static String formatBytes(double bytes) {
    if (Double.isNaN(bytes) || Double.isInfinite(bytes)) {
      return "unknown";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (Math.abs(value) >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return formatNumber(unit == 0 ? value : Math.round(value * 10) / 10.0) + " " + units[unit];
  }
}
