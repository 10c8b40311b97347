package io.freightwatch.collect.postgres;

/**
 * A PostgreSQL WAL position ({@code pg_lsn}), a 64-bit byte offset that the server prints as two
 * hexadecimal halves, for example {@code 2/1C4D7F30}.
 *
 * @param position byte offset in the WAL, compared as an unsigned number
 */
record Lsn(long position) implements Comparable<Lsn> {

  /**
   * Parses the text form of {@code pg_lsn}.
   *
   * @throws IllegalArgumentException when {@code text} is not two hexadecimal numbers of at most 8
   *     digits separated by a slash
   */
  static Lsn parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
      throw new IllegalArgumentException(
          "invalid pg_lsn: got '" + text + "'; expected two hexadecimal halves like 2/1C4D7F30");
    }
    try {
      long high = Long.parseLong(text.substring(0, slash), 16);
      long low = Long.parseLong(text.substring(slash + 1), 16);
      return new Lsn(high << 32 | low);
    } catch (NumberFormatException notHex) {
      throw new IllegalArgumentException(
          "invalid pg_lsn: got '" + text + "'; expected two hexadecimal halves like 2/1C4D7F30",
          notHex);
    }
  }

  /** Returns the bytes from {@code earlier} to this position, negative when it is later. */
  long bytesSince(Lsn earlier) {
    return position - earlier.position;
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(position, other.position);
  }

  @Override
  public String toString() {
    return Long.toHexString(position >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase();
  }
}
