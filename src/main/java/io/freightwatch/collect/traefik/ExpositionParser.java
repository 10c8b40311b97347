package io.freightwatch.collect.traefik;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text into metric families.
 *
 * <p>A hand-written scanner reads the text once, character by character, with no regular
 * expressions, and pools repeated label names and values so that a scrape of tens of thousands of
 * series allocates little beyond its samples. It handles {@code # HELP}, {@code # TYPE} and
 * (OpenMetrics) {@code # UNIT} lines, label value escapes {@code \\}, {@code \"} and {@code \n},
 * the values {@code NaN}, {@code +Inf} and {@code -Inf} and exponents, optional timestamps
 * (milliseconds in Prometheus text, seconds in OpenMetrics), OpenMetrics exemplars after {@code #}
 * and the closing {@code # EOF}. Samples are grouped into families by name, with {@code _bucket},
 * {@code _sum}, {@code _count}, {@code _created} and {@code _total} suffixes resolved by the
 * declared type.
 *
 * <p>The differences between the two formats follow their specifications. Prometheus text allows
 * runs of blanks and tabs between tokens, a trailing comma in a label set and free-form {@code #}
 * comments. OpenMetrics requires single spaces, rejects unknown {@code #} lines and must end with
 * {@code # EOF}. Both accept blank lines.
 *
 * <p>Any violation rejects the whole text with an {@link ExpositionFormatException} that names the
 * line, the column, what was expected there and the text around it. Besides syntax, the parser
 * rejects a second {@code # TYPE} for a family, a {@code # TYPE} after the family's samples, a
 * label name given twice, the same series written twice, and histogram buckets or summary quantiles
 * whose {@code le} or {@code quantile} label is missing or not a number.
 */
public final class ExpositionParser {

  private static final String[] FAMILY_SUFFIXES = {
    "_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"
  };

  private final String text;
  private final ExpositionFormat format;
  private final boolean openMetrics;
  private final StringPool pool = new StringPool();
  private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
  private final Map<SeriesId, Integer> firstLineBySeries = new HashMap<>();
  private final StringBuilder unescaped = new StringBuilder();
  private String[] labelPairs = new String[16];
  private FamilyBuilder current;
  private int lineNumber;
  private int lineStart;
  private int lineEnd;
  private int pos;
  private boolean eofSeen;

  private ExpositionParser(String text, ExpositionFormat format) {
    this.text = text;
    this.format = format;
    this.openMetrics = format == ExpositionFormat.OPENMETRICS;
  }

  /**
   * Parses a whole scrape body.
   *
   * @throws ExpositionFormatException on the first violation of {@code format}, so that no partial
   *     result is ever returned
   */
  public static Exposition parse(String text, ExpositionFormat format) {
    return new ExpositionParser(text, format).parseAll();
  }

  private Exposition parseAll() {
    int length = text.length();
    int nextLineStart = 0;
    while (nextLineStart < length) {
      lineNumber++;
      lineStart = nextLineStart;
      int newline = text.indexOf('\n', lineStart);
      lineEnd = newline < 0 ? length : newline;
      pos = lineStart;
      if (eofSeen) {
        throw failAt(pos, "nothing after # EOF");
      }
      parseLine();
      nextLineStart = lineEnd + 1;
    }
    if (openMetrics && !eofSeen) {
      lineNumber = Math.max(lineNumber, 1);
      throw failAt(lineEnd, "# EOF as the last line of OpenMetrics text");
    }
    List<MetricFamily> result = new ArrayList<>(families.size());
    for (FamilyBuilder family : families.values()) {
      result.add(family.build());
    }
    return new Exposition(format, result);
  }

  private void parseLine() {
    if (!openMetrics) {
      skipBlanks();
    }
    if (pos == lineEnd) {
      return;
    }
    if (text.charAt(pos) == '#') {
      if (openMetrics) {
        parseOpenMetricsComment();
      } else {
        parseTextComment();
      }
      return;
    }
    parseSample();
  }

  // ---- comments and metadata

  private void parseTextComment() {
    pos++;
    skipBlanks();
    int keywordStart = pos;
    while (pos < lineEnd && !isBlank(text.charAt(pos))) {
      pos++;
    }
    boolean isHelp = regionIs(keywordStart, pos, "HELP");
    boolean isType = regionIs(keywordStart, pos, "TYPE");

    skipBlanks();
    // Any other comment, and a bare "# HELP" or "# TYPE", carries no metadata, and Prometheus' own
    // text parser ignores them too.
    if ((!isHelp && !isType) || pos == lineEnd) {
      return;
    }

    int nameStart = pos;
    String name = readMetricName("a metric name after # " + (isHelp ? "HELP" : "TYPE"));
    if (isHelp) {
      if (pos < lineEnd) {
        requireSeparator("a blank between the metric name and the help text");
      }
      declareHelp(name, nameStart, readHelpText());
      return;
    }

    requireSeparator("a blank between the metric name and its type");
    int typeStart = pos;
    while (pos < lineEnd && !isBlank(text.charAt(pos))) {
      pos++;
    }
    FamilyType type = textType(text.substring(typeStart, pos));
    if (type == null) {
      throw failAt(typeStart, "a type of counter, gauge, histogram, summary or untyped");
    }
    skipBlanks();
    requireEndOfLine("the end of the line after the type");
    declareType(name, nameStart, type);
  }

  private void parseOpenMetricsComment() {
    if (regionIs(pos, lineEnd, "# EOF")) {
      eofSeen = true;
      return;
    }
    boolean isHelp = text.startsWith("# HELP ", pos);
    boolean isType = text.startsWith("# TYPE ", pos);
    boolean isUnit = text.startsWith("# UNIT ", pos);
    if (!isHelp && !isType && !isUnit) {
      throw failAt(pos, "# HELP, # TYPE, # UNIT or # EOF; OpenMetrics has no other comments");
    }

    pos += "# HELP ".length();
    int nameStart = pos;
    String name = readMetricName("a metric name after the keyword");
    String rest = "";
    int restStart = pos;
    if (pos < lineEnd) {
      requireSeparator("a space after the metric name");
      restStart = pos;
      rest = isHelp ? readHelpText() : text.substring(pos, lineEnd);
    }

    if (isHelp) {
      declareHelp(name, nameStart, rest);
    } else if (isType) {
      FamilyType type = openMetricsType(rest);
      if (type == null) {
        throw failAt(
            restStart,
            "a type of counter, gauge, histogram, gaugehistogram, stateset, info, summary or"
                + " unknown");
      }
      declareType(name, nameStart, type);
    } else {
      declareUnit(name, nameStart, restStart, rest);
    }
  }

  private void declareType(String name, int nameStart, FamilyType type) {
    FamilyBuilder family = familyForMetadata(name, nameStart, "# TYPE");
    if (family.typeDeclared) {
      throw failAt(nameStart, "one # TYPE line per metric family, but " + name + " has two");
    }
    family.type = type;
    family.typeDeclared = true;
  }

  private void declareHelp(String name, int nameStart, String help) {
    FamilyBuilder family = families.get(name);
    if (family == null || openMetrics) {
      family = familyForMetadata(name, nameStart, "# HELP");
    }
    if (family.helpDeclared) {
      throw failAt(nameStart, "one # HELP line per metric family, but " + name + " has two");
    }
    family.help = help;
    family.helpDeclared = true;
  }

  private void declareUnit(String name, int nameStart, int unitStart, String unit) {
    FamilyBuilder family = familyForMetadata(name, nameStart, "# UNIT");
    if (family.unitDeclared) {
      throw failAt(nameStart, "one # UNIT line per metric family, but " + name + " has two");
    }
    if (!unit.isEmpty() && !name.endsWith("_" + unit)) {
      throw failAt(unitStart, "a unit that ends the metric name, as in x_seconds for seconds");
    }
    family.unit = unit;
    family.unitDeclared = true;
  }

  /**
   * Returns the family that a metadata line names, creating it when new. Metadata must come before
   * the family's samples: a later {@code # TYPE} would change how samples already read were
   * grouped.
   */
  private FamilyBuilder familyForMetadata(String name, int nameStart, String keyword) {
    FamilyBuilder family = families.computeIfAbsent(name, FamilyBuilder::new);
    if (!family.samples.isEmpty()) {
      throw failAt(nameStart, keyword + " before the samples of " + name);
    }
    current = family;
    return family;
  }

  /** Reads the rest of the line as help text, resolving {@code \\}, {@code \n} (and {@code \"}). */
  private String readHelpText() {
    unescaped.setLength(0);
    while (pos < lineEnd) {
      char c = text.charAt(pos);
      if (c != '\\') {
        unescaped.append(c);
        pos++;
        continue;
      }
      char next = pos + 1 < lineEnd ? text.charAt(pos + 1) : '\n';
      if (next == '\\') {
        unescaped.append('\\');
      } else if (next == 'n') {
        unescaped.append('\n');
      } else if (next == '"' && openMetrics) {
        unescaped.append('"');
      } else {
        throw failAt(pos, openMetrics ? "an escape \\\\, \\\" or \\n" : "an escape \\\\ or \\n");
      }
      pos += 2;
    }
    return unescaped.toString();
  }

  // ---- samples

  private void parseSample() {
    int nameStart = pos;
    String name = readMetricName("a metric name or #");
    int pairCount = 0;
    if (pos < lineEnd && text.charAt(pos) == '{') {
      pairCount = readLabels();
    }
    int duplicate = LabelSet.sortPairs(labelPairs, pairCount);
    if (duplicate >= 0) {
      throw failAt(
          nameStart, "each label name once, but " + labelPairs[duplicate] + " is given twice");
    }
    LabelSet labels = LabelSet.fromSortedPairs(labelPairs, pairCount);

    requireSeparator("a blank between the series and its value");
    double value = readFloat("a number, NaN, +Inf or -Inf as the sample value");
    OptionalLong timestamp = OptionalLong.empty();
    Optional<Exemplar> exemplar = Optional.empty();
    int exemplarStart = -1;
    if (openMetrics) {
      if (pos < lineEnd && !text.startsWith(" # ", pos)) {
        requireSeparator("a space after the value");
        timestamp = OptionalLong.of(readOpenMetricsTimestamp());
      }
      if (pos < lineEnd) {
        exemplarStart = pos + 1;
        exemplar = Optional.of(readExemplar());
      }
    } else {
      skipBlanks();
      if (pos < lineEnd) {
        timestamp = OptionalLong.of(readTextTimestamp());
        skipBlanks();
      }
    }
    requireEndOfLine("the end of the line after the sample");

    FamilyBuilder family = familyForSample(name, nameStart);
    checkSpecialLabels(family, name, labels, nameStart);
    if (exemplar.isPresent() && !allowsExemplar(family.type, name)) {
      throw failAt(exemplarStart, "no exemplar: only counter _total and _bucket samples have one");
    }
    Integer firstLine = firstLineBySeries.putIfAbsent(new SeriesId(name, labels), lineNumber);
    if (firstLine != null) {
      throw failAt(nameStart, "each series once, but this one is also on line " + firstLine);
    }
    family.samples.add(new ParsedSample(name, labels, value, timestamp, exemplar));
    current = family;
  }

  /** Reads {@code {name="value",...}} into {@link #labelPairs}; returns the number of entries. */
  private int readLabels() {
    pos++;
    int count = 0;
    skipBlanks();
    if (pos < lineEnd && text.charAt(pos) == '}') {
      pos++;
      return 0;
    }
    while (true) {
      String name = readLabelName();
      skipBlanks();
      expect('=', "'=' after label name " + name);
      skipBlanks();
      if (pos >= lineEnd || text.charAt(pos) != '"') {
        throw failAt(pos, "a label value in double quotes after " + name + "=");
      }
      String value = readQuotedValue();
      if (count + 2 > labelPairs.length) {
        labelPairs = Arrays.copyOf(labelPairs, labelPairs.length * 2);
      }
      labelPairs[count++] = name;
      labelPairs[count++] = value;
      skipBlanks();
      char c = pos < lineEnd ? text.charAt(pos) : '\n';
      if (c == '}') {
        pos++;
        return count;
      }
      if (c != ',') {
        throw failAt(pos, "',' or '}' after the value of label " + name);
      }
      pos++;
      skipBlanks();
      // Prometheus text allows a trailing comma before '}', but OpenMetrics does not.
      if (!openMetrics && pos < lineEnd && text.charAt(pos) == '}') {
        pos++;
        return count;
      }
    }
  }

  /** Reads a label value from its opening quote to its closing quote, resolving escapes. */
  private String readQuotedValue() {
    int quote = pos;
    pos++;
    int start = pos;
    while (pos < lineEnd) {
      char c = text.charAt(pos);
      if (c == '"') {
        String value = pool.get(text, start, pos);
        pos++;
        return value;
      }
      if (c == '\\') {
        break;
      }
      pos++;
    }
    unescaped.setLength(0);
    unescaped.append(text, start, pos);
    while (pos < lineEnd) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return pool.get(unescaped, 0, unescaped.length());
      }
      if (c != '\\') {
        unescaped.append(c);
        pos++;
        continue;
      }
      char next = pos + 1 < lineEnd ? text.charAt(pos + 1) : '\n';
      switch (next) {
        case '\\' -> unescaped.append('\\');
        case '"' -> unescaped.append('"');
        case 'n' -> unescaped.append('\n');
        default -> throw failAt(pos, "an escape \\\\, \\\" or \\n in the label value");
      }
      pos += 2;
    }
    throw failAt(quote, "a closing '\"' for the label value that starts here");
  }

  private Exemplar readExemplar() {
    if (!text.startsWith(" # {", pos)) {
      throw failAt(pos, "' # {' starting an exemplar, or the end of the line");
    }
    pos += 3;
    int pairCount = readLabels();
    int duplicate = LabelSet.sortPairs(labelPairs, pairCount);
    if (duplicate >= 0) {
      throw failAt(pos, "each exemplar label name once, but " + labelPairs[duplicate] + " repeats");
    }
    LabelSet labels = LabelSet.fromSortedPairs(labelPairs, pairCount);
    requireSeparator("a space between the exemplar labels and its value");
    double value = readFloat("a number as the exemplar value");
    OptionalLong timestamp = OptionalLong.empty();
    if (pos < lineEnd) {
      requireSeparator("a space after the exemplar value");
      timestamp = OptionalLong.of(readOpenMetricsTimestamp());
    }
    return new Exemplar(labels, value, timestamp);
  }

  /**
   * Returns the family a sample belongs to: the current one when the name fits it, else a family
   * whose declared type accepts the name's suffix, else one named exactly like the sample, else a
   * new undeclared family.
   */
  private FamilyBuilder familyForSample(String name, int nameStart) {
    if (current != null && current.type.accepts(current.name, name)) {
      return current;
    }
    for (String suffix : FAMILY_SUFFIXES) {
      if (name.endsWith(suffix)) {
        FamilyBuilder family = families.get(name.substring(0, name.length() - suffix.length()));
        if (family != null && family.type.accepts(family.name, name)) {
          return family;
        }
      }
    }
    FamilyBuilder exact = families.get(name);
    if (exact == null) {
      FamilyBuilder created = new FamilyBuilder(name);
      families.put(name, created);
      return created;
    }
    if (!exact.type.accepts(exact.name, name)) {
      throw failAt(
          nameStart,
          "a sample name with a suffix that fits "
              + exact.type.name().toLowerCase(Locale.ROOT)
              + " family "
              + name);
    }
    return exact;
  }

  private void checkSpecialLabels(
      FamilyBuilder family, String name, LabelSet labels, int nameStart) {
    boolean isBucket =
        (family.type == FamilyType.HISTOGRAM || family.type == FamilyType.GAUGE_HISTOGRAM)
            && name.endsWith("_bucket");
    boolean isQuantile = family.type == FamilyType.SUMMARY && name.equals(family.name);
    if (!isBucket && !isQuantile) {
      return;
    }
    String label = isBucket ? "le" : "quantile";
    String bound = labels.get(label);
    if (bound.isEmpty()) {
      throw failAt(nameStart, "a label " + label + " on " + name);
    }
    try {
      ExpositionNumbers.parseFloat(bound, 0, bound.length());
    } catch (NumberFormatException e) {
      throw failAt(nameStart, "a number in label " + label + ", not \"" + bound + "\"");
    }
  }

  private static boolean allowsExemplar(FamilyType type, String name) {
    return switch (type) {
      case COUNTER -> name.endsWith("_total");
      case HISTOGRAM, GAUGE_HISTOGRAM -> name.endsWith("_bucket");
      default -> false;
    };
  }

  // ---- tokens

  private String readMetricName(String expected) {
    int start = pos;
    if (pos >= lineEnd || !isMetricNameStart(text.charAt(pos))) {
      throw failAt(pos, expected);
    }
    pos++;
    while (pos < lineEnd && isMetricNameChar(text.charAt(pos))) {
      pos++;
    }
    return pool.get(text, start, pos);
  }

  private String readLabelName() {
    int start = pos;
    if (pos >= lineEnd || !isLabelNameStart(text.charAt(pos))) {
      throw failAt(pos, "a label name");
    }
    pos++;
    while (pos < lineEnd && isLabelNameChar(text.charAt(pos))) {
      pos++;
    }
    return pool.get(text, start, pos);
  }

  private double readFloat(String expected) {
    int start = pos;
    while (pos < lineEnd && !isBlank(text.charAt(pos))) {
      pos++;
    }
    try {
      return ExpositionNumbers.parseFloat(text, start, pos);
    } catch (NumberFormatException e) {
      throw failAt(start, expected);
    }
  }

  private long readTextTimestamp() {
    int start = pos;
    while (pos < lineEnd && !isBlank(text.charAt(pos))) {
      pos++;
    }
    try {
      return ExpositionNumbers.parseLong(text, start, pos);
    } catch (NumberFormatException e) {
      throw failAt(start, "a timestamp in integer milliseconds, or the end of the line");
    }
  }

  private long readOpenMetricsTimestamp() {
    int start = pos;
    double seconds = readFloat("a timestamp in seconds");
    if (!Double.isFinite(seconds)) {
      throw failAt(start, "a finite timestamp in seconds");
    }
    return Math.round(seconds * 1000);
  }

  private void expect(char c, String expected) {
    if (pos >= lineEnd || text.charAt(pos) != c) {
      throw failAt(pos, expected);
    }
    pos++;
  }

  /** Consumes one space (OpenMetrics) or a run of blanks and tabs (Prometheus text). */
  private void requireSeparator(String expected) {
    if (pos >= lineEnd || !isBlank(text.charAt(pos))) {
      throw failAt(pos, expected);
    }
    pos++;
    skipBlanks();
  }

  private void requireEndOfLine(String expected) {
    if (pos < lineEnd) {
      throw failAt(pos, expected);
    }
  }

  /** Skips blanks and tabs in Prometheus text; OpenMetrics allows no extra whitespace. */
  private void skipBlanks() {
    if (openMetrics) {
      return;
    }
    while (pos < lineEnd && isBlank(text.charAt(pos))) {
      pos++;
    }
  }

  private boolean isBlank(char c) {
    return c == ' ' || (c == '\t' && !openMetrics);
  }

  private boolean regionIs(int start, int end, String expected) {
    return end - start == expected.length() && text.startsWith(expected, start);
  }

  private static boolean isMetricNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isMetricNameChar(char c) {
    return isMetricNameStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLabelNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isLabelNameChar(char c) {
    return isLabelNameStart(c) || (c >= '0' && c <= '9');
  }

  private static FamilyType textType(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "counter" -> FamilyType.COUNTER;
      case "gauge" -> FamilyType.GAUGE;
      case "histogram" -> FamilyType.HISTOGRAM;
      case "summary" -> FamilyType.SUMMARY;
      case "untyped" -> FamilyType.UNKNOWN;
      default -> null;
    };
  }

  private static FamilyType openMetricsType(String name) {
    return switch (name) {
      case "counter" -> FamilyType.COUNTER;
      case "gauge" -> FamilyType.GAUGE;
      case "histogram" -> FamilyType.HISTOGRAM;
      case "gaugehistogram" -> FamilyType.GAUGE_HISTOGRAM;
      case "stateset" -> FamilyType.STATE_SET;
      case "info" -> FamilyType.INFO;
      case "summary" -> FamilyType.SUMMARY;
      case "unknown" -> FamilyType.UNKNOWN;
      default -> null;
    };
  }

  private ExpositionFormatException failAt(int position, String expected) {
    return new ExpositionFormatException(
        lineNumber, position - lineStart + 1, expected, text.substring(lineStart, lineEnd));
  }

  /** A family while its lines are being read. */
  private static final class FamilyBuilder {
    final String name;
    final List<ParsedSample> samples = new ArrayList<>();
    FamilyType type = FamilyType.UNKNOWN;
    String help = "";
    String unit = "";
    boolean typeDeclared;
    boolean helpDeclared;
    boolean unitDeclared;

    FamilyBuilder(String name) {
      this.name = name;
    }

    MetricFamily build() {
      return new MetricFamily(name, type, help, unit, samples);
    }
  }
}
