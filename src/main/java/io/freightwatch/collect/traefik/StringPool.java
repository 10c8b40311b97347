package io.freightwatch.collect.traefik;

/**
 * Deduplicates the strings of one parse. A scrape repeats the same label names and values (code,
 * method, service) thousands of times. A lookup by character range returns the String already made
 * for that text, so the parser allocates a String only for text it has not seen yet. Not
 * thread-safe: one pool belongs to one parse.
 */
final class StringPool {

  private static final int INITIAL_CAPACITY = 1024;

  private String[] table = new String[INITIAL_CAPACITY];
  private int size;

  /** Returns the pooled String equal to {@code source[start, end)}. */
  String get(CharSequence source, int start, int end) {
    int hash = 0;
    for (int i = start; i < end; i++) {
      hash = 31 * hash + source.charAt(i);
    }
    int mask = table.length - 1;
    int index = spread(hash) & mask;
    while (true) {
      String candidate = table[index];
      if (candidate == null) {
        String created = source.subSequence(start, end).toString();
        table[index] = created;
        if (++size * 2 > table.length) {
          grow();
        }
        return created;
      }
      // String.hashCode uses the same formula as above and caches its result, so this check is
      // cheap and rules out almost every mismatch before the characters are compared.
      if (candidate.hashCode() == hash && regionEquals(candidate, source, start, end)) {
        return candidate;
      }
      index = (index + 1) & mask;
    }
  }

  private static boolean regionEquals(String candidate, CharSequence source, int start, int end) {
    if (candidate.length() != end - start) {
      return false;
    }
    for (int i = start; i < end; i++) {
      if (candidate.charAt(i - start) != source.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  private void grow() {
    String[] old = table;
    table = new String[old.length * 2];
    int mask = table.length - 1;
    for (String entry : old) {
      if (entry != null) {
        int index = spread(entry.hashCode()) & mask;
        while (table[index] != null) {
          index = (index + 1) & mask;
        }
        table[index] = entry;
      }
    }
  }
}
