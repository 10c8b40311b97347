package io.freightwatch.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises credentials written into URLs and headers, so that the loader can reject them when
 * they are written in the file instead of read from {@code ${env:...}} or {@code ${file:...}}, and
 * redacts them from every message that shows a URL.
 */
final class Credentials {

  /** Query parameters and header names that carry credentials by convention. */
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i)(password|passwd|pwd|sslpassword|token|secret|api[_-]?key|apikey|key|sig|signature"
          + "|code|auth|authorization|proxy-authorization|x-api-key|routing[_-]?key)");
  private static final Pattern SECRET_HEADER = Pattern.compile(
      "(?i)(authorization|proxy-authorization|cookie|.*(token|secret|key|auth|signature|password"
          + "|session|credential).*)");
  /** Values that start with an HTTP authentication scheme carry a credential whatever the name. */
  private static final Pattern SCHEME_VALUE = Pattern.compile(
      "(?i)\\s*(bearer|basic|digest|negotiate|token|apikey|sharedaccesssignature)\\s+\\S.*");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("//([^/@:?#]*):([^/@?#]*)@");
  private static final Pattern QUERY_PARAMETER = Pattern.compile("([?&])([^=&#]+)=([^&#]*)");

  private Credentials() {}

  /**
   * Returns what makes {@code url} carry a credential (a password in its user info or a query
   * parameter named like one), or empty when it carries none.
   */
  static Optional<String> findInUrl(String url) {
    if (USER_INFO_PASSWORD.matcher(url).find()) {
      return Optional.of("a password in the user info (user:password@)");
    }
    Matcher query = QUERY_PARAMETER.matcher(url);
    while (query.find()) {
      if (SECRET_NAME.matcher(query.group(2)).matches()) {
        return Optional.of("the query parameter " + query.group(2));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns true when a header of this name usually carries a credential, or when its value starts
   * with an authentication scheme such as {@code Bearer}.
   */
  static boolean isSecretHeader(String name, String value) {
    return SECRET_HEADER.matcher(name).matches() || SCHEME_VALUE.matcher(value).matches();
  }

  /** Returns {@code url} with user-info passwords and credential query values redacted. */
  static String redact(String url) {
    String withoutPassword = USER_INFO_PASSWORD.matcher(url).replaceAll("//$1:<redacted>@");
    Matcher query = QUERY_PARAMETER.matcher(withoutPassword);
    StringBuilder out = new StringBuilder();
    while (query.find()) {
      String value = SECRET_NAME.matcher(query.group(2)).matches() ? "<redacted>" : query.group(3);
      query.appendReplacement(out,
          Matcher.quoteReplacement(query.group(1) + query.group(2) + "=" + value));
    }
    query.appendTail(out);
    return out.toString();
  }
}
