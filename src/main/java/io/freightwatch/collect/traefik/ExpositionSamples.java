package io.freightwatch.collect.traefik;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.RandomAccess;

/**
 * The samples of one parse stored in columns: per sample a name id, a slice of label ids, the
 * value and the line it came from, with ids that index the parse's pooled Strings. A scrape of
 * 50,000 series thus costs a few arrays instead of 50,000 sample and label objects. A {@link
 * ParsedSample} is made the first time someone reads it and kept for later reads.
 *
 * <p>The parser appends samples on one thread. After the parse the columns do not change, and
 * reading is safe from any thread: two threads reading a sample for the first time at once may
 * each make one, and both are equal.
 */
final class ExpositionSamples {

  private final String[] strings;
  private int count;
  private int[] nameIds;
  private int[] lineNumbers;
  private int[] offsets;
  private double[] values;
  private int[] labelStarts;
  private int[] labelIds;
  private long[] timestamps;
  private BitSet hasTimestamp;
  private final Map<Integer, Exemplar> exemplars = new HashMap<>();
  private ParsedSample[] createdSamples;

  /**
   * Creates empty columns for the parser to append to.
   *
   * @param expectedSamples a guess of the number of samples, to size the columns
   */
  ExpositionSamples(int expectedSamples) {
    this.strings = new String[0];
    int capacity = Math.max(16, expectedSamples);
    nameIds = new int[capacity];
    lineNumbers = new int[capacity];
    offsets = new int[capacity];
    values = new double[capacity];
    labelStarts = new int[capacity + 1];
    labelIds = new int[capacity * 8];
  }

  private ExpositionSamples(ExpositionSamples parsed, String[] strings) {
    this.strings = strings;
    this.count = parsed.count;
    this.nameIds = parsed.nameIds;
    this.lineNumbers = parsed.lineNumbers;
    this.offsets = parsed.offsets;
    this.values = parsed.values;
    this.labelStarts = parsed.labelStarts;
    this.labelIds = parsed.labelIds;
    this.timestamps = parsed.timestamps;
    this.hasTimestamp = parsed.hasTimestamp;
    this.exemplars.putAll(parsed.exemplars);
    this.createdSamples = new ParsedSample[count];
  }

  /**
   * Appends a sample whose label ids are {@code pairs[0, pairCount)}, name/value pairs sorted by
   * name with empty values removed, and returns its index.
   *
   * @param offset where the sample's line starts in the scrape, in bytes
   */
  int add(int nameId, int[] pairs, int pairCount, double value, int lineNumber, int offset) {
    if (count == nameIds.length) {
      int capacity = count * 2;
      nameIds = Arrays.copyOf(nameIds, capacity);
      lineNumbers = Arrays.copyOf(lineNumbers, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      values = Arrays.copyOf(values, capacity);
      labelStarts = Arrays.copyOf(labelStarts, capacity + 1);
    }
    int labelStart = labelStarts[count];
    if (labelStart + pairCount > labelIds.length) {
      labelIds = Arrays.copyOf(labelIds, Math.max(labelIds.length * 2, labelStart + pairCount));
    }
    System.arraycopy(pairs, 0, labelIds, labelStart, pairCount);
    nameIds[count] = nameId;
    lineNumbers[count] = lineNumber;
    offsets[count] = offset;
    values[count] = value;
    labelStarts[count + 1] = labelStart + pairCount;
    return count++;
  }

  void setTimestamp(int index, long timestampMillis) {
    if (timestamps == null) {
      timestamps = new long[nameIds.length];
      hasTimestamp = new BitSet();
    } else if (timestamps.length <= index) {
      timestamps = Arrays.copyOf(timestamps, nameIds.length);
    }
    timestamps[index] = timestampMillis;
    hasTimestamp.set(index);
  }

  void setExemplar(int index, Exemplar exemplar) {
    exemplars.put(index, exemplar);
  }

  /** Returns the read-only samples, whose ids index {@code strings}, the pool's Strings. */
  ExpositionSamples finish(String[] strings) {
    return new ExpositionSamples(this, strings);
  }

  int count() {
    return count;
  }

  int nameId(int index) {
    return nameIds[index];
  }

  /** Returns the pooled String with id {@code id}, such as a sample name. */
  String string(int id) {
    return strings[id];
  }

  int lineNumber(int index) {
    return lineNumbers[index];
  }

  /** Returns where the line of sample {@code index} starts in the scrape, in bytes. */
  int offset(int index) {
    return offsets[index];
  }

  /** Returns a hash of the series identity: the name id and the label ids. */
  long seriesHash(int index) {
    // The name id is multiplied in first, so that it does not simply add to the first label id.
    long hash = nameIds[index] * 0x9E3779B97F4A7C15L;
    int end = labelStarts[index + 1];
    for (int i = labelStarts[index]; i < end; i += 2) {
      long pair = ((long) labelIds[i] << 32) | (labelIds[i + 1] & 0xFFFF_FFFFL);
      hash = (hash + pair) * 0x9E3779B97F4A7C15L;
    }
    hash ^= hash >>> 31;
    hash *= 0xBF58476D1CE4E5B9L;
    return hash ^ (hash >>> 29);
  }

  /** Returns true when samples {@code a} and {@code b} have the same name and labels. */
  boolean isSameSeries(int a, int b) {
    return nameIds[a] == nameIds[b]
        && Arrays.equals(
            labelIds, labelStarts[a], labelStarts[a + 1], labelIds, labelStarts[b],
            labelStarts[b + 1]);
  }

  /** Returns the sample at {@code index}, made on first read. */
  ParsedSample sample(int index) {
    ParsedSample sample = createdSamples[index];
    if (sample == null) {
      sample = createSample(index);
      createdSamples[index] = sample;
    }
    return sample;
  }

  /** Returns a read-only list of the samples at {@code indices[0, size)}. */
  List<ParsedSample> list(int[] indices, int size) {
    return new SampleList(this, indices, size);
  }

  private ParsedSample createSample(int index) {
    int start = labelStarts[index];
    int end = labelStarts[index + 1];
    LabelSet labels = LabelSet.EMPTY;
    if (end > start) {
      String[] pairs = new String[end - start];
      for (int i = start; i < end; i++) {
        pairs[i - start] = strings[labelIds[i]];
      }
      labels = LabelSet.fromCheckedPairs(pairs);
    }
    OptionalLong timestamp =
        hasTimestamp != null && hasTimestamp.get(index)
            ? OptionalLong.of(timestamps[index])
            : OptionalLong.empty();
    return new ParsedSample(
        strings[nameIds[index]],
        labels,
        values[index],
        timestamp,
        Optional.ofNullable(exemplars.get(index)));
  }

  /** Samples picked by index, made on first read. */
  static final class SampleList extends AbstractList<ParsedSample> implements RandomAccess {

    private final ExpositionSamples samples;
    private final int[] indices;
    private final int size;

    SampleList(ExpositionSamples samples, int[] indices, int size) {
      this.samples = samples;
      this.indices = indices;
      this.size = size;
    }

    @Override
    public ParsedSample get(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("index " + index + " of " + size + " samples");
      }
      return samples.sample(indices[index]);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
