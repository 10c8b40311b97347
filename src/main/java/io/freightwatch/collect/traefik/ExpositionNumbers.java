package io.freightwatch.collect.traefik;

import java.nio.charset.StandardCharsets;

/**
 * Number syntax of the exposition formats: sample values, bucket bounds ({@code le}) and
 * timestamps. Values follow Go's strconv.ParseFloat, which Prometheus uses: decimal numbers with an
 * optional sign and exponent, and {@code NaN}, {@code Inf} and {@code Infinity} in any case, the
 * infinities with an optional sign. Java-only forms that Double.parseDouble also accepts ({@code
 * 1f}, {@code 2d}, surrounding blanks) are rejected.
 */
final class ExpositionNumbers {

  /** Powers of ten that a double represents exactly, for the fast path of {@link #parseFloat}. */
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /** At most this many significant digits fit a long below 2^53, so the fast path stays exact. */
  private static final int MAX_FAST_DIGITS = 15;

  /** Exponents with more digits than this take the slow path. */
  private static final int MAX_FAST_EXPONENT_DIGITS = 3;

  private ExpositionNumbers() {}

  /**
   * Parses {@code text[start, end)} as a float.
   *
   * @throws NumberFormatException when the range is not a number in the syntax above
   */
  static double parseFloat(CharSequence text, int start, int end) {
    // The syntax is ASCII only, so any other character makes the text invalid.
    byte[] ascii = new byte[end - start];
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        throw new NumberFormatException("not a number: " + text.subSequence(start, end));
      }
      ascii[i - start] = (byte) c;
    }
    return parseFloat(ascii, 0, ascii.length);
  }

  /**
   * Parses the ASCII text {@code text[start, end)} as a float. Every decimal number gives the
   * result of Double.parseDouble.
   *
   * @throws NumberFormatException when the range is not a number in the syntax above
   */
  static double parseFloat(byte[] text, int start, int end) {
    // Fast path for plain decimals such as 1250003000, 0.25 or 1.741e+09, which are nearly all
    // values in a scrape. A mantissa of at most 15 digits and a power of ten up to 1e22 are both
    // exact doubles, so one multiplication or division rounds once and gives the correctly
    // rounded result, as Double.parseDouble does.
    int i = start;
    boolean negative = false;
    if (i < end && (text[i] == '+' || text[i] == '-')) {
      negative = text[i] == '-';
      i++;
    }

    long mantissa = 0;
    int significantDigits = 0;
    int fractionDigits = 0;
    boolean anyDigit = false;
    boolean seenDot = false;
    for (; i < end; i++) {
      byte c = text[i];
      if (c >= '0' && c <= '9') {
        anyDigit = true;
        if (mantissa != 0 || c != '0') {
          significantDigits++;
        }
        if (significantDigits > MAX_FAST_DIGITS) {
          break;
        }
        mantissa = mantissa * 10 + (c - '0');
        if (seenDot) {
          fractionDigits++;
        }
      } else if (c == '.' && !seenDot) {
        seenDot = true;
      } else {
        break;
      }
    }

    int exponent = 0;
    if (anyDigit && i < end && (text[i] == 'e' || text[i] == 'E')) {
      int j = i + 1;
      boolean negativeExponent = false;
      if (j < end && (text[j] == '+' || text[j] == '-')) {
        negativeExponent = text[j] == '-';
        j++;
      }
      int digitsStart = j;
      while (j < end
          && text[j] >= '0'
          && text[j] <= '9'
          && j - digitsStart < MAX_FAST_EXPONENT_DIGITS) {
        exponent = exponent * 10 + (text[j] - '0');
        j++;
      }
      // Without exponent digits, i stays on the 'e' and the slow path rejects the text.
      if (j > digitsStart) {
        i = j;
        exponent = negativeExponent ? -exponent : exponent;
      }
    }
    if (i == end && anyDigit) {
      int power = exponent - fractionDigits;
      if (power >= 0 && power < POWERS_OF_TEN.length) {
        double value = mantissa * POWERS_OF_TEN[power];
        return negative ? -value : value;
      }
      if (power < 0 && -power < POWERS_OF_TEN.length) {
        double value = mantissa / POWERS_OF_TEN[-power];
        return negative ? -value : value;
      }
    }
    return parseFloatSlowly(new String(text, start, end - start, StandardCharsets.ISO_8859_1));
  }

  /**
   * Parses {@code text[start, end)} as a signed decimal integer, as Prometheus text timestamps in
   * milliseconds are written.
   *
   * @throws NumberFormatException when the range is not such an integer or overflows a long
   */
  static long parseLong(CharSequence text, int start, int end) {
    return Long.parseLong(text, start, end, 10);
  }

  /**
   * Formats a bucket bound so that every spelling of the same number ({@code 5}, {@code 5.0},
   * {@code 005.0}, {@code 5e+00}) gives the same text, for use in series identities.
   */
  static String canonicalBound(double bound) {
    if (bound == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (bound == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    return Double.toString(bound);
  }

  private static double parseFloatSlowly(String token) {
    boolean decimalSyntax = !token.isEmpty();
    for (int i = 0; i < token.length() && decimalSyntax; i++) {
      char c = token.charAt(i);
      decimalSyntax =
          (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    }
    if (decimalSyntax) {
      return Double.parseDouble(token);
    }
    String unsigned = token;
    double sign = 1;
    if (token.startsWith("+") || token.startsWith("-")) {
      unsigned = token.substring(1);
      sign = token.startsWith("-") ? -1 : 1;
    }
    if (unsigned.equalsIgnoreCase("inf") || unsigned.equalsIgnoreCase("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (token.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    throw new NumberFormatException("not a number: " + token);
  }
}
