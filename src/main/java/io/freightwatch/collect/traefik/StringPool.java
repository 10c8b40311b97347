package io.freightwatch.collect.traefik;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Deduplicates the tokens of one parse: metric names, label names and label values. A scrape
 * repeats the same tokens (code, method, service) thousands of times, so each distinct token gets
 * an id and one String, and a lookup of a token seen before creates no String at all.
 *
 * <p>The key of a token is its raw UTF-8 text in the scrape, escapes included, because the escape
 * syntax has one spelling per value: equal raw text means an equal value and the reverse. A lookup
 * compares the caller's hash and length first and the bytes only on a match. Each id remembers
 * where its first occurrence sits in the text, which is the copy the bytes are compared against.
 * Not thread-safe: one pool belongs to one parse.
 */
final class StringPool {

  private static final int INITIAL_CAPACITY = 1024;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final byte NUMBER_UNKNOWN = 0;
  private static final byte NUMBER_VALID = 1;
  private static final byte NUMBER_INVALID = 2;

  private final byte[] text;
  private int[] slots = new int[INITIAL_CAPACITY];
  private int[] hashes = new int[INITIAL_CAPACITY / 2];
  private int[] starts = new int[INITIAL_CAPACITY / 2];
  private int[] lengths = new int[INITIAL_CAPACITY / 2];
  private String[] strings = new String[INITIAL_CAPACITY / 2];
  private byte[] numberStates = new byte[INITIAL_CAPACITY / 2];
  private int size;

  /** Creates a pool for tokens of {@code text}, the UTF-8 scrape being parsed. */
  StringPool(byte[] text) {
    this.text = text;
  }

  /**
   * Returns the id of the token {@code text[start, end)}, adding it when new.
   *
   * @param hash the token's hash as computed by {@link #hash}
   * @param escaped true when the raw text contains backslash escapes, which the String resolves
   */
  int intern(int start, int end, int hash, boolean escaped) {
    int length = end - start;
    int mask = slots.length - 1;
    int index = spread(hash) & mask;
    while (true) {
      int slot = slots[index];
      if (slot == 0) {
        int id = add(start, length, hash, escaped);
        slots[index] = id + 1;
        if (size * 2 > slots.length) {
          rehash();
        }
        return id;
      }
      int id = slot - 1;
      if (hashes[id] == hash && lengths[id] == length && matchesAt(id, start)) {
        return id;
      }
      index = (index + 1) & mask;
    }
  }

  /** Returns the hash of {@code text[start, end)} that {@link #intern} expects. */
  static int hash(byte[] text, int start, int end) {
    int hash = 0;
    for (int i = start; i < end; i++) {
      hash = 31 * hash + text[i];
    }
    return hash;
  }

  /**
   * Returns true when the text at {@code position} starts with the raw text of token {@code id}.
   * The caller checks what follows, for example a closing quote.
   */
  boolean matchesAt(int id, int position) {
    int start = starts[id];
    int length = lengths[id];
    if (position + length > text.length) {
      return false;
    }
    // Tokens are short, so eight bytes at a time beat the setup cost of Arrays.equals.
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      if ((long) LONGS.get(text, start + i) != (long) LONGS.get(text, position + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (text[start + i] != text[position + i]) {
        return false;
      }
    }
    return true;
  }

  /** Returns the length in bytes of the raw text of token {@code id}. */
  int rawLength(int id) {
    return lengths[id];
  }

  String string(int id) {
    return strings[id];
  }

  boolean isEmpty(int id) {
    return lengths[id] == 0;
  }

  /** Returns true when token {@code id} is a number in exposition syntax, checking it only once. */
  boolean isNumber(int id) {
    if (numberStates[id] == NUMBER_UNKNOWN) {
      String value = strings[id];
      byte state = NUMBER_VALID;
      try {
        ExpositionNumbers.parseFloat(value, 0, value.length());
      } catch (NumberFormatException e) {
        state = NUMBER_INVALID;
      }
      numberStates[id] = state;
    }
    return numberStates[id] == NUMBER_VALID;
  }

  /** Returns the Strings by id; the caller must not change the array. */
  String[] strings() {
    return strings;
  }

  private int add(int start, int length, int hash, boolean escaped) {
    if (size == strings.length) {
      int capacity = size * 2;
      hashes = Arrays.copyOf(hashes, capacity);
      starts = Arrays.copyOf(starts, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      strings = Arrays.copyOf(strings, capacity);
      numberStates = Arrays.copyOf(numberStates, capacity);
    }
    int id = size++;
    hashes[id] = hash;
    starts[id] = start;
    lengths[id] = length;
    strings[id] = escaped ? unescape(start, start + length) : decode(start, start + length);
    return id;
  }

  private String decode(int start, int end) {
    return new String(text, start, end - start, StandardCharsets.UTF_8);
  }

  /**
   * Resolves {@code \\}, {@code \"} and {@code \n}. The parser has checked that no other escape
   * occurs. Escapes are ASCII and no byte of a multi-byte UTF-8 character is, so the bytes can be
   * unescaped before they are decoded.
   */
  private String unescape(int start, int end) {
    byte[] bytes = new byte[end - start];
    int length = 0;
    for (int i = start; i < end; i++) {
      byte b = text[i];
      if (b == '\\') {
        i++;
        b = text[i] == 'n' ? (byte) '\n' : text[i];
      }
      bytes[length++] = b;
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  private void rehash() {
    slots = new int[slots.length * 2];
    int mask = slots.length - 1;
    for (int id = 0; id < size; id++) {
      int index = spread(hashes[id]) & mask;
      while (slots[index] != 0) {
        index = (index + 1) & mask;
      }
      slots[index] = id + 1;
    }
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
