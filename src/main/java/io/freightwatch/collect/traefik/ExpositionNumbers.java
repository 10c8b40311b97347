package io.freightwatch.collect.traefik;

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

  private ExpositionNumbers() {}

  /**
   * Parses {@code text[start, end)} as a float.
   *
   * @throws NumberFormatException when the range is not a number in the syntax above
   */
  static double parseFloat(CharSequence text, int start, int end) {
    // Fast path for plain decimals such as 1250003000 or 0.25, which are nearly all values in a
    // scrape: a mantissa of at most 15 digits and a power of ten up to 1e22 are both exact
    // doubles, so one division gives the correctly rounded result.
    int i = start;
    boolean negative = false;
    if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      negative = text.charAt(i) == '-';
      i++;
    }

    long mantissa = 0;
    int significantDigits = 0;
    int fractionDigits = 0;
    boolean anyDigit = false;
    boolean seenDot = false;
    for (; i < end; i++) {
      char c = text.charAt(i);
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

    if (i == end && anyDigit && fractionDigits < POWERS_OF_TEN.length) {
      double value = mantissa / POWERS_OF_TEN[fractionDigits];
      return negative ? -value : value;
    }
    return parseFloatSlowly(text, start, end);
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

  private static double parseFloatSlowly(CharSequence text, int start, int end) {
    String token = text.subSequence(start, end).toString();
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
