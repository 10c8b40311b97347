package io.freightwatch.config;

import java.time.Duration;
import java.util.Optional;

/** Parses and prints durations in the Prometheus form: {@code 500ms}, {@code 15s}, {@code 1h30m}. */
public final class Durations {

  private Durations() {}

  /**
   * Parses {@code text}, a sequence of number-unit pairs with units {@code ms s m h d w} in
   * decreasing order. Returns empty when the text is not of that form.
   */
  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    int lastRank = Integer.MAX_VALUE;
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && Character.isDigit(text.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 9) {
        return Optional.empty();
      }
      long amount = Long.parseLong(text.substring(start, i));
      int unitStart = i;
      while (i < text.length() && Character.isLetter(text.charAt(i))) {
        i++;
      }
      String unit = text.substring(unitStart, i);
      int rank = rank(unit);
      if (rank < 0 || rank >= lastRank) {
        return Optional.empty();
      }
      lastRank = rank;
      total = total.plus(unitDuration(unit).multipliedBy(amount));
    }
    return Optional.of(total);
  }

  /** Formats {@code duration} in the shortest Prometheus form, for example {@code 1h30m}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long millis = duration.toMillis();
    String[] units = {"w", "d", "h", "m", "s", "ms"};
    for (String unit : units) {
      long size = unitDuration(unit).toMillis();
      if (millis >= size) {
        out.append(millis / size).append(unit);
        millis %= size;
      }
    }
    return out.toString();
  }

  private static int rank(String unit) {
    return switch (unit) {
      case "ms" -> 0;
      case "s" -> 1;
      case "m" -> 2;
      case "h" -> 3;
      case "d" -> 4;
      case "w" -> 5;
      default -> -1;
    };
  }

  private static Duration unitDuration(String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(1);
      case "s" -> Duration.ofSeconds(1);
      case "m" -> Duration.ofMinutes(1);
      case "h" -> Duration.ofHours(1);
      case "d" -> Duration.ofDays(1);
      case "w" -> Duration.ofDays(7);
      default -> throw new IllegalArgumentException("unknown duration unit " + unit);
    };
  }
}
