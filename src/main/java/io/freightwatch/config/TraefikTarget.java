package io.freightwatch.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Traefik instance's Prometheus endpoint.
 *
 * @param name unique target name, used as the {@code instance} label
 * @param url full URL of the metrics endpoint, for example {@code http://traefik:8080/metrics}
 * @param interval time between scrapes
 * @param window span over which rates, error ratios and latency quantiles are computed
 * @param timeout limit of one HTTP request
 * @param services rules that add labels (such as {@code tenant} and {@code app}) to a service from
 *     its name; the first pattern that matches wins
 * @param backends the application behind each backend address, which names the application of a
 *     backend health series when Traefik v3 hides the service name behind a hash
 */
public record TraefikTarget(
    String name,
    URI url,
    Duration interval,
    Duration window,
    Duration timeout,
    List<ServiceLabels> services,
    List<Backend> backends) {

  public TraefikTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(timeout, "timeout");
    services = List.copyOf(services);
    backends = List.copyOf(backends);
  }

  /** Creates a target without a backend inventory. */
  public TraefikTarget(
      String name,
      URI url,
      Duration interval,
      Duration window,
      Duration timeout,
      List<ServiceLabels> services) {
    this(name, url, interval, window, timeout, services, List.of());
  }

  /**
   * Backend servers of one application.
   *
   * @param application name reported in the {@code application} label, such as {@code
   *     odoo-tenant42}
   * @param addresses {@code host:port} of each server, matched against the host and port of the
   *     {@code url} label
   */
  public record Backend(String application, List<String> addresses) {
    public Backend {
      Objects.requireNonNull(application, "application");
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Labels derived from a Traefik service name.
   *
   * @param pattern regular expression matched against the whole service name, such as {@code
   *     odoo-acme-web@kubernetes}; each named group becomes a label of the same name
   * @param labels fixed labels added when the pattern matches
   */
  public record ServiceLabels(Pattern pattern, Map<String, String> labels) {
    public ServiceLabels {
      Objects.requireNonNull(pattern, "pattern");
      labels = Map.copyOf(labels);
    }
  }
}
