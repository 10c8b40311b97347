package io.freightwatch.collect.traefik;

import io.freightwatch.config.TraefikTarget;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names the application of a backend server from the {@code service} and {@code url} labels of
 * {@code traefik_service_server_up}. Traefik v3 replaced the service name in that family with a
 * 16-digit hexadecimal hash, so the configured inventory of backend addresses names the
 * application then. Pure and immutable.
 */
final class BackendInventory {

  static final String UNKNOWN = "unknown";

  private static final Pattern HASHED_SERVICE = Pattern.compile("[0-9a-f]{16}");

  private final Map<String, String> applicationByAddress = new HashMap<>();

  BackendInventory(List<TraefikTarget.Backend> backends) {
    for (TraefikTarget.Backend backend : backends) {
      for (String address : backend.addresses()) {
        applicationByAddress.put(address.toLowerCase(Locale.ROOT), backend.application());
      }
    }
  }

  /**
   * Returns the application: the inventory's entry for the URL's host and port when there is one,
   * else the service name without its {@code @provider} suffix, else {@value #UNKNOWN} for a hashed
   * service that the inventory does not list.
   */
  String application(String service, String url) {
    String configured = applicationByAddress.get(address(url));
    if (configured != null) {
      return configured;
    }
    if (service.isEmpty() || HASHED_SERVICE.matcher(service).matches()) {
      return UNKNOWN;
    }
    int at = service.lastIndexOf('@');
    return at > 0 ? service.substring(0, at) : service;
  }

  /** Returns {@code host:port} of a URL, with the scheme's default port when none is given. */
  static String address(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null) {
        return url.toLowerCase(Locale.ROOT);
      }
      int port = uri.getPort();
      if (port < 0) {
        port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      }
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    } catch (IllegalArgumentException notUrl) {
      return url.toLowerCase(Locale.ROOT);
    }
  }
}
