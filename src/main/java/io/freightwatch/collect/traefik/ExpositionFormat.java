package io.freightwatch.collect.traefik;

import java.util.Locale;
import java.util.Optional;

/** Text formats a metrics endpoint may reply with, chosen from the reply's Content-Type. */
public enum ExpositionFormat {
  /** Prometheus text exposition format 0.0.4 ({@code text/plain; version=0.0.4}). */
  PROMETHEUS_TEXT,
  /** OpenMetrics 1.0 text ({@code application/openmetrics-text; version=1.0.0}). */
  OPENMETRICS;

  /**
   * Picks the format from a Content-Type header value. The media type and the {@code version} and
   * {@code charset} parameters are compared case-insensitively. Other parameters are ignored, such
   * as {@code escaping=underscores}, which prometheus/common 0.47 and later add. A missing header
   * means Prometheus text, which is what exporters without content negotiation send.
   *
   * @throws IllegalArgumentException when the media type, its version or its charset is not one of
   *     the supported ones. The message quotes the header value.
   */
  public static ExpositionFormat fromContentType(Optional<String> contentType) {
    if (contentType.isEmpty() || contentType.get().isBlank()) {
      return PROMETHEUS_TEXT;
    }
    String header = contentType.get();
    String[] parts = header.split(";");
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    String version = "";
    String charset = "utf-8";
    for (int i = 1; i < parts.length; i++) {
      int equals = parts[i].indexOf('=');
      if (equals < 0) {
        continue;
      }
      String name = parts[i].substring(0, equals).trim().toLowerCase(Locale.ROOT);
      String value = unquote(parts[i].substring(equals + 1).trim()).toLowerCase(Locale.ROOT);
      if (name.equals("version")) {
        version = value;
      } else if (name.equals("charset")) {
        charset = value;
      }
    }
    if (!charset.equals("utf-8")) {
      throw unsupported(header, "charset " + charset + " is not supported, only utf-8");
    }
    return switch (mediaType) {
      case "text/plain" -> checkVersion(PROMETHEUS_TEXT, header, version, "0.0.4");
      case "application/openmetrics-text" -> checkVersion(OPENMETRICS, header, version, "1.0.0");
      default -> throw unsupported(header, "media type " + mediaType + " is not a text format");
    };
  }

  private static ExpositionFormat checkVersion(
      ExpositionFormat format, String header, String version, String supported) {
    // OpenMetrics 0.0.1 is the pre-release name of the 1.0.0 grammar, and client libraries still
    // send it.
    boolean known =
        version.isEmpty()
            || version.equals(supported)
            || (format == OPENMETRICS && version.equals("0.0.1"));
    if (!known) {
      throw unsupported(header, "version " + version + " is not supported, only " + supported);
    }
    return format;
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  private static IllegalArgumentException unsupported(String header, String reason) {
    // The header comes from the remote side, so its length is capped like a reply body.
    String shown = header.length() > 100 ? header.substring(0, 100) + "..." : header;
    return new IllegalArgumentException(
        "unsupported Content-Type \""
            + shown
            + "\": "
            + reason
            + "; expected text/plain; version=0.0.4 or application/openmetrics-text;"
            + " version=1.0.0");
  }
}
