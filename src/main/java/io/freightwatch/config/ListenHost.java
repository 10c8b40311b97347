package io.freightwatch.config;

import java.util.Optional;

/**
 * Syntax check of the host part of {@code agent.listen}, without any DNS lookup: an IPv4 literal,
 * an IPv6 literal (written in brackets in {@code listen}, passed here without them), or an RFC 1123
 * host name. Binding to anything else fails only when the agent starts, so the configuration
 * check rejects it early.
 */
final class ListenHost {

  private static final int MAX_NAME_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private ListenHost() {}

  /**
   * Returns why {@code host} is not a valid IP literal or host name, or empty when it is valid.
   *
   * @param host the host without brackets
   * @param bracketed whether {@code listen} wrote the host in brackets, as an IPv6 literal must be
   */
  static Optional<String> problem(String host, boolean bracketed) {
    if (bracketed) {
      return isIpv6(host)
          ? Optional.empty()
          : Optional.of("[" + host + "] is not a valid IPv6 address");
    }
    if (host.indexOf(':') >= 0) {
      return Optional.of(host + " looks like an IPv6 address, which must be written in brackets,"
          + " e.g. [::1]:9187");
    }
    if (host.matches("[0-9.]+")) {
      return isIpv4(host)
          ? Optional.empty()
          : Optional.of(host + " is not a valid IPv4 address: it needs 4 numbers from 0 to 255,"
              + " without leading zeros");
    }
    return hostNameProblem(host);
  }

  /** Returns true for a dotted-decimal IPv4 address: 4 numbers from 0 to 255. */
  private static boolean isIpv4(String text) {
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      // A leading zero reads as octal in some resolvers, so 010 is rejected as ambiguous.
      if (!octet.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns true for an IPv6 address in the RFC 4291 text form: 8 groups of 1 to 4 hex digits, at
   * most one {@code ::} for a run of zero groups, optionally ending in an IPv4 address that counts
   * as 2 groups, and optionally followed by a {@code %zone}.
   */
  private static boolean isIpv6(String text) {
    String address = text;
    int percent = text.indexOf('%');
    if (percent >= 0) {
      if (!text.substring(percent + 1).matches("[A-Za-z0-9._-]+")) {
        return false;
      }
      address = text.substring(0, percent);
    }
    int compressed = address.indexOf("::");
    if (compressed >= 0 && address.indexOf("::", compressed + 1) >= 0) {
      return false;
    }
    if (compressed < 0) {
      return groupCount(address) == 8;
    }
    String head = address.substring(0, compressed);
    String tail = address.substring(compressed + 2);
    int headGroups = head.isEmpty() ? 0 : groupCount(head);
    int tailGroups = tail.isEmpty() ? 0 : groupCount(tail);
    if (headGroups < 0 || tailGroups < 0 || (!head.isEmpty() && head.contains("."))) {
      return false;
    }
    return headGroups + tailGroups <= 7;
  }

  /**
   * Returns the number of 16-bit groups in a colon-separated run of hex groups, whose last part may
   * be an IPv4 address, or -1 when the run is invalid.
   */
  private static int groupCount(String run) {
    String[] parts = run.split(":", -1);
    int groups = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i == parts.length - 1 && part.contains(".")) {
        if (!isIpv4(part)) {
          return -1;
        }
        groups += 2;
      } else if (part.matches("[0-9A-Fa-f]{1,4}")) {
        groups++;
      } else {
        return -1;
      }
    }
    return groups;
  }

  private static Optional<String> hostNameProblem(String host) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return Optional.of("\"" + host + "\" is not a valid host name: it must have 1 to "
          + MAX_NAME_LENGTH + " characters");
    }
    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH
          || !label.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?")) {
        return Optional.of("\"" + host + "\" is not a valid host name: each dot-separated part"
            + " must have 1 to " + MAX_LABEL_LENGTH + " letters, digits or hyphens, and must not"
            + " start or end with a hyphen");
      }
    }
    // An all-numeric last part makes the name read as an IPv4 address to some resolvers.
    if (labels[labels.length - 1].matches("[0-9]+")) {
      return Optional.of("\"" + host + "\" is not a valid host name, because its last part is all"
          + " digits");
    }
    return Optional.empty();
  }
}
