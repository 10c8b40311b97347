package io.freightwatch.collect.traefik;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parses Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text into metric families.
 *
 * <p>A hand-written scanner reads the UTF-8 bytes once, with no regular expressions. It handles
 * {@code # HELP}, {@code # TYPE} and (OpenMetrics) {@code # UNIT} lines, label value escapes {@code
 * \\}, {@code \"} and {@code \n}, the values {@code NaN}, {@code +Inf} and {@code -Inf} and
 * exponents, optional timestamps (milliseconds in Prometheus text, seconds in OpenMetrics),
 * OpenMetrics exemplars after {@code #} and the closing {@code # EOF}. Samples are grouped into
 * families by name, with {@code _bucket}, {@code _sum}, {@code _count}, {@code _created} and {@code
 * _total} suffixes resolved by the declared type.
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
 * whose {@code le} or {@code quantile} label is missing or not a number. Every family is parsed and
 * checked, including families that the Traefik signals never read, so a broken line anywhere
 * rejects the scrape.
 *
 * <p>Speed comes from making no objects per sample. Names and label values are pooled by their
 * bytes ({@link StringPool}), so a token seen before costs a hash and a comparison, and a token
 * equal to the one at the same place on the previous line costs only the comparison. Samples go
 * into columns ({@link ExpositionSamples}), and the same-series check hashes the pooled ids into
 * an open-addressing table, comparing ids exactly only when two hashes are equal.
 */
public final class ExpositionParser {

  private static final String[] FAMILY_SUFFIXES = {
    "_bucket", "_count", "_sum", "_total", "_created", "_gcount", "_gsum", "_info"
  };

  /**
   * Samples whose series are checked together. The series table is larger than the CPU caches,
   * and checking many samples in a tight loop lets the CPU wait for several of its cache misses
   * at once instead of one per line.
   */
  private static final int SERIES_CHECK_BATCH = 256;

  /** Integers of at most this many digits are below 2^53, which a double represents exactly. */
  private static final int MAX_EXACT_INTEGER_DIGITS = 15;

  /** Bytes per sample line in a typical Traefik scrape, to size the columns up front. */
  private static final int EXPECTED_BYTES_PER_SAMPLE = 100;

  private final byte[] text;
  private final int length;
  private final ExpositionFormat format;
  private final boolean openMetrics;
  private final StringPool pool;
  private final ExpositionSamples samples;
  private final SeriesTable series;
  private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
  private FamilyBuilder current;
  private int lineNumber;
  private int lineStart;
  private int pos;
  private boolean eofSeen;

  /** Samples before this index have had their series checked. */
  private int checkedSamples;

  /**
   * Label ids of the current line as written, in name/value pairs. Entries not read yet still
   * contain the previous line's ids.
   */
  private int[] writtenPairs = new int[16];
  private int previousPairCount;

  /**
   * Start and length of the previous sample line, and the offsets of its name's end and of each
   * label pair's start and end, relative to the line's start. A line that repeats the previous
   * one's bytes up to some point reuses the tokens that end before that point without reading
   * them again.
   */
  private int previousSampleStart;
  private int previousSampleLength = -1;
  private int previousNameEnd;
  private int previousLineNameId;
  private int[] pairStarts = new int[8];
  private int[] pairEnds = new int[8];
  private int[] sortedPairs = new int[16];

  /** Sort orders of recent label name sequences, which repeat from line to line. */
  private final LabelOrder[] orders = {
    new LabelOrder(), new LabelOrder(), new LabelOrder(), new LabelOrder()
  };
  private int nextOrder;

  /** The label that the current sample must carry as a number, le or quantile, or null. */
  private String specialLabel;
  private int leLabelId = -1;
  private int quantileLabelId = -1;

  /**
   * @param text UTF-8 text whose last byte is a line feed, so that every scan loop stops at a line
   *     feed without a separate bounds check
   * @param length length of the scrape body, which may lack that line feed
   */
  private ExpositionParser(byte[] text, int length, ExpositionFormat format) {
    this.text = text;
    this.length = length;
    this.format = format;
    this.openMetrics = format == ExpositionFormat.OPENMETRICS;
    this.pool = new StringPool(text);
    this.samples = new ExpositionSamples(length / EXPECTED_BYTES_PER_SAMPLE);
    this.series = new SeriesTable(length / EXPECTED_BYTES_PER_SAMPLE);
  }

  /**
   * Parses a whole scrape body.
   *
   * @throws ExpositionFormatException on the first violation of {@code format}, so that no partial
   *     result is ever returned
   */
  public static Exposition parse(String text, ExpositionFormat format) {
    return parse(text.getBytes(StandardCharsets.UTF_8), format);
  }

  /**
   * Parses a whole scrape body given as UTF-8 bytes, as it comes off the wire. The array is read,
   * never changed, and must not change during the call. Invalid UTF-8 in names, label values or
   * help text becomes U+FFFD.
   *
   * @throws ExpositionFormatException on the first violation of {@code format}, so that no partial
   *     result is ever returned
   */
  public static Exposition parse(byte[] utf8, ExpositionFormat format) {
    int length = utf8.length;
    byte[] text = utf8;
    if (length == 0 || utf8[length - 1] != '\n') {
      text = Arrays.copyOf(utf8, length + 1);
      text[length] = '\n';
    }
    return new ExpositionParser(text, length, format).parseAll();
  }

  private Exposition parseAll() {
    int nextLineStart = 0;
    while (nextLineStart < length) {
      lineNumber++;
      lineStart = nextLineStart;
      pos = lineStart;
      if (eofSeen) {
        throw failAt(pos, "nothing after # EOF");
      }
      parseLine();
      nextLineStart = pos + 1;
    }
    ExpositionFormatException duplicate = checkSeries();
    if (duplicate != null) {
      throw duplicate;
    }
    if (openMetrics && !eofSeen) {
      lineNumber = Math.max(lineNumber, 1);
      throw failAt(pos, "# EOF as the last line of OpenMetrics text");
    }
    ExpositionSamples parsed = samples.finish(pool.strings());
    List<MetricFamily> result = new ArrayList<>(families.size());
    for (FamilyBuilder family : families.values()) {
      result.add(family.build(parsed));
    }
    return new Exposition(format, result, parsed);
  }

  /** Parses the line at {@link #pos} and leaves {@link #pos} on the line feed that ends it. */
  private void parseLine() {
    skipBlanks();
    byte first = text[pos];
    if (first == '\n') {
      return;
    }
    if (first == '#') {
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
    while (!isBlank(text[pos]) && text[pos] != '\n') {
      pos++;
    }
    boolean isHelp = regionIs(keywordStart, pos, "HELP");
    boolean isType = regionIs(keywordStart, pos, "TYPE");

    skipBlanks();
    // Any other comment, and a bare "# HELP" or "# TYPE", carries no metadata, and Prometheus' own
    // text parser ignores them too.
    if ((!isHelp && !isType) || text[pos] == '\n') {
      pos = endOfLine(pos);
      return;
    }

    int nameStart = pos;
    String keyword = isHelp ? "HELP" : "TYPE";
    String name = pool.string(readMetricName("a metric name after # " + keyword));
    if (isHelp) {
      if (text[pos] != '\n') {
        requireSeparator("a blank between the metric name and the help text");
      }
      declareHelp(name, nameStart, readHelpText());
      return;
    }

    requireSeparator("a blank between the metric name and its type");
    int typeStart = pos;
    while (!isBlank(text[pos]) && text[pos] != '\n') {
      pos++;
    }
    FamilyType type = textType(decode(typeStart, pos));
    if (type == null) {
      throw failAt(typeStart, "a type of counter, gauge, histogram, summary or untyped");
    }
    skipBlanks();
    requireEndOfLine("the end of the line after the type");
    declareType(name, nameStart, type);
  }

  private void parseOpenMetricsComment() {
    int lineEnd = endOfLine(pos);
    if (regionIs(pos, lineEnd, "# EOF")) {
      eofSeen = true;
      pos = lineEnd;
      return;
    }
    boolean isHelp = startsWith(pos, "# HELP ");
    boolean isType = startsWith(pos, "# TYPE ");
    boolean isUnit = startsWith(pos, "# UNIT ");
    if (!isHelp && !isType && !isUnit) {
      throw failAt(pos, "# HELP, # TYPE, # UNIT or # EOF; OpenMetrics has no other comments");
    }

    pos += "# HELP ".length();
    int nameStart = pos;
    String name = pool.string(readMetricName("a metric name after the keyword"));
    String rest = "";
    int restStart = pos;
    if (text[pos] != '\n') {
      requireSeparator("a space after the metric name");
      restStart = pos;
      if (isHelp) {
        rest = readHelpText();
      } else {
        rest = decode(pos, lineEnd);
        pos = lineEnd;
      }
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
    if (family.size > 0) {
      throw failAt(nameStart, keyword + " before the samples of " + name);
    }
    current = family;
    return family;
  }

  /** Reads the rest of the line as help text, resolving {@code \\}, {@code \n} (and {@code \"}). */
  private String readHelpText() {
    int start = pos;
    boolean escaped = false;
    for (; text[pos] != '\n'; pos++) {
      if (text[pos] != '\\') {
        continue;
      }
      byte next = text[pos + 1];
      if (next != '\\' && next != 'n' && (next != '"' || !openMetrics)) {
        throw failAt(pos, openMetrics ? "an escape \\\\, \\\" or \\n" : "an escape \\\\ or \\n");
      }
      escaped = true;
      pos++;
    }
    if (!escaped) {
      return decode(start, pos);
    }
    byte[] bytes = new byte[pos - start];
    int count = 0;
    for (int i = start; i < pos; i++) {
      byte b = text[i];
      if (b == '\\') {
        i++;
        b = text[i] == 'n' ? (byte) '\n' : text[i];
      }
      bytes[count++] = b;
    }
    return new String(bytes, 0, count, StandardCharsets.UTF_8);
  }

  // ---- samples

  private void parseSample() {
    int nameStart = pos;
    int matched = matchPreviousSample(nameStart);
    int nameId;
    int nameEnd;
    int reusedPairs = 0;
    if (matched > previousNameEnd) {
      nameId = previousLineNameId;
      nameEnd = previousNameEnd;
      pos = nameStart + nameEnd;
      while (2 * reusedPairs < previousPairCount && pairEnds[reusedPairs] <= matched) {
        reusedPairs++;
      }
    } else {
      nameId = readSampleName();
      nameEnd = pos - nameStart;
    }
    int pairCount = 0;
    if (text[pos] == '{') {
      pairCount = readLabels(nameStart, 2 * reusedPairs);
    }
    previousPairCount = pairCount;
    previousSampleLength = -1;
    if (sortedPairs.length < pairCount) {
      sortedPairs = new int[writtenPairs.length];
    }
    int keptCount =
        sortLabels(
            pairCount, sortedPairs, nameStart, "each label name once, but ", " is given twice");

    requireSeparator("a blank between the series and its value");
    double value = readFloat("a number, NaN, +Inf or -Inf as the sample value");
    OptionalLong timestamp = OptionalLong.empty();
    Exemplar exemplar = null;
    int exemplarStart = -1;
    if (openMetrics) {
      if (text[pos] != '\n' && !startsWith(pos, " # ")) {
        requireSeparator("a space after the value");
        timestamp = OptionalLong.of(readOpenMetricsTimestamp());
      }
      if (text[pos] != '\n') {
        exemplarStart = pos + 1;
        exemplar = readExemplar();
      }
    } else if (isBlank(text[pos])) {
      skipBlanks();
      if (text[pos] != '\n') {
        timestamp = OptionalLong.of(readTextTimestamp());
        skipBlanks();
      }
    }
    requireEndOfLine("the end of the line after the sample");
    previousSampleStart = nameStart;
    previousSampleLength = pos - nameStart;
    previousNameEnd = nameEnd;
    previousLineNameId = nameId;

    FamilyBuilder family = familyForSample(nameId, nameStart);
    if (specialLabel != null) {
      checkSpecialLabel(nameId, keptCount, nameStart);
    }
    if (exemplar != null && !allowsExemplar(family.type, pool.string(nameId))) {
      throw failAt(exemplarStart, "no exemplar: only counter _total and _bucket samples have one");
    }
    int index = samples.add(nameId, sortedPairs, keptCount, value, lineNumber, lineStart);
    if (index + 1 - checkedSamples >= SERIES_CHECK_BATCH) {
      ExpositionFormatException duplicate = checkSeries();
      if (duplicate != null) {
        throw duplicate;
      }
    }
    if (timestamp.isPresent()) {
      samples.setTimestamp(index, timestamp.getAsLong());
    }
    if (exemplar != null) {
      samples.setExemplar(index, exemplar);
    }
    family.add(index);
    current = family;
  }

  /**
   * Returns how many bytes from {@code start} equal the previous sample line, from its start up to
   * its line feed.
   */
  private int matchPreviousSample(int start) {
    if (previousSampleLength < 0) {
      return 0;
    }
    int length = Math.min(previousSampleLength, text.length - start);
    int mismatch =
        Arrays.mismatch(
            text, start, start + length, text, previousSampleStart, previousSampleStart + length);
    return mismatch < 0 ? length : mismatch;
  }

  /**
   * Reads {@code {name="value",...}} into {@link #writtenPairs} as pooled ids and returns the
   * number of entries. The first {@code reusedCount} entries are the previous line's, which the
   * current line repeats byte for byte, so reading resumes after them.
   *
   * @param sampleStart where the sample line's name starts, which label pair ends are relative to
   */
  private int readLabels(int sampleStart, int reusedCount) {
    int count = reusedCount;
    if (count == 0) {
      pos++;
      skipBlanks();
      if (text[pos] == '}') {
        pos++;
        return 0;
      }
      count = reusePairs(sampleStart, 0);
      if (count == 0) {
        count = readLabelPair(sampleStart, 0);
      }
    } else {
      pos = sampleStart + pairEnds[count / 2 - 1];
    }
    while (true) {
      byte c = text[pos];
      if (isBlank(c)) {
        skipBlanks();
        c = text[pos];
      }
      if (c == '}') {
        pos++;
        return count;
      }
      if (c != ',') {
        throw failAt(
            pos, "',' or '}' after the value of label " + pool.string(writtenPairs[count - 2]));
      }
      pos++;
      skipBlanks();
      // Prometheus text allows a trailing comma before '}', but OpenMetrics does not.
      if (!openMetrics && text[pos] == '}') {
        pos++;
        return count;
      }
      int reused = reusePairs(sampleStart, count);
      count = reused > count ? reused : readLabelPair(sampleStart, count);
    }
  }

  /**
   * Reuses the previous line's label pairs from entry {@code count} on, as far as the text at
   * {@link #pos} repeats them byte for byte, and returns the count after them. A line that differs
   * from the previous one in one label value, such as {@code code} or {@code le}, thus reads only
   * that value.
   */
  private int reusePairs(int sampleStart, int count) {
    int pair = count / 2;
    int previousPairs = previousPairCount / 2;
    if (pair >= previousPairs || previousSampleLength < 0) {
      return count;
    }
    int from = previousSampleStart + pairStarts[pair];
    int length = Math.min(previousSampleLength - pairStarts[pair], text.length - pos);
    int matched = Arrays.mismatch(text, pos, pos + length, text, from, from + length);
    if (matched < 0) {
      matched = length;
    }
    int reused = pair;
    while (reused < previousPairs && pairEnds[reused] - pairStarts[pair] <= matched) {
      reused++;
    }
    if (reused == pair) {
      return count;
    }
    int shift = pos - sampleStart - pairStarts[pair];
    for (int i = pair; i < reused; i++) {
      pairStarts[i] += shift;
      pairEnds[i] += shift;
    }
    pos = sampleStart + pairEnds[reused - 1];
    return 2 * reused;
  }

  /**
   * Reads one {@code name="value"} into {@code writtenPairs[count]} and the next entry, trying the
   * name and value that the previous line had at this place first, and returns the new count.
   */
  private int readLabelPair(int sampleStart, int count) {
    if (count + 2 > writtenPairs.length) {
      writtenPairs = Arrays.copyOf(writtenPairs, writtenPairs.length * 2);
      pairStarts = Arrays.copyOf(pairStarts, writtenPairs.length / 2);
      pairEnds = Arrays.copyOf(pairEnds, writtenPairs.length / 2);
    }
    pairStarts[count / 2] = pos - sampleStart;
    boolean hasPrevious = count < previousPairCount;
    int nameId = readLabelName(hasPrevious ? writtenPairs[count] : -1);
    if (text[pos] != '=') {
      skipBlanks();
    }
    expect('=', "'=' after label name " + pool.string(nameId));
    if (text[pos] != '"') {
      skipBlanks();
      if (text[pos] != '"') {
        throw failAt(pos, "a label value in double quotes after " + pool.string(nameId) + "=");
      }
    }
    int valueId = readQuotedValue(hasPrevious ? writtenPairs[count + 1] : -1);
    writtenPairs[count] = nameId;
    writtenPairs[count + 1] = valueId;
    pairEnds[count / 2] = pos - sampleStart;
    return count + 2;
  }

  /**
   * Copies {@code writtenPairs[0, pairCount)} into {@code sorted} ordered by label name, without
   * the labels whose value is empty, and returns the number of ids kept. Prometheus treats an empty
   * value as an absent label, so {@code x{a=""}} and {@code x} are the same series.
   *
   * @throws ExpositionFormatException when a label name occurs twice
   */
  private int sortLabels(
      int pairCount, int[] sorted, int errorPosition, String messageStart, String messageEnd) {
    int[] pairs = writtenPairs;
    int labelCount = pairCount / 2;
    LabelOrder order = orderFor(pairs, labelCount);
    if (order.duplicate >= 0) {
      throw failAt(errorPosition, messageStart + pool.string(order.duplicate) + messageEnd);
    }
    int keptIds = 0;
    for (int i = 0; i < labelCount; i++) {
      int from = 2 * order.order[i];
      int valueId = pairs[from + 1];
      if (!pool.isEmpty(valueId)) {
        sorted[keptIds++] = pairs[from];
        sorted[keptIds++] = valueId;
      }
    }
    return keptIds;
  }

  private LabelOrder orderFor(int[] pairs, int labelCount) {
    for (LabelOrder order : orders) {
      if (order.fits(pairs, labelCount)) {
        return order;
      }
    }
    LabelOrder order = orders[nextOrder];
    nextOrder = (nextOrder + 1) % orders.length;
    order.find(pairs, labelCount, pool);
    return order;
  }

  /** Reads a quoted label value and returns its pooled id, leaving {@link #pos} after the quote. */
  private int readQuotedValue(int predictedId) {
    int quote = pos;
    int start = pos + 1;
    if (predictedId >= 0) {
      int end = start + pool.rawLength(predictedId);
      if (end < text.length && text[end] == '"' && pool.matchesAt(predictedId, start)) {
        pos = end + 1;
        return predictedId;
      }
    }
    int hash = 0;
    boolean escaped = false;
    pos = start;
    while (true) {
      byte c = text[pos];
      if (c == '"') {
        break;
      }
      if (c == '\n') {
        throw failAt(quote, "a closing '\"' for the label value that starts here");
      }
      if (c == '\\') {
        byte next = text[pos + 1];
        if (next != '\\' && next != '"' && next != 'n') {
          throw failAt(pos, "an escape \\\\, \\\" or \\n in the label value");
        }
        hash = 31 * hash + c;
        c = next;
        escaped = true;
        pos++;
      }
      hash = 31 * hash + c;
      pos++;
    }
    int id = pool.intern(start, pos, hash, escaped);
    pos++;
    return id;
  }

  private Exemplar readExemplar() {
    if (!startsWith(pos, " # {")) {
      throw failAt(pos, "' # {' starting an exemplar, or the end of the line");
    }
    pos += 3;
    // The exemplar's labels replace the sample's in writtenPairs, so the next line reuses none.
    previousPairCount = 0;
    int pairCount = readLabels(pos, 0);
    int[] sorted = new int[pairCount];
    int kept =
        sortLabels(pairCount, sorted, pos, "each exemplar label name once, but ", " repeats");
    String[] pairs = new String[kept];
    for (int i = 0; i < kept; i++) {
      pairs[i] = pool.string(sorted[i]);
    }
    LabelSet labels = kept == 0 ? LabelSet.EMPTY : LabelSet.fromCheckedPairs(pairs);
    requireSeparator("a space between the exemplar labels and its value");
    double value = readFloat("a number as the exemplar value");
    OptionalLong timestamp = OptionalLong.empty();
    if (text[pos] != '\n') {
      requireSeparator("a space after the exemplar value");
      timestamp = OptionalLong.of(readOpenMetricsTimestamp());
    }
    return new Exemplar(labels, value, timestamp);
  }

  /**
   * Returns the family a sample belongs to, and notes in {@link #specialLabel} which label it must
   * carry as a number. The current family remembers the sample names it took, which covers nearly
   * every sample without comparing names.
   */
  private FamilyBuilder familyForSample(int nameId, int nameStart) {
    if (current != null) {
      int known = current.indexOfName(nameId);
      if (known >= 0) {
        specialLabel = current.specialLabels[known];
        return current;
      }
    }
    String name = pool.string(nameId);
    FamilyBuilder family = findFamily(name, nameStart);
    boolean isBucket =
        (family.type == FamilyType.HISTOGRAM || family.type == FamilyType.GAUGE_HISTOGRAM)
            && name.endsWith("_bucket");
    boolean isQuantile = family.type == FamilyType.SUMMARY && name.equals(family.name);
    specialLabel = null;
    if (isBucket) {
      specialLabel = "le";
    } else if (isQuantile) {
      specialLabel = "quantile";
    }
    family.rememberName(nameId, specialLabel);
    return family;
  }

  /**
   * Returns the current family when the name fits it, else a family whose declared type accepts
   * the name's suffix, else one named exactly like the sample, else a new undeclared family.
   */
  private FamilyBuilder findFamily(String name, int nameStart) {
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

  /** Checks that a bucket has a numeric {@code le}, or a summary sample a numeric quantile. */
  private void checkSpecialLabel(int nameId, int keptCount, int nameStart) {
    String label = specialLabel;
    boolean isLe = label.equals("le");
    int labelId = isLe ? leLabelId : quantileLabelId;
    int valueId = -1;
    for (int i = 0; i < keptCount; i += 2) {
      int candidate = sortedPairs[i];
      if (candidate == labelId || (labelId < 0 && pool.string(candidate).equals(label))) {
        labelId = candidate;
        valueId = sortedPairs[i + 1];
        break;
      }
    }
    if (isLe) {
      leLabelId = labelId;
    } else {
      quantileLabelId = labelId;
    }
    if (valueId < 0) {
      throw failAt(nameStart, "a label " + label + " on " + pool.string(nameId));
    }
    if (!pool.isNumber(valueId)) {
      throw failAt(
          nameStart, "a number in label " + label + ", not \"" + pool.string(valueId) + "\"");
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

  /**
   * Reads the name of a sample, trying the names that the current family has taken first, such as
   * {@code x_sum} after {@code x_bucket}, and returns its pooled id.
   */
  private int readSampleName() {
    if (current != null) {
      for (int i = 0; i < current.nameCount; i++) {
        int candidate = current.nameIds[i];
        int end = pos + pool.rawLength(candidate);
        if (end < text.length && !isMetricNameChar(text[end]) && pool.matchesAt(candidate, pos)) {
          pos = end;
          return candidate;
        }
      }
    }
    return readMetricName("a metric name or #");
  }

  private int readMetricName(String expected) {
    int start = pos;
    byte c = text[pos];
    if (!isMetricNameStart(c)) {
      throw failAt(pos, expected);
    }
    int hash = 0;
    do {
      hash = 31 * hash + c;
      c = text[++pos];
    } while (isMetricNameChar(c));
    return pool.intern(start, pos, hash, false);
  }

  private int readLabelName(int predictedId) {
    int start = pos;
    if (predictedId >= 0) {
      int end = start + pool.rawLength(predictedId);
      if (end < text.length && !isLabelNameChar(text[end]) && pool.matchesAt(predictedId, start)) {
        pos = end;
        return predictedId;
      }
    }
    byte c = text[pos];
    if (!isLabelNameStart(c)) {
      throw failAt(pos, "a label name");
    }
    int hash = 0;
    do {
      hash = 31 * hash + c;
      c = text[++pos];
    } while (isLabelNameChar(c));
    return pool.intern(start, pos, hash, false);
  }

  private double readFloat(String expected) {
    int start = pos;
    // Counter values are mostly plain integers, which convert exactly below 2^53.
    long integer = 0;
    int end = start;
    byte c = text[end];
    while (c >= '0' && c <= '9' && end - start < MAX_EXACT_INTEGER_DIGITS) {
      integer = integer * 10 + (c - '0');
      c = text[++end];
    }
    if (end > start && (c == '\n' || isBlank(c))) {
      pos = end;
      return integer;
    }
    end = endOfToken(pos);
    pos = end;
    try {
      return ExpositionNumbers.parseFloat(text, start, end);
    } catch (NumberFormatException e) {
      throw failAt(start, expected);
    }
  }

  private long readTextTimestamp() {
    int start = pos;
    pos = endOfToken(pos);
    try {
      return ExpositionNumbers.parseLong(decode(start, pos), 0, pos - start);
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

  private int endOfToken(int from) {
    int end = from;
    byte c = text[end];
    while (c != '\n' && !isBlank(c)) {
      c = text[++end];
    }
    return end;
  }

  private void expect(char c, String expected) {
    if (text[pos] != c) {
      throw failAt(pos, expected);
    }
    pos++;
  }

  /** Consumes one space (OpenMetrics) or a run of blanks and tabs (Prometheus text). */
  private void requireSeparator(String expected) {
    if (!isBlank(text[pos])) {
      throw failAt(pos, expected);
    }
    pos++;
    skipBlanks();
  }

  private void requireEndOfLine(String expected) {
    if (text[pos] != '\n') {
      throw failAt(pos, expected);
    }
  }

  /** Skips blanks and tabs in Prometheus text; OpenMetrics allows no extra whitespace. */
  private void skipBlanks() {
    if (openMetrics) {
      return;
    }
    while (isBlank(text[pos])) {
      pos++;
    }
  }

  private boolean isBlank(byte c) {
    return c == ' ' || (c == '\t' && !openMetrics);
  }

  private int endOfLine(int from) {
    int end = from;
    while (text[end] != '\n') {
      end++;
    }
    return end;
  }

  private boolean startsWith(int start, String ascii) {
    if (start + ascii.length() > length) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (text[start + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean regionIs(int start, int end, String ascii) {
    return end - start == ascii.length() && startsWith(start, ascii);
  }

  private String decode(int start, int end) {
    return new String(text, start, end - start, StandardCharsets.UTF_8);
  }

  private static boolean isMetricNameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isMetricNameChar(byte c) {
    return isMetricNameStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLabelNameStart(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isLabelNameChar(byte c) {
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

  /**
   * Builds the error for {@code position} on the current line, unless a sample on an earlier line
   * repeats a series, which is then the first error of the scrape and is returned instead.
   */
  private ExpositionFormatException failAt(int position, String expected) {
    ExpositionFormatException duplicate = checkSeries();
    if (duplicate != null) {
      return duplicate;
    }
    return errorAt(lineNumber, lineStart, position, expected);
  }

  /**
   * Adds the series of the samples not yet checked to the series table, and returns the error for
   * the first sample whose series is there already, or null.
   */
  private ExpositionFormatException checkSeries() {
    int count = samples.count();
    for (int index = checkedSamples; index < count; index++) {
      int first = series.addOrFind(samples, index);
      if (first != index) {
        checkedSamples = count;
        int start = samples.offset(index);
        return errorAt(
            samples.lineNumber(index),
            start,
            start + leadingBlanks(start),
            "each series once, but this one is also on line " + samples.lineNumber(first));
      }
    }
    checkedSamples = count;
    return null;
  }

  private int leadingBlanks(int start) {
    int end = start;
    while (isBlank(text[end])) {
      end++;
    }
    return end - start;
  }

  /**
   * Builds the error for {@code position} on the line that starts at {@code start}. The column
   * counts characters, not bytes, so it matches what an editor shows for lines with non-ASCII text.
   */
  private ExpositionFormatException errorAt(
      int errorLineNumber, int start, int position, String expected) {
    int end = Math.min(endOfLine(start), length);
    int column = decode(start, Math.min(position, end)).length() + 1;
    return new ExpositionFormatException(errorLineNumber, column, expected, decode(start, end));
  }

  /**
   * Set of the series parsed so far, by sample index: open addressing on a 64-bit hash of the
   * pooled name and label ids, with an exact comparison of the ids when two hashes agree. Each slot
   * packs the upper half of the hash with the sample index plus one, so a probe reads one array.
   */
  private static final class SeriesTable {
    private static final long INDEX_BITS = 0xFFFF_FFFFL;

    private long[] slots;
    private int size;

    SeriesTable(int expectedSeries) {
      slots = new long[Integer.highestOneBit(Math.max(512, expectedSeries)) * 2];
    }

    /** Adds sample {@code index} and returns it, or returns the earlier sample of its series. */
    int addOrFind(ExpositionSamples samples, int index) {
      if (2 * (size + 1) > slots.length) {
        grow(samples);
      }
      long hash = samples.seriesHash(index);
      long tag = hash & ~INDEX_BITS;
      int mask = slots.length - 1;
      int slot = (int) hash & mask;
      while (slots[slot] != 0) {
        long entry = slots[slot];
        int other = (int) (entry & INDEX_BITS) - 1;
        if ((entry & ~INDEX_BITS) == tag && samples.isSameSeries(other, index)) {
          return other;
        }
        slot = (slot + 1) & mask;
      }
      slots[slot] = tag | (index + 1L);
      size++;
      return index;
    }

    /** Doubles the table, hashing each sample again for the lower half that slots omit. */
    private void grow(ExpositionSamples samples) {
      long[] old = slots;
      slots = new long[old.length * 2];
      int mask = slots.length - 1;
      for (long entry : old) {
        if (entry != 0) {
          int slot = (int) samples.seriesHash((int) (entry & INDEX_BITS) - 1) & mask;
          while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          slots[slot] = entry;
        }
      }
    }
  }

  /** The order of label names sorted by name, for one sequence of label names as written. */
  private static final class LabelOrder {
    int[] names = new int[8];
    int[] order = new int[8];
    int count = -1;

    /** A label name id that occurs twice, or -1. */
    int duplicate = -1;

    boolean fits(int[] pairs, int labelCount) {
      if (labelCount != count) {
        return false;
      }
      for (int i = 0; i < labelCount; i++) {
        if (names[i] != pairs[2 * i]) {
          return false;
        }
      }
      return true;
    }

    /** Sorts by insertion, since series have few labels. */
    void find(int[] pairs, int labelCount, StringPool pool) {
      if (order.length < labelCount) {
        order = new int[labelCount * 2];
        names = new int[labelCount * 2];
      }
      for (int i = 0; i < labelCount; i++) {
        names[i] = pairs[2 * i];
        String name = pool.string(pairs[2 * i]);
        int j = i - 1;
        while (j >= 0 && pool.string(pairs[2 * order[j]]).compareTo(name) > 0) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = i;
      }
      count = labelCount;
      duplicate = -1;
      for (int i = 1; i < labelCount; i++) {
        // The pool gives equal names the same id.
        if (pairs[2 * order[i]] == pairs[2 * order[i - 1]]) {
          duplicate = pairs[2 * order[i]];
          break;
        }
      }
    }
  }

  /** A family while its lines are being read: metadata and the indices of its samples. */
  private static final class FamilyBuilder {
    /** A histogram has four sample names, so eight leave room for odd exporters. */
    static final int MAX_NAMES = 8;

    final String name;
    FamilyType type = FamilyType.UNKNOWN;
    String help = "";
    String unit = "";
    boolean typeDeclared;
    boolean helpDeclared;
    boolean unitDeclared;
    int[] indices = new int[16];
    int size;

    /** Sample names the family took, at most {@link #MAX_NAMES}, with their special label. */
    final int[] nameIds = new int[MAX_NAMES];
    final String[] specialLabels = new String[MAX_NAMES];
    int nameCount;

    FamilyBuilder(String name) {
      this.name = name;
    }

    int indexOfName(int nameId) {
      for (int i = 0; i < nameCount; i++) {
        if (nameIds[i] == nameId) {
          return i;
        }
      }
      return -1;
    }

    void rememberName(int nameId, String specialLabel) {
      if (nameCount < MAX_NAMES) {
        nameIds[nameCount] = nameId;
        specialLabels[nameCount] = specialLabel;
        nameCount++;
      }
    }

    void add(int index) {
      if (size == indices.length) {
        indices = Arrays.copyOf(indices, size * 2);
      }
      indices[size++] = index;
    }

    MetricFamily build(ExpositionSamples samples) {
      return new MetricFamily(name, type, help, unit, samples.list(indices, size));
    }
  }
}
