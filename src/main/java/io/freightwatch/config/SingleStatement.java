package io.freightwatch.config;

import java.util.Locale;

/**
 * Checks that a text is one SQL query, SELECT or WITH, and removes a trailing semicolon.
 *
 * <p>The scan follows PostgreSQL's lexical rules only as far as needed to find semicolons outside
 * string literals, quoted identifiers, comments and dollar-quoted bodies. It is a guard against
 * statement chains such as {@code SELECT 1; DELETE ...}, not a parser: the read-only transaction
 * the query runs in is what stops writes.
 */
final class SingleStatement {

  private final String sql;
  private int position;
  private int lastSemicolon = -1;
  // The text outside literals and comments, where keywords can be looked for.
  private final StringBuilder code = new StringBuilder();

  /** Clauses that write or lock rows, which a query of a read-only session must not contain. */
  private static final java.util.regex.Pattern WRITES = java.util.regex.Pattern.compile(
      "\\b(insert\\s+into|update\\s+[a-z_\"]|delete\\s+from|merge\\s+into"
          + "|for\\s+(no\\s+key\\s+)?update\\b|for\\s+(key\\s+)?share\\b)");

  private SingleStatement(String sql) {
    this.sql = sql;
  }

  /**
   * Returns {@code sql} without surrounding blanks and without a final semicolon.
   *
   * @throws IllegalArgumentException when the text is empty, has an unterminated literal or
   *     comment, chains statements, or does not start with SELECT or WITH; the message names the problem
   */
  static String check(String sql) {
    SingleStatement scan = new SingleStatement(sql.strip());
    scan.scan();
    String body = scan.sql;
    if (scan.lastSemicolon >= 0) {
      if (!isBlankOrComment(body.substring(scan.lastSemicolon + 1))) {
        throw new IllegalArgumentException(
            "contains more than one statement (a ';' at offset " + scan.lastSemicolon
                + " is followed by more SQL); give a single SELECT");
      }
      body = body.substring(0, scan.lastSemicolon).strip();
    }
    String first = firstWord(body);
    if (first.isEmpty()) {
      throw new IllegalArgumentException("is empty; give a SELECT such as SELECT count(*) AS n"
          + " FROM sale_order");
    }
    if (!first.equals("select") && !first.equals("with")) {
      throw new IllegalArgumentException("starts with " + first.toUpperCase(Locale.ROOT)
          + "; only a SELECT or WITH query can run in the read-only session");
    }
    java.util.regex.Matcher write = WRITES.matcher(scan.code.toString().toLowerCase(Locale.ROOT));
    if (write.find()) {
      throw new IllegalArgumentException("contains " + write.group().toUpperCase(Locale.ROOT)
          .replaceAll("\\s+", " ") + ", which writes or locks rows; a custom query only reads");
    }
    return body;
  }

  private void scan() {
    while (position < sql.length()) {
      char c = sql.charAt(position);
      if (c == '\'') {
        skipQuoted('\'', isEscapeString());
      } else if (c == '"') {
        skipQuoted('"', false);
      } else if (sql.startsWith("--", position)) {
        int end = sql.indexOf('\n', position);
        position = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith("/*", position)) {
        skipBlockComment();
      } else if (c == '$' && dollarTag() != null) {
        skipDollarQuoted(dollarTag());
      } else {
        code.append(c);
        if (c == ';') {
          if (lastSemicolon >= 0) {
            throw new IllegalArgumentException("contains more than one statement (';' at offsets "
                + lastSemicolon + " and " + position + "); give a single SELECT");
          }
          lastSemicolon = position;
        }
        position++;
      }
    }
  }

  /** True for E'...' strings, in which a backslash escapes the next character. */
  private boolean isEscapeString() {
    if (position == 0 || Character.toLowerCase(sql.charAt(position - 1)) != 'e') {
      return false;
    }
    return position == 1 || !isIdentifierPart(sql.charAt(position - 2));
  }

  private void skipQuoted(char quote, boolean backslashEscapes) {
    int start = position;
    position++;
    while (position < sql.length()) {
      char c = sql.charAt(position);
      if (backslashEscapes && c == '\\') {
        position += 2;
      } else if (c == quote) {
        if (position + 1 < sql.length() && sql.charAt(position + 1) == quote) {
          position += 2;
        } else {
          position++;
          return;
        }
      } else {
        position++;
      }
    }
    throw new IllegalArgumentException("has an unterminated " + (quote == '"' ? "quoted"
        + " identifier" : "string literal") + " starting at offset " + start);
  }

  private void skipBlockComment() {
    int start = position;
    int depth = 0;
    while (position < sql.length()) {
      if (sql.startsWith("/*", position)) {
        depth++;
        position += 2;
      } else if (sql.startsWith("*/", position)) {
        depth--;
        position += 2;
        if (depth == 0) {
          return;
        }
      } else {
        position++;
      }
    }
    throw new IllegalArgumentException("has an unterminated /* comment starting at offset "
        + start);
  }

  /** Returns the tag of a dollar quote starting here, such as {@code $$} or {@code $body$}. */
  private String dollarTag() {
    if (position > 0 && isIdentifierPart(sql.charAt(position - 1))) {
      return null;
    }
    int end = position + 1;
    while (end < sql.length() && isIdentifierPart(sql.charAt(end))) {
      end++;
    }
    if (end >= sql.length() || sql.charAt(end) != '$') {
      return null;
    }
    String tag = sql.substring(position, end + 1);
    // $1 is a parameter placeholder, not a quote: a tag cannot start with a digit.
    return tag.length() > 2 && Character.isDigit(tag.charAt(1)) ? null : tag;
  }

  private void skipDollarQuoted(String tag) {
    int start = position;
    int end = sql.indexOf(tag, position + tag.length());
    if (end < 0) {
      throw new IllegalArgumentException("has an unterminated " + tag + " quote starting at"
          + " offset " + start);
    }
    position = end + tag.length();
  }

  private static boolean isBlankOrComment(String text) {
    String rest = text.strip();
    while (!rest.isEmpty()) {
      if (rest.startsWith("--")) {
        int end = rest.indexOf('\n');
        rest = end < 0 ? "" : rest.substring(end + 1).strip();
      } else if (rest.startsWith("/*") && rest.contains("*/")) {
        rest = rest.substring(rest.indexOf("*/") + 2).strip();
      } else {
        return false;
      }
    }
    return true;
  }

  private static String firstWord(String body) {
    String rest = body.strip();
    while (rest.startsWith("--") || rest.startsWith("/*") || rest.startsWith("(")) {
      if (rest.startsWith("(")) {
        rest = rest.substring(1).strip();
      } else if (rest.startsWith("--")) {
        int end = rest.indexOf('\n');
        rest = end < 0 ? "" : rest.substring(end + 1).strip();
      } else {
        int end = rest.indexOf("*/");
        rest = end < 0 ? "" : rest.substring(end + 2).strip();
      }
    }
    int end = 0;
    while (end < rest.length() && Character.isLetter(rest.charAt(end))) {
      end++;
    }
    return rest.substring(0, end).toLowerCase(Locale.ROOT);
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
