package io.freightwatch.collect.postgres;

import java.util.regex.Pattern;

/**
 * Replaces the literals in SQL text with {@code ?}, so that query text read from {@code
 * pg_stat_activity} or {@code pg_stat_statements} can leave the agent without the values it
 * carried: customer names, tokens, passwords in {@code ALTER ROLE ... PASSWORD '...'}.
 *
 * <p>It recognises PostgreSQL's lexical forms: standard strings {@code '...'} with {@code ''}
 * escapes, escape strings {@code E'...'} with backslash escapes, bit, hex, national and Unicode
 * strings ({@code B'..'}, {@code X'..'}, {@code N'..'}, {@code U&'..'}), dollar-quoted strings
 * ({@code $$...$$}, {@code $tag$...$tag$}) and numbers (integers, decimals, exponents, {@code 0x}
 * and {@code 0b} forms, {@code _} separators). Quoted identifiers, parameter placeholders ({@code
 * $1}) and words that contain digits ({@code t1}, {@code col_2}) stay. Comments are dropped,
 * because they can carry values too. A list that holds only placeholders, as in {@code IN (?, ?,
 * ?)} or {@code ARRAY[$1, $2]}, becomes {@code (?)} or {@code [?]}, so that lists of different
 * lengths read alike. Runs of white space become one space.
 *
 * <p>Text cut off inside a literal, as PostgreSQL does at {@code track_activity_query_size}, ends
 * in {@code ?}: the unterminated rest is never copied. Output longer than {@link #MAX_CHARS} is
 * cut and ends in {@code ...}. Pure and thread-safe.
 */
final class SqlLiterals {

  /** Maximum length of redacted text; longer text is cut. */
  static final int MAX_CHARS = 1000;

  private static final String PLACEHOLDER = "?";
  // Only lists after IN and ARRAY: a function call such as current_setting($1, $2) keeps its
  // arguments.
  private static final Pattern PLACEHOLDER_LIST =
      Pattern.compile(
          "(?i)\\b(IN\\s*)\\(\\s*(?:\\?|\\$\\d+)(?:\\s*,\\s*(?:\\?|\\$\\d+))+\\s*\\)");
  private static final Pattern PLACEHOLDER_ARRAY =
      Pattern.compile(
          "(?i)\\b(ARRAY\\s*)\\[\\s*(?:\\?|\\$\\d+)(?:\\s*,\\s*(?:\\?|\\$\\d+))+\\s*]");

  private SqlLiterals() {}

  /** Returns {@code sql} with every literal replaced by {@code ?}; empty input gives "". */
  static String redact(String sql) {
    StringBuilder out = new StringBuilder(Math.min(sql.length(), MAX_CHARS + 16));
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      boolean wordStart = i == 0 || !isWordChar(sql.charAt(i - 1));
      if (c == '\'') {
        i = skipQuoted(sql, i + 1, false);
        out.append(PLACEHOLDER);
      } else if (wordStart && isStringPrefix(sql, i)) {
        int quote = sql.indexOf('\'', i);
        boolean backslashEscapes = c == 'e' || c == 'E';
        i = skipQuoted(sql, quote + 1, backslashEscapes);
        out.append(PLACEHOLDER);
      } else if (c == '"') {
        int end = skipQuotedIdentifier(sql, i + 1);
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)) && wordStart) {
        int end = i + 1;
        while (end < n && Character.isDigit(sql.charAt(end))) {
          end++;
        }
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && wordStart && dollarTagEnd(sql, i) > 0) {
        int tagEnd = dollarTagEnd(sql, i);
        String tag = sql.substring(i, tagEnd);
        int close = sql.indexOf(tag, tagEnd);
        i = close < 0 ? n : close + tag.length();
        out.append(PLACEHOLDER);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int newline = sql.indexOf('\n', i);
        i = newline < 0 ? n : newline;
        appendSpace(out);
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        i = skipBlockComment(sql, i + 2);
        appendSpace(out);
      } else if (wordStart && isNumberStart(sql, i)) {
        i = skipNumber(sql, i);
        out.append(PLACEHOLDER);
      } else if (isWordChar(c)) {
        int end = i;
        while (end < n && isWordChar(sql.charAt(end))) {
          end++;
        }
        out.append(sql, i, end);
        i = end;
      } else if (Character.isWhitespace(c)) {
        appendSpace(out);
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return cut(collapseLists(out.toString().strip()));
  }

  private static boolean isStringPrefix(String sql, int i) {
    char c = Character.toUpperCase(sql.charAt(i));
    if ((c == 'E' || c == 'B' || c == 'X' || c == 'N')
        && i + 1 < sql.length()
        && sql.charAt(i + 1) == '\'') {
      return true;
    }
    return c == 'U' && sql.startsWith("&'", i + 1);
  }

  /** Returns the index after the closing quote, or the end of the text when there is none. */
  private static int skipQuoted(String sql, int from, boolean backslashEscapes) {
    int i = from;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return sql.length();
  }

  private static int skipQuotedIdentifier(String sql, int from) {
    int i = from;
    while (i < sql.length()) {
      if (sql.charAt(i) == '"') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return sql.length();
  }

  /** Returns the index after a dollar-quote tag such as {@code $$} or {@code $body$}, else -1. */
  private static int dollarTagEnd(String sql, int i) {
    int j = i + 1;
    if (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
      while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
        j++;
      }
    }
    return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
  }

  // PostgreSQL's block comments nest.
  private static int skipBlockComment(String sql, int from) {
    int depth = 1;
    int i = from;
    while (i < sql.length() && depth > 0) {
      if (sql.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth--;
        i += 2;
      } else {
        i++;
      }
    }
    return i;
  }

  private static boolean isNumberStart(String sql, int i) {
    char c = sql.charAt(i);
    if (Character.isDigit(c)) {
      return true;
    }
    return c == '.' && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1));
  }

  private static int skipNumber(String sql, int from) {
    int n = sql.length();
    int i = from;
    if (sql.charAt(i) == '0' && i + 1 < n && "xXoObB".indexOf(sql.charAt(i + 1)) >= 0) {
      i += 2;
      while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
        i++;
      }
      return i;
    }
    while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '.')) {
      i++;
    }
    if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
        j++;
      }
      if (j < n && Character.isDigit(sql.charAt(j))) {
        i = j;
        while (i < n && Character.isDigit(sql.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  private static void appendSpace(StringBuilder out) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
      out.append(' ');
    }
  }

  private static String collapseLists(String text) {
    String lists = PLACEHOLDER_LIST.matcher(text).replaceAll("$1(?)");
    return PLACEHOLDER_ARRAY.matcher(lists).replaceAll("$1[?]");
  }

  private static String cut(String text) {
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
  }
}
