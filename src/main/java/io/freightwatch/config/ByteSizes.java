package io.freightwatch.config;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 500GiB}, {@code 1.5TB} or {@code 1073741824} into bytes. */
final class ByteSizes {

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?i?b?)?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /**
   * Returns the size in bytes, or empty when {@code text} is not a size. Decimal units (kB, MB, GB,
   * TB, PB) are powers of 1000 and binary units (KiB, MiB, GiB, TiB, PiB) powers of 1024.
   */
  static OptionalLong parse(String text) {
    Matcher matcher = SIZE.matcher(text.strip());
    if (!matcher.matches()) {
      return OptionalLong.empty();
    }
    double number = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "" : matcher.group(2).toLowerCase(Locale.ROOT);
    if (!unit.isEmpty() && !unit.endsWith("b")) {
      return OptionalLong.empty();
    }
    int power = unit.isEmpty() || unit.equals("b") ? 0 : "kmgtp".indexOf(unit.charAt(0)) + 1;
    double base = unit.contains("i") ? 1024 : 1000;
    double bytes = number * Math.pow(base, power);
    return bytes >= 1 && bytes < Long.MAX_VALUE
        ? OptionalLong.of((long) bytes)
        : OptionalLong.empty();
  }

  /** Reads {@code key} as a size, recording a problem with the value and an example. */
  static OptionalLong read(YamlNode parent, String key) {
    Optional<YamlNode> node = parent.get(key);
    if (node.isEmpty()) {
      return OptionalLong.empty();
    }
    Optional<String> text = node.get().asString();
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong bytes = parse(text.get());
    if (bytes.isEmpty()) {
      node.get()
          .problem(
              "got \""
                  + text.get()
                  + "\"; expected a positive size in bytes or with a unit, e.g. 500GiB or 2TB");
    }
    return bytes;
  }
}
