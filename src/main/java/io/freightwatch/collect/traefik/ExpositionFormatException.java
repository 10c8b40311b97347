package io.freightwatch.collect.traefik;

/**
 * A metrics text that does not follow its exposition format. The whole scrape is rejected, so no
 * partial set of series ever reaches the counter state. The message has the form {@code line 7,
 * column 33: expected '=' after a label name (text: ...)}, with the text around the error cut to
 * {@value #EXCERPT_CHARS} characters.
 */
public final class ExpositionFormatException extends RuntimeException {

  /** Maximum length of the offending text quoted in the message. */
  public static final int EXCERPT_CHARS = 80;

  private static final long serialVersionUID = 1L;

  private final int lineNumber;
  private final int column;
  private final String expected;

  /**
   * @param lineNumber 1-based number of the offending line
   * @param column 1-based position of the first offending character in that line
   * @param expected what the format requires at that position, for example {@code "'=' after a
   *     label name"}
   * @param line the whole offending line, of which the message keeps an excerpt
   */
  public ExpositionFormatException(int lineNumber, int column, String expected, String line) {
    super(
        "line "
            + lineNumber
            + ", column "
            + column
            + ": expected "
            + expected
            + " (text: "
            + excerpt(line, column)
            + ")");
    this.lineNumber = lineNumber;
    this.column = column;
    this.expected = expected;
  }

  public int lineNumber() {
    return lineNumber;
  }

  public int column() {
    return column;
  }

  /** Returns what the format requires at the offending position. */
  public String expected() {
    return expected;
  }

  /**
   * Cuts {@code line} to {@link #EXCERPT_CHARS} characters so that the error position stays
   * visible: from the start of the line when the error is near it, otherwise from a little before
   * the error. Cut ends are marked with "...".
   */
  static String excerpt(String line, int column) {
    if (line.length() <= EXCERPT_CHARS) {
      return line;
    }
    int start =
        Math.max(0, Math.min(column - 1 - EXCERPT_CHARS / 2, line.length() - EXCERPT_CHARS));
    int end = Math.min(line.length(), start + EXCERPT_CHARS);
    String head = start > 0 ? "..." : "";
    String tail = end < line.length() ? "..." : "";
    return head + line.substring(start, end) + tail;
  }
}
